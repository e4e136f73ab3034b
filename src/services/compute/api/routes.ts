import type { FastifyPluginAsync } from 'fastify'
import type { ComputeContext } from '../compute-context.js'
import { negotiateMicroversion } from './microversion.js'
import { resourceRoutes } from './resource-routes.js'
import { serverActionRoutes } from './server-action-routes.js'
import { serverRoutes } from './server-routes.js'
import { checkStrictQuery } from './strict-query.js'
import { versionRoutes } from './version-routes.js'

/** Everything under /compute: the version documents and /v2.1 with microversions. */
export function computeRoutes(ctx: ComputeContext): FastifyPluginAsync {
  return async (app) => {
    await app.register(versionRoutes(ctx))
    await app.register(
      async (v21) => {
        v21.decorateRequest('computeMicroversion', 1)
        v21.addHook('onRequest', async (request, reply) => negotiateMicroversion(request, reply))
        v21.addHook('preValidation', async (request) => checkStrictQuery(request))
        for (const plugin of [serverRoutes(ctx), serverActionRoutes(ctx), resourceRoutes(ctx)])
          await v21.register(plugin)
      },
      { prefix: '/v2.1' },
    )
  }
}
