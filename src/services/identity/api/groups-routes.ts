import type { FastifyPluginAsync } from 'fastify'
import type { IdentityContext } from '../identity-context.js'

/** Keystone v3 groups API (not written yet). */
export function groupsRoutes(_ctx: IdentityContext): FastifyPluginAsync {
  return async () => {}
}
