import type { FastifyPluginAsync } from 'fastify'
import type { IdentityContext } from '../identity-context.js'

/** Keystone v3 trusts API (not written yet). */
export function trustsRoutes(_ctx: IdentityContext): FastifyPluginAsync {
  return async () => {}
}
