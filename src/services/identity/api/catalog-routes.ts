import type { FastifyPluginAsync } from 'fastify'
import type { IdentityContext } from '../identity-context.js'

/** Keystone v3 catalog API (not written yet). */
export function catalogRoutes(_ctx: IdentityContext): FastifyPluginAsync {
  return async () => {}
}
