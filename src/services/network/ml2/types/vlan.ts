import type { TypeDriver } from '../type-driver.js'
import {
  allocateFromRanges,
  claimSegment,
  releaseSegmentClaim,
  type IdRange,
} from '../segment-allocator.js'
import { invalidInput, noNetworkAvailable, vlanIdInUse } from './errors.js'

/** Parses network_vlan_ranges: 'physnet' (provider only) or 'physnet:min:max'. */
export function parseVlanRanges(entries: readonly string[]): {
  physnets: Set<string>
  ranges: IdRange[]
} {
  const physnets = new Set<string>()
  const ranges: IdRange[] = []
  for (const e of entries) {
    const parts = e.trim().split(':')
    const name = parts[0] ?? ''
    if (name === '' || (parts.length !== 1 && parts.length !== 3))
      throw new Error(`invalid [ml2_type_vlan] network_vlan_ranges entry ${JSON.stringify(e)}`)
    physnets.add(name)
    if (parts.length === 3) {
      const min = Number(parts[1])
      const max = Number(parts[2])
      if (!Number.isInteger(min) || !Number.isInteger(max) || min < 1 || max > 4094 || min > max) {
        throw new Error(
          `invalid [ml2_type_vlan] network_vlan_ranges entry ${JSON.stringify(e)}: VLANs are 1..4094`,
        )
      }
      ranges.push({ physicalNetwork: name, min, max })
    }
  }
  return { physnets, ranges }
}

/** 'vlan' networks (type_vlan.py): tenant VLANs from the configured ranges, any valid VLAN for admins. */
export function createVlanTypeDriver(
  entries: readonly string[],
  physnetMtu: (p: string | null) => number,
): TypeDriver {
  const { physnets, ranges } = parseVlanRanges(entries)
  return {
    type: 'vlan',
    validateProviderSegment(s) {
      if (s.physical_network) {
        if (!physnets.has(s.physical_network))
          throw invalidInput(
            `physical_network '${s.physical_network}' unknown for VLAN provider network`,
          )
        if (s.segmentation_id !== null && (s.segmentation_id < 1 || s.segmentation_id > 4094)) {
          throw invalidInput('segmentation_id out of range (1 through 4094)')
        }
      } else if (s.segmentation_id !== null) {
        throw invalidInput('segmentation_id requires physical_network for VLAN provider network')
      }
    },
    async reserveProviderSegment(db, s, networkId) {
      if (s.physical_network && s.segmentation_id !== null) {
        if (!(await claimSegment(db, 'vlan', s.physical_network, s.segmentation_id, networkId))) {
          throw vlanIdInUse(s.segmentation_id, s.physical_network)
        }
        return {
          network_type: 'vlan',
          physical_network: s.physical_network,
          segmentation_id: s.segmentation_id,
        }
      }
      const pool = s.physical_network
        ? ranges.filter((r) => r.physicalNetwork === s.physical_network)
        : ranges
      const got = await allocateFromRanges(db, 'vlan', pool, networkId)
      if (!got) throw noNetworkAvailable()
      return {
        network_type: 'vlan',
        physical_network: got.physicalNetwork,
        segmentation_id: got.segmentationId,
      }
    },
    async allocateTenantSegment(db, networkId) {
      const got = await allocateFromRanges(db, 'vlan', ranges, networkId)
      return (
        got && {
          network_type: 'vlan',
          physical_network: got.physicalNetwork,
          segmentation_id: got.segmentationId,
        }
      )
    },
    releaseSegment: (db, s) =>
      releaseSegmentClaim(db, 'vlan', s.physical_network ?? '', s.segmentation_id ?? 0),
    getMtu: physnetMtu,
  }
}
