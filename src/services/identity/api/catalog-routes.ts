import type { FastifyPluginAsync } from 'fastify'
import type { IdentityContext } from '../identity-context.js'
import { strictValidatorCompiler } from './catalog-schemas.js'
import { endpointGroupsRoutes } from './endpoint-groups-routes.js'
import { endpointsRoutes } from './endpoints-routes.js'
import { regionsRoutes } from './regions-routes.js'
import { servicesRoutes } from './services-routes.js'

/**
 * Keystone v3 catalog API: regions, services, endpoints and OS-EP-FILTER
 * endpoint groups. Every write calls ctx.changed(), which drops the cached
 * token catalog.
 */
export function catalogRoutes(ctx: IdentityContext): FastifyPluginAsync {
  return async (app) => {
    app.setValidatorCompiler(strictValidatorCompiler)
    await app.register(regionsRoutes(ctx))
    await app.register(servicesRoutes(ctx))
    await app.register(endpointsRoutes(ctx))
    await app.register(endpointGroupsRoutes(ctx))
  }
}
