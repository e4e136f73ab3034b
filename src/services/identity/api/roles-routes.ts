import type { FastifyPluginAsync } from 'fastify'
import type { IdentityContext } from '../identity-context.js'

/** Keystone v3 roles API (not written yet). */
export function rolesRoutes(_ctx: IdentityContext): FastifyPluginAsync {
  return async () => {}
}
