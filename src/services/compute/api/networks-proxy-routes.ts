import type { FastifyPluginAsync, FastifyRequest } from 'fastify'
import { isAdmin } from '../../../common/auth-context.js'
import { CloudError, NotFoundError } from '../../../common/errors.js'
import type { NetworkRecord } from '../../network/networks-service.js'
import { listNetworkRecords, showNetworkRecord } from '../../network/networks-service.js'
import type { ComputeContext } from '../compute-context.js'
import { GoneError } from './removed-routes.js'
import { versionNotFound } from './resource-policy.js'

type IdParams = { Params: { id: string } }

const gone = async () => {
  throw new GoneError('Gone')
}

const NOVA_NETWORK_FIELDS = [
  'cidr',
  'netmask',
  'gateway',
  'broadcast',
  'dns1',
  'dns2',
  'cidr_v6',
  'gateway_v6',
  'netmask_v6',
]
const ADMIN_FIELDS = [
  'created_at',
  'updated_at',
  'deleted_at',
  'deleted',
  'injected',
  'bridge',
  'vlan',
  'vpn_public_address',
  'vpn_public_port',
  'vpn_private_address',
  'dhcp_start',
  'project_id',
  'host',
  'bridge_interface',
  'multi_host',
  'priority',
  'rxtx_base',
  'mtu',
  'dhcp_server',
  'enable_dhcp',
  'share_address',
]

/** os-networks view over Neutron: id and label, every nova-network field null. */
function networkView(request: FastifyRequest, n: NetworkRecord): Record<string, unknown> {
  const out: Record<string, unknown> = { id: n.row.id, label: n.row.name }
  for (const f of NOVA_NETWORK_FIELDS) out[f] = null
  if (isAdmin(request.auth)) for (const f of ADMIN_FIELDS) out[f] = null
  return out
}

const tenantView = (n: NetworkRecord) => ({ id: n.row.id, cidr: 'None', label: n.row.name })

/** The deprecated network proxies (os-networks, os-tenant-networks, os-floating-ip-pools), until 2.35. */
export function networksProxyRoutes(ctx: ComputeContext): FastifyPluginAsync {
  return async (app) => {
    app.addHook('preValidation', async (request) => {
      if (request.computeMicroversion > 35) versionNotFound()
    })
    const networks = (request: FastifyRequest) =>
      ctx.network ? listNetworkRecords(ctx.network, request.auth) : Promise.resolve([])
    const one = async (request: FastifyRequest, id: string) => {
      if (!ctx.network) throw new NotFoundError('Network not found')
      try {
        return await showNetworkRecord(ctx.network, request.auth, id)
      } catch (err) {
        if (err instanceof CloudError && err.status === 404)
          throw new NotFoundError('Network not found')
        throw err
      }
    }

    app.get('/os-networks', async (request) => ({
      networks: (await networks(request)).map((n) => networkView(request, n)),
    }))
    app.get<IdParams>('/os-networks/:id', async (request) => ({
      network: networkView(request, await one(request, request.params.id)),
    }))
    app.post('/os-networks', gone)
    app.post('/os-networks/add', gone)
    app.post('/os-networks/:id/action', gone)
    app.delete('/os-networks/:id', gone)

    app.get('/os-tenant-networks', async (request) => ({
      networks: (await networks(request)).map(tenantView),
    }))
    app.get<IdParams>('/os-tenant-networks/:id', async (request) => ({
      network: tenantView(await one(request, request.params.id)),
    }))
    app.post('/os-tenant-networks', gone)
    app.delete('/os-tenant-networks/:id', gone)

    app.get('/os-floating-ip-pools', async (request) => ({
      floating_ip_pools: (await networks(request))
        .filter((n) => n.row.router_external === 1)
        .map((n) => ({ name: n.row.name || n.row.id })),
    }))
  }
}
