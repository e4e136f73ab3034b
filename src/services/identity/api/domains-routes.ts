import type { FastifyPluginAsync } from 'fastify'
import type { IdentityContext } from '../identity-context.js'

/** Keystone v3 domains API (not written yet). */
export function domainsRoutes(_ctx: IdentityContext): FastifyPluginAsync {
  return async () => {}
}
