import type { FastifyPluginAsync } from 'fastify'
import { detailZones, listZones } from '../availability-zones-service.js'
import type { ComputeContext } from '../compute-context.js'
import { requireAdmin } from './resource-policy.js'

/** Nova's os-availability-zone: any user lists zones; /detail (with hosts) is admin only. */
export function availabilityZonesRoutes(ctx: ComputeContext): FastifyPluginAsync {
  return async (app) => {
    app.get('/os-availability-zone', async () => ({ availabilityZoneInfo: await listZones(ctx) }))
    app.get('/os-availability-zone/detail', async (request) => {
      requireAdmin(request.auth, 'os_compute_api:os-availability-zone:detail')
      return { availabilityZoneInfo: await detailZones(ctx) }
    })
  }
}
