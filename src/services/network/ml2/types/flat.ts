import type { TypeDriver } from '../type-driver.js'
import { claimSegment, releaseSegmentClaim } from '../segment-allocator.js'
import { flatNetworkInUse, invalidInput } from './errors.js'

/**
 * 'flat' networks: one untagged network per physical network (type_flat.py).
 * Only admins create them; the claim is segment_allocations row (flat, physnet, 0).
 */
export function createFlatTypeDriver(
  flatNetworks: readonly string[],
  physnetMtu: (p: string | null) => number,
): TypeDriver {
  const any = flatNetworks.includes('*')
  return {
    type: 'flat',
    validateProviderSegment(s) {
      if (!s.physical_network)
        throw invalidInput('physical_network required for flat provider network')
      if (flatNetworks.length === 0) throw invalidInput('Flat provider networks are disabled')
      if (!any && !flatNetworks.includes(s.physical_network)) {
        throw invalidInput(
          `physical_network '${s.physical_network}' unknown for flat provider network`,
        )
      }
      if (s.segmentation_id !== null)
        throw invalidInput('segmentation_id prohibited for flat provider network')
    },
    async reserveProviderSegment(db, s, networkId) {
      const physnet = s.physical_network ?? ''
      if (!(await claimSegment(db, 'flat', physnet, 0, networkId))) throw flatNetworkInUse(physnet)
      return { network_type: 'flat', physical_network: physnet, segmentation_id: null }
    },
    // NOTE: Neutron's flat driver never hands out tenant networks.
    allocateTenantSegment: async () => undefined,
    releaseSegment: (db, s) => releaseSegmentClaim(db, 'flat', s.physical_network ?? '', 0),
    getMtu: physnetMtu,
  }
}
