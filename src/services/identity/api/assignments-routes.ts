import type { FastifyPluginAsync } from 'fastify'
import type { IdentityContext } from '../identity-context.js'

/** Keystone v3 assignments API (not written yet). */
export function assignmentsRoutes(_ctx: IdentityContext): FastifyPluginAsync {
  return async () => {}
}
