import type { FastifyPluginAsync } from 'fastify'
import type { NetworkContext } from '../network-context.js'
import { removeRouterInterface } from '../router-interface-remove.js'
import { addRouterInterface, type InterfaceInfo } from '../router-interfaces.js'
import {
  createRouter,
  deleteRouter,
  listRouters,
  showRouter,
  updateRouter,
  type RouterCreate,
  type RouterUpdate,
} from '../routers-service.js'
import { applyListQuery, listBody, showFields } from './list-query.js'
import { interfaceSchema, routerCreateSchema, routerUpdateSchema } from './routers-schemas.js'

type ById = { Params: { router_id: string } }

/** Neutron v2.0 routers API (router, ext-gw-mode, extraroute). */
export function routersRoutes(ctx: NetworkContext): FastifyPluginAsync {
  return async (app) => {
    app.post('/routers', { schema: { body: routerCreateSchema } }, async (request, reply) => {
      const body = (request.body as { router: RouterCreate }).router
      return reply.status(201).send({ router: await createRouter(ctx, request.auth, body) })
    })

    app.get('/routers', async (request) => {
      const views = await listRouters(ctx, request.auth)
      return listBody('routers', applyListQuery(request, views, { collection: 'routers' }))
    })

    app.get<ById>('/routers/:router_id', async (request) => {
      return {
        router: showFields(request, await showRouter(ctx, request.auth, request.params.router_id)),
      }
    })

    app.put<ById>(
      '/routers/:router_id',
      { schema: { body: routerUpdateSchema } },
      async (request) => {
        const body = (request.body as { router: RouterUpdate }).router
        return { router: await updateRouter(ctx, request.auth, request.params.router_id, body) }
      },
    )

    app.delete<ById>('/routers/:router_id', async (request, reply) => {
      await deleteRouter(ctx, request.auth, request.params.router_id)
      return reply.status(204).send()
    })

    app.put<ById>(
      '/routers/:router_id/add_router_interface',
      { schema: { body: interfaceSchema } },
      async (request) => {
        return addRouterInterface(
          ctx,
          request.auth,
          request.params.router_id,
          request.body as InterfaceInfo,
        )
      },
    )

    app.put<ById>(
      '/routers/:router_id/remove_router_interface',
      { schema: { body: interfaceSchema } },
      async (request) => {
        return removeRouterInterface(
          ctx,
          request.auth,
          request.params.router_id,
          request.body as InterfaceInfo,
        )
      },
    )
  }
}
