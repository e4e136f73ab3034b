import type { Logger } from 'pino'
import type { GroupValues } from '../../config/option.js'
import type { defaultGroup } from '../../config/groups/default.js'
import type {
  ml2Group,
  ml2TypeFlatGroup,
  ml2TypeGreGroup,
  ml2TypeVlanGroup,
  ml2TypeVxlanGroup,
  networkQuotasGroup,
} from '../../config/groups/network.js'
import type { Db } from '../../db/database.js'
import type { Ml2Plugin } from './ml2/plugin.js'

export interface NetworkConfig {
  readonly base: Pick<GroupValues<typeof defaultGroup>, 'base_mac' | 'global_physnet_mtu'>
  readonly ml2: GroupValues<typeof ml2Group>
  readonly flat: GroupValues<typeof ml2TypeFlatGroup>
  readonly vlan: GroupValues<typeof ml2TypeVlanGroup>
  readonly vxlan: GroupValues<typeof ml2TypeVxlanGroup>
  readonly gre: GroupValues<typeof ml2TypeGreGroup>
  readonly quotas: GroupValues<typeof networkQuotasGroup>
}

/**
 * What every network module is built from: one per process. Modules
 * (networks, subnets, ports, security groups, routers, …) take it in their
 * constructors; the ML2 plugin and its drivers hang off `ml2`.
 */
export interface NetworkContext {
  readonly db: Db
  readonly config: NetworkConfig
  readonly logger: Logger
  /** ML2: type drivers and the mechanism-driver chain (see ml2/mechanism-chain.ts). */
  readonly ml2: Ml2Plugin
}
