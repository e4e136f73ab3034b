import type { FastifyPluginAsync } from 'fastify'
import { isAdmin } from '../../../common/auth-context.js'
import { countBySubnet } from '../../../db/repositories/network/ip-allocations.js'
import { listSubnets } from '../../../db/repositories/network/subnets.js'
import { poolsSize, storedPools } from '../ipam/pools.js'
import type { NetworkContext } from '../network-context.js'
import { forbid } from '../policy.js'
import { networkNotFound } from '../visibility.js'
import { applyListQuery, listBody, showFields, type Query } from './list-query.js'

type IdParams = { Params: { id: string } }

/** Availability of every network (or one): pool sizes and allocations per subnet (Neutron's ip_availability_db). */
async function availability(
  ctx: NetworkContext,
  networkId?: string,
): Promise<Record<string, unknown>[]> {
  let q = ctx.db.selectFrom('networks').select(['id', 'name', 'project_id'])
  if (networkId !== undefined) q = q.where('id', '=', networkId)
  const nets = await q.orderBy('id').execute()
  const subnets = await listSubnets(ctx.db, networkId === undefined ? undefined : [networkId])
  const used = await countBySubnet(
    ctx.db,
    subnets.map((s) => s.id),
  )
  return nets.map((n) => {
    const mine = subnets.filter((s) => s.network_id === n.id)
    const per = mine.map((s) => ({
      subnet_id: s.id,
      subnet_name: s.name,
      cidr: s.cidr,
      ip_version: s.ip_version,
      total_ips: Number(poolsSize(storedPools(s.allocation_pools))),
      used_ips: used.get(s.id) ?? 0,
    }))
    return {
      network_id: n.id,
      network_name: n.name,
      tenant_id: n.project_id,
      project_id: n.project_id,
      total_ips: per.reduce((a, s) => a + s.total_ips, 0),
      used_ips: per.reduce((a, s) => a + s.used_ips, 0),
      subnet_ip_availability: per,
    }
  })
}

/** GET /v2.0/network-ip-availabilities[/{network_id}] (admin only, as Neutron's policy). */
export function networkIpAvailabilitiesRoutes(ctx: NetworkContext): FastifyPluginAsync {
  return async (app) => {
    app.get('/network-ip-availabilities', async (request) => {
      if (!isAdmin(request.auth)) forbid('get_network_ip_availability')
      let items = await availability(ctx)
      const ipVersion = (request.query as Query)['ip_version']
      if (ipVersion !== undefined) {
        const want = ([] as string[]).concat(ipVersion)
        items = items.filter((n) =>
          (n['subnet_ip_availability'] as Array<{ ip_version: number }>).some((s) =>
            want.includes(String(s.ip_version)),
          ),
        )
      }
      // ip_version is not an attribute of the items, so applyListQuery ignores it.
      return listBody(
        'network_ip_availabilities',
        applyListQuery(request, items, { collection: 'network_ip_availabilities' }),
      )
    })

    app.get<IdParams>('/network-ip-availabilities/:id', async (request) => {
      if (!isAdmin(request.auth)) forbid('get_network_ip_availability')
      const [item] = await availability(ctx, request.params.id)
      if (!item) throw networkNotFound(request.params.id)
      return { network_ip_availability: showFields(request, item) }
    })
  }
}
