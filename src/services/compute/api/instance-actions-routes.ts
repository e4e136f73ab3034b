import type { FastifyPluginAsync } from 'fastify'
import { BadRequestError } from '../../../common/errors.js'
import type { ComputeContext } from '../compute-context.js'
import { actionView, listInstanceActions, showInstanceAction } from '../servers-instance-actions.js'
import { MAX_LIMIT } from '../servers-list.js'
import { last, parseTime, type RawQuery } from '../servers-list-query.js'
import { viewOptions } from '../servers-view-data.js'

type Sid = { Params: { server_id: string } }

/** /servers/{id}/os-instance-actions (Nova's InstanceActionsController). */
export function instanceActionsRoutes(ctx: ComputeContext): FastifyPluginAsync {
  return async (app) => {
    app.get<Sid>('/servers/:server_id/os-instance-actions', async (request) => {
      const mv = request.computeMicroversion
      const q = request.query as RawQuery
      const since = mv >= 58 ? last(q, 'changes-since') : undefined
      const before = mv >= 66 ? last(q, 'changes-before') : undefined
      const rawLimit = mv >= 58 ? last(q, 'limit') : undefined
      if (rawLimit !== undefined && !/^[0-9]+$/.test(rawLimit))
        throw new BadRequestError(
          `Invalid input for query parameters limit. Value: ${rawLimit}. '${rawLimit}' does not match '^[0-9]*$'`,
        )
      const marker = mv >= 58 ? last(q, 'marker') : undefined
      const { server_id } = request.params
      const page = await listInstanceActions(
        ctx,
        request.auth,
        server_id,
        mv,
        {
          ...(since !== undefined ? { changesSince: parseTime('changes-since', since) } : {}),
          ...(before !== undefined ? { changesBefore: parseTime('changes-before', before) } : {}),
          ...(rawLimit !== undefined ? { limit: Number(rawLimit) } : {}),
          ...(marker !== undefined ? { marker } : {}),
        },
        MAX_LIMIT,
      )
      const body: Record<string, unknown> = {
        instanceActions: page.actions.map((a) => actionView(a, mv)),
      }
      const lastAction = page.actions.at(-1)
      if (mv >= 58 && lastAction && page.actions.length === page.limit) {
        const params = new URLSearchParams()
        for (const key of Object.keys(q).sort()) {
          const v = last(q, key)
          if (key !== 'marker' && v !== undefined) params.set(key, v)
        }
        params.set('marker', lastAction.request_id)
        const base = viewOptions(ctx, mv, false).computeUrl
        body.links = [
          {
            rel: 'next',
            href: `${base}/v2.1/servers/${server_id}/os-instance-actions?${params.toString()}`,
          },
        ]
      }
      return body
    })

    app.get<{ Params: { server_id: string; request_id: string } }>(
      '/servers/:server_id/os-instance-actions/:request_id',
      async (request) => ({
        instanceAction: await showInstanceAction(
          ctx,
          request.auth,
          request.params.server_id,
          request.params.request_id,
          request.computeMicroversion,
        ),
      }),
    )
  }
}
