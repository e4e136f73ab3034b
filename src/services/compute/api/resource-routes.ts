import type { FastifyPluginAsync } from 'fastify'
import type { ComputeContext } from '../compute-context.js'
import { aggregatesRoutes } from './aggregates-routes.js'
import { availabilityZonesRoutes } from './availability-zones-routes.js'
import { extensionsRoutes } from './extensions-routes.js'
import { floatingIpsProxyRoutes } from './floating-ips-proxy-routes.js'
import { flavorsExtrasRoutes } from './flavors-extras-routes.js'
import { flavorsRoutes } from './flavors-routes.js'
import { hostsRoutes } from './hosts-routes.js'
import { hypervisorsRoutes } from './hypervisors-routes.js'
import { imagesRoutes } from './images-routes.js'
import { keypairsRoutes } from './keypairs-routes.js'
import { limitsRoutes } from './limits-routes.js'
import { migrationsRoutes } from './migrations-routes.js'
import { networksProxyRoutes } from './networks-proxy-routes.js'
import { quotasRoutes } from './quotas-routes.js'
import { removedRoutes } from './removed-routes.js'
import { snapshotsProxyRoutes } from './snapshots-proxy-routes.js'
import { volumesProxyRoutes } from './volumes-proxy-routes.js'
import { securityGroupsProxyRoutes } from './security-groups-proxy-routes.js'
import { servicesRoutes } from './services-routes.js'
import { usageAuditLogRoutes } from './usage-audit-log-routes.js'
import { usageRoutes } from './usage-routes.js'

/**
 * Under /compute/v2.1, every Nova resource API that is not a server:
 * flavors, keypairs, quotas and limits, extensions, aggregates, availability
 * zones, services, hypervisors, hosts, migrations, usage, the image, network,
 * security group and floating IP proxies, and the removed APIs (410/501).
 */
export function resourceRoutes(ctx: ComputeContext): FastifyPluginAsync {
  return async (app) => {
    for (const plugin of [
      flavorsRoutes(ctx),
      flavorsExtrasRoutes(ctx),
      keypairsRoutes(ctx),
      quotasRoutes(ctx),
      limitsRoutes(ctx),
      extensionsRoutes(),
      aggregatesRoutes(ctx),
      availabilityZonesRoutes(ctx),
      servicesRoutes(ctx),
      hypervisorsRoutes(ctx),
      migrationsRoutes(ctx),
      usageRoutes(ctx),
      imagesRoutes(ctx),
      hostsRoutes(ctx),
      usageAuditLogRoutes(ctx),
      networksProxyRoutes(ctx),
      securityGroupsProxyRoutes(ctx),
      floatingIpsProxyRoutes(ctx),
      removedRoutes(),
      volumesProxyRoutes(ctx),
      snapshotsProxyRoutes(ctx),
    ])
      await app.register(plugin)
  }
}
