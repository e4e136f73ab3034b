import type { FastifyPluginAsync } from 'fastify'
import type { ComputeContext } from '../compute-context.js'

/** Under /compute/v2.1: servers: create/list/detail/show/update/delete, metadata, tags, ips, server groups, instance actions (owned by the servers work). */
export function serverRoutes(_ctx: ComputeContext): FastifyPluginAsync {
  return async () => {}
}
