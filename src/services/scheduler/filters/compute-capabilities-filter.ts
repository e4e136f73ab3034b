import { freeOf, type HostState } from '../host-state.js'
import { matchExtraSpec } from './extra-specs-ops.js'
import type { HostFilterFactory } from './filter.js'

/** The attributes Nova's HostState exposes to `capabilities:` extra specs. */
function capabilities(host: HostState): Record<string, unknown> {
  const ram = host.inventory['MEMORY_MB']
  const disk = host.inventory['DISK_GB']
  return {
    host: host.host,
    nodename: host.nodename,
    hypervisor_type: host.hypervisorType,
    hypervisor_version: host.hypervisorVersion,
    hypervisor_hostname: host.hypervisorHostname,
    host_ip: host.hostIp,
    cpu_info: host.cpuInfo,
    supported_instances: host.supportedInstances,
    vcpus: host.vcpus,
    vcpus_total: host.vcpus,
    vcpus_used: host.used['VCPU'] ?? 0,
    memory_mb: host.memoryMb,
    total_usable_ram_mb: ram ? ram.total - ram.reserved : host.memoryMb,
    free_ram_mb: Math.floor(freeOf(host, 'MEMORY_MB')),
    total_usable_disk_gb: disk ? disk.total - disk.reserved : host.localGb,
    free_disk_mb: Math.floor(freeOf(host, 'DISK_GB')) * 1024,
    num_instances: host.numInstances,
  }
}

function asText(v: unknown): string {
  if (typeof v === 'string') return v
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v)
  return JSON.stringify(v) ?? ''
}

/**
 * Flavor extra specs without a scope, or in the `capabilities:` scope, matched
 * against the node's attributes (`capabilities:cpu_info:arch` walks into
 * cpu_info). Unscoped keys the node has no attribute for are ignored, scoped
 * ones must resolve, as in Nova.
 */
export const computeCapabilitiesFilter: HostFilterFactory = () => ({
  name: 'ComputeCapabilitiesFilter',
  hostPasses(host, spec) {
    const specs = Object.entries(spec.flavor.extraSpecs)
    if (specs.length === 0) return true
    const caps = capabilities(host)
    for (const [key, req] of specs) {
      const scope = key.split(':')
      if (scope.length === 1) {
        if (!(key in caps)) continue
      } else if (scope[0] !== 'capabilities') continue
      else scope.shift()
      let cap: unknown = caps
      for (const part of scope) {
        if (typeof cap === 'string') {
          try {
            cap = JSON.parse(cap) as unknown
          } catch {
            return false
          }
        }
        cap =
          typeof cap === 'object' && cap !== null
            ? (cap as Record<string, unknown>)[part]
            : undefined
        if (cap === undefined || cap === null) return false
      }
      if (!matchExtraSpec(asText(cap), req)) return false
    }
    return true
  },
  explain() {
    return 'no host matches the flavor extra specs (capabilities)'
  },
})
