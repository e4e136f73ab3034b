import { parseTunnelRanges } from '../segment-allocator.js'
import type { TypeDriver } from '../type-driver.js'
import { createTunnelTypeDriver } from './tunnel.js'

/** IPv4 header (20) + VXLAN/UDP/inner Ethernet (30), as Neutron subtracts. */
export const VXLAN_OVERHEAD = 50

/** 'vxlan' networks: VNIs from [ml2_type_vxlan] vni_ranges. */
export function createVxlanTypeDriver(
  vniRanges: readonly string[],
  underlayMtu: number,
): TypeDriver {
  const ranges = parseTunnelRanges('[ml2_type_vxlan] vni_ranges', vniRanges, 1, 2 ** 24 - 1)
  return createTunnelTypeDriver(
    'vxlan',
    ranges,
    2 ** 24 - 1,
    underlayMtu > 0 ? underlayMtu - VXLAN_OVERHEAD : 0,
  )
}
