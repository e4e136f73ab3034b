import type { HostState } from '../host-state.js'
import type { HostFilterFactory } from './filter.js'

/**
 * Keeps hosts whose nova-compute service is up (heartbeat within [compute]
 * service_down_time), not disabled and not forced down.
 */
export function serviceIsUp(host: HostState, downTimeSeconds: number, nowMs: number): boolean {
  const s = host.service
  if (!s || s.forcedDown || s.lastSeenUpMs === undefined) return false
  return nowMs - s.lastSeenUpMs <= downTimeSeconds * 1000
}

export const computeFilter: HostFilterFactory = (config, now) => ({
  name: 'ComputeFilter',
  hostPasses(host) {
    return (
      !!host.service &&
      !host.service.disabled &&
      serviceIsUp(host, config.compute.service_down_time, now())
    )
  },
  explain() {
    return 'no compute service is up and enabled'
  },
})
