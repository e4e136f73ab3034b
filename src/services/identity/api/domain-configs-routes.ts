import type { FastifyPluginAsync } from 'fastify'
import type { IdentityContext } from '../identity-context.js'

/** Keystone v3 domain-configs API (not written yet). */
export function domainConfigsRoutes(_ctx: IdentityContext): FastifyPluginAsync {
  return async () => {}
}
