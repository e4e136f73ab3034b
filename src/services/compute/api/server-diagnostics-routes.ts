import type { FastifyPluginAsync } from 'fastify'
import { serverDiagnostics } from '../actions/diagnostics.js'
import type { ComputeContext } from '../compute-context.js'
import { callerOf } from './server-action-types.js'

/** GET /servers/{id}/diagnostics (Nova's ServerDiagnosticsController). */
export function serverDiagnosticsRoutes(ctx: ComputeContext): FastifyPluginAsync {
  return async (app) => {
    app.get<{ Params: { id: string } }>('/servers/:id/diagnostics', async (request) =>
      serverDiagnostics(ctx, callerOf(request), request.params.id, request.computeMicroversion),
    )
  }
}
