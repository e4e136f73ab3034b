import type { FastifyPluginAsync } from 'fastify'
import type { IdentityContext } from '../identity-context.js'

/** Keystone v3 oauth-consumers API (not written yet). */
export function oauthConsumersRoutes(_ctx: IdentityContext): FastifyPluginAsync {
  return async () => {}
}
