import type { FastifyPluginAsync } from 'fastify'
import type { ComputeContext } from '../compute-context.js'
import { instanceActionsRoutes } from './instance-actions-routes.js'
import { serverGroupsRoutes } from './server-groups-routes.js'
import { serverIpsRoutes } from './server-ips-routes.js'
import { serverMetadataRoutes } from './server-metadata-routes.js'
import { serverTagsRoutes } from './server-tags-routes.js'
import { serverTopologyRoutes } from './server-topology-routes.js'
import { serversRoutes } from './servers-routes.js'

/** Under /compute/v2.1: servers: create/list/detail/show/update/delete, metadata, tags, ips, server groups, instance actions (owned by the servers work). */
export function serverRoutes(ctx: ComputeContext): FastifyPluginAsync {
  return async (app) => {
    for (const plugin of [
      serversRoutes(ctx),
      serverMetadataRoutes(ctx),
      serverTagsRoutes(ctx),
      serverIpsRoutes(ctx),
      serverTopologyRoutes(ctx),
      serverGroupsRoutes(ctx),
      instanceActionsRoutes(ctx),
    ])
      await app.register(plugin)
  }
}
