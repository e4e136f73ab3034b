import type { FastifyPluginAsync } from 'fastify'
import type { IdentityContext } from '../identity-context.js'
import { enforce, rules } from '../policy.js'
import * as services from '../services-service.js'
import { ServiceCreate, ServiceUpdate } from './catalog-schemas.js'
import { serviceView } from './catalog-views.js'
import { collectionLinks, identityBase } from './links.js'

type Params = { Params: { service_id: string } }
type Body = Record<string, unknown>

/** /v3/services: admin only, as in Keystone's default policy. */
export function servicesRoutes(ctx: IdentityContext): FastifyPluginAsync {
  return async (app) => {
    app.get<{ Querystring: { type?: string; name?: string } }>('/services', async (request) => {
      enforce(request.auth, 'identity:list_services', rules.admin)
      const { type, name } = request.query
      const rows = await services.listServices(ctx, {
        ...(type !== undefined ? { type } : {}),
        ...(name !== undefined ? { name } : {}),
      })
      const base = identityBase(request)
      return { services: rows.map((s) => serviceView(s, base)), links: collectionLinks(request) }
    })

    app.get<Params>('/services/:service_id', async (request) => {
      enforce(request.auth, 'identity:get_service', rules.admin)
      return {
        service: serviceView(
          await services.getService(ctx, request.params.service_id),
          identityBase(request),
        ),
      }
    })

    app.post<{ Body: { service: Body } }>(
      '/services',
      { schema: { body: ServiceCreate } },
      async (request, reply) => {
        enforce(request.auth, 'identity:create_service', rules.admin)
        const row = await services.createService(ctx, request.body.service)
        return reply.status(201).send({ service: serviceView(row, identityBase(request)) })
      },
    )

    app.patch<Params & { Body: { service: Body } }>(
      '/services/:service_id',
      { schema: { body: ServiceUpdate } },
      async (request) => {
        enforce(request.auth, 'identity:update_service', rules.admin)
        const row = await services.updateService(
          ctx,
          request.params.service_id,
          request.body.service,
        )
        return { service: serviceView(row, identityBase(request)) }
      },
    )

    app.delete<Params>('/services/:service_id', async (request, reply) => {
      enforce(request.auth, 'identity:delete_service', rules.admin)
      await services.deleteService(ctx, request.params.service_id)
      return reply.status(204).send()
    })
  }
}
