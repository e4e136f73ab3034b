import { Type, type Static } from '@sinclair/typebox'
import type { FastifyPluginAsync, FastifyRequest } from 'fastify'
import { BadRequestError } from '../../../common/errors.js'
import type { ComputeContext } from '../compute-context.js'
import {
  createServerGroup,
  deleteServerGroupFor,
  listServerGroupsFor,
  showServerGroup,
  type ServerGroupRecord,
} from '../servers-groups.js'
import { MAX_LIMIT } from '../servers-list.js'
import { all, last, type RawQuery } from '../servers-list-query.js'
import { checkName } from './servers-formats.js'

const POLICIES = ['anti-affinity', 'affinity', 'soft-anti-affinity', 'soft-affinity']

const createBody = Type.Object(
  {
    server_group: Type.Object(
      {
        name: Type.String({ minLength: 1, maxLength: 255 }),
        policies: Type.Array(Type.String({ enum: POLICIES }), {
          minItems: 1,
          maxItems: 1,
          uniqueItems: true,
        }),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
)

/** Nova's group view before 2.64: policies as a one-item list and an empty metadata. */
function groupView(rec: ServerGroupRecord, mv: number): Record<string, unknown> {
  return {
    id: rec.row.uuid,
    name: rec.row.name,
    policies: [rec.row.policy],
    members: [...rec.members],
    metadata: {},
    ...(mv >= 13 ? { project_id: rec.row.project_id, user_id: rec.row.user_id } : {}),
  }
}

function nonNegative(q: RawQuery, key: string): number | undefined {
  const v = last(q, key)
  if (v === undefined) return undefined
  if (!/^[0-9]+$/.test(v))
    throw new BadRequestError(
      `Invalid input for query parameters ${key}. Value: ${v}. '${v}' does not match '^[0-9]*$'`,
    )
  return Number(v)
}

/** /os-server-groups (Nova's ServerGroupController, policies as of 2.15–2.63). */
export function serverGroupsRoutes(ctx: ComputeContext): FastifyPluginAsync {
  return async (app) => {
    app.post<{ Body: Static<typeof createBody> }>(
      '/os-server-groups',
      { schema: { body: createBody } },
      async (request: FastifyRequest<{ Body: Static<typeof createBody> }>) => {
        const mv = request.computeMicroversion
        const { name, policies } = request.body.server_group
        checkName('name', name)
        const policy = policies[0] as string
        if (mv < 15 && policy.startsWith('soft-'))
          throw new BadRequestError(
            `Invalid input for field/attribute 0. Value: ${policy}. '${policy}' is not one of ['anti-affinity', 'affinity']`,
          )
        const rec = await createServerGroup(ctx, request.auth, name, policy)
        return { server_group: groupView(rec, mv) }
      },
    )

    app.get('/os-server-groups', async (request) => {
      const q = request.query as RawQuery
      const offset = nonNegative(q, 'offset') ?? 0
      const limit = Math.min(MAX_LIMIT, nonNegative(q, 'limit') || MAX_LIMIT)
      const recs = await listServerGroupsFor(
        ctx,
        request.auth,
        all(q, 'all_projects').length > 0,
        offset,
        limit,
      )
      return { server_groups: recs.map((r) => groupView(r, request.computeMicroversion)) }
    })

    app.get<{ Params: { id: string } }>('/os-server-groups/:id', async (request) => ({
      server_group: groupView(
        await showServerGroup(ctx, request.auth, request.params.id),
        request.computeMicroversion,
      ),
    }))

    app.delete<{ Params: { id: string } }>('/os-server-groups/:id', async (request, reply) => {
      await deleteServerGroupFor(ctx, request.auth, request.params.id)
      return reply.status(204).send()
    })
  }
}
