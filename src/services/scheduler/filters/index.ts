import { ConfigError } from '../../../config/load.js'
import type { HostFilter, HostFilterFactory } from './filter.js'
import type { SchedulerConfig } from '../scheduler-config.js'
import { aggregateInstanceExtraSpecsFilter } from './aggregate-instance-extra-specs-filter.js'
import { availabilityZoneFilter } from './availability-zone-filter.js'
import { allHostsFilter, clusterHostFitFilter } from './cluster-host-fit-filter.js'
import { computeCapabilitiesFilter } from './compute-capabilities-filter.js'
import { computeFilter } from './compute-filter.js'
import { imagePropertiesFilter } from './image-properties-filter.js'
import { coreFilter, diskFilter, ramFilter } from './resource-filters.js'
import { retryFilter } from './retry-filter.js'
import {
  differentHostFilter,
  sameHostFilter,
  serverGroupAffinityFilter,
  serverGroupAntiAffinityFilter,
} from './server-group-filters.js'

/** Every filter by its [filter_scheduler] enabled_filters name. */
export const filterFactories: Readonly<Record<string, HostFilterFactory>> = {
  AllHostsFilter: allHostsFilter,
  RetryFilter: retryFilter,
  AvailabilityZoneFilter: availabilityZoneFilter,
  ComputeFilter: computeFilter,
  ComputeCapabilitiesFilter: computeCapabilitiesFilter,
  ImagePropertiesFilter: imagePropertiesFilter,
  ServerGroupAntiAffinityFilter: serverGroupAntiAffinityFilter,
  ServerGroupAffinityFilter: serverGroupAffinityFilter,
  SameHostFilter: sameHostFilter,
  DifferentHostFilter: differentHostFilter,
  RamFilter: ramFilter,
  DiskFilter: diskFilter,
  CoreFilter: coreFilter,
  AggregateInstanceExtraSpecsFilter: aggregateInstanceExtraSpecsFilter,
  ClusterHostFitFilter: clusterHostFitFilter,
}

/** The enabled filters in order; an unknown name is a ConfigError naming the known ones. */
export function buildFilters(config: SchedulerConfig, now: () => number): HostFilter[] {
  return config.filterScheduler.enabled_filters.map((name) => {
    const f = filterFactories[name]
    if (!f)
      throw new ConfigError(
        `[filter_scheduler] enabled_filters: unknown filter ${JSON.stringify(name)}; known: ${Object.keys(filterFactories).join(', ')}`,
      )
    return f(config, now)
  })
}

export type { HostFilter, HostFilterFactory } from './filter.js'
