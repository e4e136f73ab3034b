import type { FastifyPluginAsync } from 'fastify'
import * as endpoints from '../endpoints-service.js'
import type { IdentityContext } from '../identity-context.js'
import { enforce, rules } from '../policy.js'
import { EndpointCreate, EndpointUpdate } from './catalog-schemas.js'
import { endpointView } from './catalog-views.js'
import { collectionLinks, identityBase } from './links.js'

type Params = { Params: { endpoint_id: string } }
type Body = Record<string, unknown>
type Filter = { service_id?: string; interface?: string; region_id?: string }

/** /v3/endpoints: admin only, as in Keystone's default policy. */
export function endpointsRoutes(ctx: IdentityContext): FastifyPluginAsync {
  return async (app) => {
    app.get<{ Querystring: Filter }>('/endpoints', async (request) => {
      enforce(request.auth, 'identity:list_endpoints', rules.admin)
      const q = request.query
      const rows = await endpoints.listEndpoints(ctx, {
        ...(q.service_id !== undefined ? { serviceId: q.service_id } : {}),
        ...(q.interface !== undefined ? { interface: q.interface } : {}),
        ...(q.region_id !== undefined ? { regionId: q.region_id } : {}),
      })
      const base = identityBase(request)
      return { endpoints: rows.map((e) => endpointView(e, base)), links: collectionLinks(request) }
    })

    app.get<Params>('/endpoints/:endpoint_id', async (request) => {
      enforce(request.auth, 'identity:get_endpoint', rules.admin)
      const row = await endpoints.getEndpoint(ctx, request.params.endpoint_id)
      return { endpoint: endpointView(row, identityBase(request)) }
    })

    app.post<{ Body: { endpoint: Body } }>(
      '/endpoints',
      { schema: { body: EndpointCreate } },
      async (request, reply) => {
        enforce(request.auth, 'identity:create_endpoint', rules.admin)
        const row = await endpoints.createEndpoint(ctx, request.body.endpoint)
        return reply.status(201).send({ endpoint: endpointView(row, identityBase(request)) })
      },
    )

    app.patch<Params & { Body: { endpoint: Body } }>(
      '/endpoints/:endpoint_id',
      { schema: { body: EndpointUpdate } },
      async (request) => {
        enforce(request.auth, 'identity:update_endpoint', rules.admin)
        const row = await endpoints.updateEndpoint(
          ctx,
          request.params.endpoint_id,
          request.body.endpoint,
        )
        return { endpoint: endpointView(row, identityBase(request)) }
      },
    )

    app.delete<Params>('/endpoints/:endpoint_id', async (request, reply) => {
      enforce(request.auth, 'identity:delete_endpoint', rules.admin)
      await endpoints.deleteEndpoint(ctx, request.params.endpoint_id)
      return reply.status(204).send()
    })
  }
}
