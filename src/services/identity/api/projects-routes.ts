import type { FastifyPluginAsync } from 'fastify'
import type { IdentityContext } from '../identity-context.js'

/** Keystone v3 projects API (not written yet). */
export function projectsRoutes(_ctx: IdentityContext): FastifyPluginAsync {
  return async () => {}
}
