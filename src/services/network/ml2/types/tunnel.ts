import type { TypeDriver } from '../type-driver.js'
import {
  allocateFromRanges,
  claimSegment,
  releaseSegmentClaim,
  type IdRange,
} from '../segment-allocator.js'
import { invalidInput, noNetworkAvailable, tunnelIdInUse } from './errors.js'

/** Shared by vxlan and gre (type_tunnel.py): ids from ranges, no physical network. */
export function createTunnelTypeDriver(
  type: string,
  ranges: readonly IdRange[],
  maxId: number,
  mtu: number,
): TypeDriver {
  return {
    type,
    validateProviderSegment(s) {
      if (s.physical_network)
        throw invalidInput(`provider:physical_network specified for ${type} network`)
      if (s.segmentation_id !== null && (s.segmentation_id < 1 || s.segmentation_id > maxId)) {
        throw invalidInput(`segmentation_id out of range (1 through ${maxId})`)
      }
    },
    async reserveProviderSegment(db, s, networkId) {
      if (s.segmentation_id !== null) {
        if (!(await claimSegment(db, type, '', s.segmentation_id, networkId)))
          throw tunnelIdInUse(s.segmentation_id)
        return { network_type: type, physical_network: null, segmentation_id: s.segmentation_id }
      }
      const got = await allocateFromRanges(db, type, ranges, networkId)
      if (!got) throw noNetworkAvailable()
      return { network_type: type, physical_network: null, segmentation_id: got.segmentationId }
    },
    async allocateTenantSegment(db, networkId) {
      const got = await allocateFromRanges(db, type, ranges, networkId)
      return (
        got && { network_type: type, physical_network: null, segmentation_id: got.segmentationId }
      )
    },
    releaseSegment: (db, s) => releaseSegmentClaim(db, type, '', s.segmentation_id ?? 0),
    getMtu: () => mtu,
  }
}
