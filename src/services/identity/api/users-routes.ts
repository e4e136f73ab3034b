import type { FastifyPluginAsync } from 'fastify'
import type { IdentityContext } from '../identity-context.js'

/** Keystone v3 users API (not written yet). */
export function usersRoutes(_ctx: IdentityContext): FastifyPluginAsync {
  return async () => {}
}
