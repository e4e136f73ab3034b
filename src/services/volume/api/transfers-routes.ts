import type { FastifyPluginAsync, FastifyRequest } from 'fastify'
import { BadRequestError, NotFoundError } from '../../../common/errors.js'
import {
  acceptTransfer,
  createTransfer,
  deleteTransfer,
  findTransfer,
  listTransfers,
  type TransferRow,
} from '../transfers-service.js'
import type { VolumeContext } from '../volume-context.js'
import { allTenants, cinderTime, paginate, selfLinks, type Query } from './common.js'
import { mv } from './microversion.js'

type Id = { Params: { id: string } }

function summary(r: FastifyRequest, t: TransferRow, path: string) {
  return { id: t.id, name: t.name, volume_id: t.volume_id, links: selfLinks(r, path, t.id) }
}

function detail(r: FastifyRequest, t: TransferRow, path: string) {
  return {
    ...summary(r, t, path),
    created_at: cinderTime(t.created_at),
    ...(mv(r, 57)
      ? { source_project_id: t.source_project_id, destination_project_id: null, accepted: false }
      : {}),
  }
}

/** Volume transfers: /os-volume-transfer (and /volume-transfers from 3.55). */
export function transfersRoutes(ctx: VolumeContext): FastifyPluginAsync {
  return async (app) => {
    for (const path of ['os-volume-transfer', 'volume-transfers']) {
      const gate = (r: FastifyRequest) => {
        if (path === 'volume-transfers' && !mv(r, 55))
          throw new NotFoundError('The resource could not be found.')
      }
      const list = async (r: FastifyRequest, d: boolean) => {
        gate(r)
        const page = paginate(
          r.query as Query,
          await listTransfers(ctx, r.auth, allTenants(r)),
          (t, k) => (t as unknown as Record<string, unknown>)[k],
        )
        return { transfers: page.items.map((t) => (d ? detail(r, t, path) : summary(r, t, path))) }
      }
      app.get(`/${path}`, async (r) => list(r, false))
      app.get(`/${path}/detail`, async (r) => list(r, true))
      app.get<Id>(`/${path}/:id`, async (r) => {
        gate(r)
        return { transfer: detail(r, await findTransfer(ctx, r.auth, r.params.id), path) }
      })
      app.post(`/${path}`, async (r, reply) => {
        gate(r)
        const b = (r.body as { transfer?: Record<string, unknown> } | undefined)?.transfer
        if (!b || typeof b['volume_id'] !== 'string')
          throw new BadRequestError('Incorrect request body format')
        const name = typeof b['name'] === 'string' ? b['name'] : null
        const { row, authKey } = await createTransfer(ctx, r.auth, b['volume_id'], name)
        reply.status(202)
        return { transfer: { ...detail(r, row, path), auth_key: authKey } }
      })
      app.post<Id>(`/${path}/:id/accept`, async (r, reply) => {
        gate(r)
        const b = (r.body as { accept?: Record<string, unknown> } | undefined)?.accept
        if (!b || typeof b['auth_key'] !== 'string')
          throw new BadRequestError('Incorrect request body format')
        const t = await acceptTransfer(ctx, r.auth, r.params.id, b['auth_key'])
        reply.status(202)
        return { transfer: summary(r, t, path) }
      })
      app.delete<Id>(`/${path}/:id`, async (r, reply) => {
        gate(r)
        await deleteTransfer(ctx, r.auth, r.params.id)
        return reply.status(202).send()
      })
    }
  }
}
