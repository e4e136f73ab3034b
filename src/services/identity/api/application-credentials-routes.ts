import type { FastifyPluginAsync } from 'fastify'
import type { IdentityContext } from '../identity-context.js'

/** Keystone v3 application-credentials API (not written yet). */
export function applicationCredentialsRoutes(_ctx: IdentityContext): FastifyPluginAsync {
  return async () => {}
}
