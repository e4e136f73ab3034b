import type { FastifyPluginAsync } from 'fastify'
import type { ComputeContext } from '../compute-context.js'

/** GET /compute/ and /compute/v2.1/: version documents (owned by the compute-resources work). */
export function versionRoutes(_ctx: ComputeContext): FastifyPluginAsync {
  return async () => {}
}
