import type { FastifyPluginAsync } from 'fastify'
import type { IdentityContext } from '../identity-context.js'

/** Keystone v3 credentials API (not written yet). */
export function credentialsRoutes(_ctx: IdentityContext): FastifyPluginAsync {
  return async () => {}
}
