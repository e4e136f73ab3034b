import type { FastifyPluginAsync } from 'fastify'
import type { ComputeContext } from '../compute-context.js'
import {
  allocateFloatingIp,
  getFloatingIp,
  listProjectFloatingIps,
  releaseFloatingIp,
} from '../floating-ips-proxy-service.js'
import { versionNotFound } from './resource-policy.js'

type IdParams = { Params: { id: string } }

/** Nova's deprecated os-floating-ips proxy to Neutron (until 2.35). */
export function floatingIpsProxyRoutes(ctx: ComputeContext): FastifyPluginAsync {
  return async (app) => {
    app.addHook('preValidation', async (request) => {
      if (request.computeMicroversion > 35) versionNotFound()
    })
    app.get('/os-floating-ips', async (request) => ({
      floating_ips: await listProjectFloatingIps(ctx, request.auth),
    }))
    app.get<IdParams>('/os-floating-ips/:id', async (request) => ({
      floating_ip: await getFloatingIp(ctx, request.auth, request.params.id),
    }))
    app.post('/os-floating-ips', async (request) => {
      const body = request.body as { pool?: unknown } | undefined
      const raw = body && typeof body === 'object' ? body.pool : undefined
      const pool = typeof raw === 'string' || typeof raw === 'number' ? String(raw) : undefined
      return { floating_ip: await allocateFloatingIp(ctx, request.auth, pool) }
    })
    app.delete<IdParams>('/os-floating-ips/:id', async (request, reply) => {
      await releaseFloatingIp(ctx, request.auth, request.params.id)
      return reply.status(202).send()
    })
  }
}
