import type { FastifyPluginAsync } from 'fastify'
import type { Logger } from 'pino'
import type { Db } from '../../db/database.js'
import { networkRoutes } from './api/routes.js'
import { createMl2Plugin } from './ml2/plugin.js'
import type { NetworkConfig, NetworkContext } from './network-context.js'

export type { NetworkConfig, NetworkContext } from './network-context.js'

export interface NetworkServiceOptions {
  readonly db: Db
  readonly config: NetworkConfig
  readonly logger: Logger
}

export interface NetworkService {
  readonly ctx: NetworkContext
  /** Mount under /networking. */
  readonly routes: FastifyPluginAsync
}

/** The network service (Neutron v2.0) of one process. */
export async function createNetworkService(
  options: NetworkServiceOptions,
): Promise<NetworkService> {
  const c = options.config
  const ml2 = await createMl2Plugin(
    {
      globalPhysnetMtu: c.base.global_physnet_mtu,
      pathMtu: c.ml2.path_mtu,
      physicalNetworkMtus: c.ml2.physical_network_mtus,
      typeDrivers: c.ml2.type_drivers,
      tenantNetworkTypes: c.ml2.tenant_network_types,
      mechanismDrivers: c.ml2.mechanism_drivers,
      flatNetworks: c.flat.flat_networks,
      networkVlanRanges: c.vlan.network_vlan_ranges,
      vniRanges: c.vxlan.vni_ranges,
      tunnelIdRanges: c.gre.tunnel_id_ranges,
    },
    options.logger,
  )
  const ctx: NetworkContext = { db: options.db, config: c, logger: options.logger, ml2 }
  return { ctx, routes: networkRoutes(ctx) }
}
