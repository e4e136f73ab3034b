import { parseTunnelRanges } from '../segment-allocator.js'
import type { TypeDriver } from '../type-driver.js'
import { createTunnelTypeDriver } from './tunnel.js'

/** IPv4 header (20) + GRE with key (22), as Neutron subtracts. */
export const GRE_OVERHEAD = 42

/** 'gre' networks: tunnel ids from [ml2_type_gre] tunnel_id_ranges. */
export function createGreTypeDriver(
  tunnelIdRanges: readonly string[],
  underlayMtu: number,
): TypeDriver {
  const ranges = parseTunnelRanges(
    '[ml2_type_gre] tunnel_id_ranges',
    tunnelIdRanges,
    1,
    2 ** 32 - 1,
  )
  return createTunnelTypeDriver(
    'gre',
    ranges,
    2 ** 32 - 1,
    underlayMtu > 0 ? underlayMtu - GRE_OVERHEAD : 0,
  )
}
