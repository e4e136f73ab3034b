import type { TypeDriver } from '../type-driver.js'
import { invalidInput } from './errors.js'

/** 'local' networks: no segmentation, nothing to allocate (type_local.py). */
export function createLocalTypeDriver(mtu: number): TypeDriver {
  return {
    type: 'local',
    validateProviderSegment(s) {
      if (s.physical_network)
        throw invalidInput('physical_network prohibited for local provider network')
      if (s.segmentation_id !== null)
        throw invalidInput('segmentation_id prohibited for local provider network')
    },
    reserveProviderSegment: async () => ({
      network_type: 'local',
      physical_network: null,
      segmentation_id: null,
    }),
    allocateTenantSegment: async () => ({
      network_type: 'local',
      physical_network: null,
      segmentation_id: null,
    }),
    releaseSegment: async () => {},
    getMtu: () => mtu,
  }
}
