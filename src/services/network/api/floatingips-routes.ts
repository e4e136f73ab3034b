import type { FastifyPluginAsync } from 'fastify'
import {
  createFloatingIp,
  deleteFloatingIp,
  listFloatingIps,
  showFloatingIp,
  updateFloatingIp,
  type FloatingIpCreate,
  type FloatingIpUpdate,
} from '../floatingips-service.js'
import type { NetworkContext } from '../network-context.js'
import { floatingIpCreateSchema, floatingIpUpdateSchema } from './floatingips-schemas.js'
import { applyListQuery, listBody, showFields } from './list-query.js'

type ById = { Params: { floatingip_id: string } }

/** Neutron v2.0 floatingips API. */
export function floatingipsRoutes(ctx: NetworkContext): FastifyPluginAsync {
  return async (app) => {
    app.post(
      '/floatingips',
      { schema: { body: floatingIpCreateSchema } },
      async (request, reply) => {
        const body = (request.body as { floatingip: FloatingIpCreate }).floatingip
        return reply
          .status(201)
          .send({ floatingip: await createFloatingIp(ctx, request.auth, body) })
      },
    )

    app.get('/floatingips', async (request) => {
      const views = await listFloatingIps(ctx, request.auth)
      return listBody('floatingips', applyListQuery(request, views, { collection: 'floatingips' }))
    })

    app.get<ById>('/floatingips/:floatingip_id', async (request) => {
      return {
        floatingip: showFields(
          request,
          await showFloatingIp(ctx, request.auth, request.params.floatingip_id),
        ),
      }
    })

    app.put<ById>(
      '/floatingips/:floatingip_id',
      { schema: { body: floatingIpUpdateSchema } },
      async (request) => {
        const body = (request.body as { floatingip: FloatingIpUpdate }).floatingip
        return {
          floatingip: await updateFloatingIp(ctx, request.auth, request.params.floatingip_id, body),
        }
      },
    )

    app.delete<ById>('/floatingips/:floatingip_id', async (request, reply) => {
      await deleteFloatingIp(ctx, request.auth, request.params.floatingip_id)
      return reply.status(204).send()
    })
  }
}
