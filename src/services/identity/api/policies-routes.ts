import type { FastifyPluginAsync } from 'fastify'
import type { IdentityContext } from '../identity-context.js'

/** Keystone v3 policies API (not written yet). */
export function policiesRoutes(_ctx: IdentityContext): FastifyPluginAsync {
  return async () => {}
}
