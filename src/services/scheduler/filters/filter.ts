import type { RequestSpec } from '../../compute/rpc.js'
import type { SchedulerConfig } from '../scheduler-config.js'
import type { HostState } from '../host-state.js'

/**
 * A host filter (nova/scheduler/filters): keeps a host when hostPasses is true.
 * Filters are pure over (host, spec); the scheduler hands each instance of a
 * multi-instance request a spec updated with the placements made so far.
 */
export interface HostFilter {
  readonly name: string
  hostPasses(host: HostState, spec: RequestSpec): boolean
  /**
   * Why this filter removed the last candidates, for the NoValidHost detail;
   * `rejected` are the hosts it saw. Absent: the scheduler says which filter it was.
   */
  explain?(rejected: readonly HostState[], spec: RequestSpec): string | undefined
}

/** Builds a filter from the configuration (multipliers, default AZ, service_down_time ...). */
export type HostFilterFactory = (config: SchedulerConfig, now: () => number) => HostFilter
