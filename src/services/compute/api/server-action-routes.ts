import type { FastifyPluginAsync } from 'fastify'
import type { ComputeContext } from '../compute-context.js'

/** Under /compute/v2.1: POST /servers/{id}/action, volume attachments, interfaces, remote consoles, external events, server migrations (owned by the server-actions work). */
export function serverActionRoutes(_ctx: ComputeContext): FastifyPluginAsync {
  return async () => {}
}
