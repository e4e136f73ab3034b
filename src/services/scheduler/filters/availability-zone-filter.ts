import { parseAvailabilityZone } from '../request.js'
import type { HostFilterFactory } from './filter.js'

/**
 * Keeps hosts in the requested zone. A host's zones are the availability_zone
 * metadata of its aggregates, else [compute] default_availability_zone.
 */
export const availabilityZoneFilter: HostFilterFactory = () => ({
  name: 'AvailabilityZoneFilter',
  hostPasses(host, spec) {
    const { zone } = parseAvailabilityZone(spec)
    return zone === undefined || host.availabilityZones.includes(zone)
  },
  explain(_rejected, spec) {
    return `no host in availability zone ${parseAvailabilityZone(spec).zone ?? ''}`
  },
})
