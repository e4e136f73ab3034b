import type { FastifyPluginAsync } from 'fastify'
import type { ComputeContext } from '../compute-context.js'
import { visibleInstance } from '../servers-lookup.js'
import { versionNotFound } from './resource-policy.js'

/**
 * GET /servers/{id}/topology (2.78): the server's NUMA cells. No Nubis driver
 * gives guests a NUMA topology (the fake driver has none; vCenter places vNUMA
 * itself and the vSphere driver does not pin), so every server answers what
 * Nova answers for an instance without one: no nodes, no page size.
 */
export function serverTopologyRoutes(ctx: ComputeContext): FastifyPluginAsync {
  return async (app) => {
    app.get<{ Params: { server_id: string } }>('/servers/:server_id/topology', async (request) => {
      if (request.computeMicroversion < 78) versionNotFound()
      await visibleInstance(ctx, request.auth, request.params.server_id)
      return { nodes: [], pagesize_kb: null }
    })
  }
}
