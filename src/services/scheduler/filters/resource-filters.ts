import { freeOf } from '../host-state.js'
import { resourcesOf } from '../request.js'
import type { HostFilterFactory } from './filter.js'

/**
 * RamFilter, DiskFilter and CoreFilter: the ratio-adjusted free capacity in
 * placement ((total - reserved) * allocation_ratio - used) holds the flavor.
 */
function resourceFilter(name: string, cls: string, unit: string): HostFilterFactory {
  return () => ({
    name,
    hostPasses(host, spec) {
      const want = resourcesOf(spec)[cls] ?? 0
      return want <= 0 || freeOf(host, cls) >= want
    },
    explain(rejected, spec) {
      const want = resourcesOf(spec)[cls] ?? 0
      const best = Math.max(0, ...rejected.map((h) => freeOf(h, cls)))
      return `no host has ${want} ${unit} free (most free: ${Math.floor(best)} ${unit})`
    },
  })
}

export const ramFilter = resourceFilter('RamFilter', 'MEMORY_MB', 'MB of RAM')
export const diskFilter = resourceFilter('DiskFilter', 'DISK_GB', 'GB of disk')
export const coreFilter = resourceFilter('CoreFilter', 'VCPU', 'vCPUs')
