import { freeOf } from '../host-state.js'
import { weightMultiplier, type HostWeigherFactory } from './weigher.js'

/** Free RAM (ratio-adjusted, from placement): positive multiplier spreads, negative stacks. */
export const ramWeigher: HostWeigherFactory = (config) => ({
  name: 'RAMWeigher',
  weigh: (host) => freeOf(host, 'MEMORY_MB'),
  multiplier: (host) =>
    weightMultiplier(host, 'ram_weight_multiplier', config.filterScheduler.ram_weight_multiplier),
})

/** Free vCPUs (ratio-adjusted). */
export const cpuWeigher: HostWeigherFactory = (config) => ({
  name: 'CPUWeigher',
  weigh: (host) => freeOf(host, 'VCPU'),
  multiplier: (host) =>
    weightMultiplier(host, 'cpu_weight_multiplier', config.filterScheduler.cpu_weight_multiplier),
})

/** Free disk (ratio-adjusted). */
export const diskWeigher: HostWeigherFactory = (config) => ({
  name: 'DiskWeigher',
  weigh: (host) => freeOf(host, 'DISK_GB'),
  multiplier: (host) =>
    weightMultiplier(host, 'disk_weight_multiplier', config.filterScheduler.disk_weight_multiplier),
})

/**
 * Recent build failures on the host; the multiplier is negated (as Nova) so
 * failing hosts sink. The counter is compute_build_failures, bumped by the
 * conductor (scheduler bus method record_build_failure) and cleared on success.
 */
export const buildFailureWeigher: HostWeigherFactory = (config) => ({
  name: 'BuildFailureWeigher',
  weigh: (host) => host.failedBuilds,
  multiplier: (host) =>
    -1 *
    weightMultiplier(
      host,
      'build_failure_weight_multiplier',
      config.filterScheduler.build_failure_weight_multiplier,
    ),
})
