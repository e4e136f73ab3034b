import type { FastifyPluginAsync } from 'fastify'
import type { ComputeContext } from '../compute-context.js'

/** Under /compute/v2.1: flavors, keypairs, availability zones, aggregates, services, hypervisors, quota sets, limits, usage, migrations, images proxy, extensions (owned by the compute-resources work). */
export function resourceRoutes(_ctx: ComputeContext): FastifyPluginAsync {
  return async () => {}
}
