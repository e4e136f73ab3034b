import type { FastifyPluginAsync } from 'fastify'
import type { NetworkContext } from '../network-context.js'
import { agentsRoutes } from './agents-routes.js'
import { extensionsRoutes } from './extensions-routes.js'
import { floatingipsRoutes } from './floatingips-routes.js'
import { networkIpAvailabilitiesRoutes } from './network-ip-availabilities-routes.js'
import { networksRoutes } from './networks-routes.js'
import { portsRoutes } from './ports-routes.js'
import { quotasRoutes } from './quotas-routes.js'
import { rbacPoliciesRoutes } from './rbac-policies-routes.js'
import { routersRoutes } from './routers-routes.js'
import { securityGroupsRoutes } from './security-groups-routes.js'
import { subnetpoolsRoutes } from './subnetpools-routes.js'
import { subnetsRoutes } from './subnets-routes.js'
import { tagsRoutes } from './tags-routes.js'
import { versionRoutes } from './version-routes.js'

/** Everything under /networking: the version documents and /v2.0. */
export function networkRoutes(ctx: NetworkContext): FastifyPluginAsync {
  return async (app) => {
    await app.register(versionRoutes())
    const v2: FastifyPluginAsync[] = [
      extensionsRoutes(),
      agentsRoutes(),
      networksRoutes(ctx),
      subnetsRoutes(ctx),
      subnetpoolsRoutes(ctx),
      portsRoutes(ctx),
      securityGroupsRoutes(ctx),
      routersRoutes(ctx),
      floatingipsRoutes(ctx),
      quotasRoutes(ctx),
      rbacPoliciesRoutes(ctx),
      tagsRoutes(ctx),
      networkIpAvailabilitiesRoutes(ctx),
    ]
    for (const plugin of v2) await app.register(plugin, { prefix: '/v2.0' })
  }
}
