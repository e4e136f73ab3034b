import { defineGroup, opt } from '../option.js'

/** Nova's [filter_scheduler] and the placement allocation ratios (seed 002 values). */
export const filterSchedulerGroup = defineGroup('filter_scheduler', 'The filter scheduler.', {
  enabled_filters: opt.list(
    'Filters applied in order, by name (unknown names stop the scheduler at start). Also: ' +
      'AggregateInstanceExtraSpecsFilter, AllHostsFilter.',
    [
      'RetryFilter',
      'AvailabilityZoneFilter',
      'ComputeFilter',
      'ComputeCapabilitiesFilter',
      'ImagePropertiesFilter',
      'ServerGroupAntiAffinityFilter',
      'ServerGroupAffinityFilter',
      'SameHostFilter',
      'DifferentHostFilter',
      'RamFilter',
      'DiskFilter',
      'CoreFilter',
      'ClusterHostFitFilter',
    ],
  ),
  weight_classes: opt.list('Weighers, by name.', [
    'RAMWeigher',
    'CPUWeigher',
    'DiskWeigher',
    'ServerGroupSoftAffinityWeigher',
    'ServerGroupSoftAntiAffinityWeigher',
    'BuildFailureWeigher',
  ]),
  ram_weight_multiplier: opt.float('RAMWeigher multiplier (positive: spread by free RAM).', 1.0),
  cpu_weight_multiplier: opt.float('CPUWeigher multiplier.', 1.0),
  disk_weight_multiplier: opt.float('DiskWeigher multiplier.', 1.0),
  soft_affinity_weight_multiplier: opt.float('ServerGroupSoftAffinityWeigher multiplier.', 1.0),
  soft_anti_affinity_weight_multiplier: opt.float(
    'ServerGroupSoftAntiAffinityWeigher multiplier.',
    1.0,
  ),
  build_failure_weight_multiplier: opt.float('BuildFailureWeigher multiplier.', 1000000.0),
  host_subset_size: opt.int('Pick randomly among this many best hosts.', 1, { min: 1 }),
})

export const schedulerGroup = defineGroup('scheduler', 'Scheduling.', {
  max_attempts: opt.int('Build attempts per server (primary + alternates).', 3, { min: 1 }),
})

/** Default allocation ratios of new nodes' inventories (seed 002: cpu 16, ram 1.5, disk 1). */
export const placementGroup = defineGroup('placement', 'Placement inventories.', {
  cpu_allocation_ratio: opt.float('VCPU allocation ratio.', 16.0, { min: 0 }),
  ram_allocation_ratio: opt.float('MEMORY_MB allocation ratio.', 1.5, { min: 0 }),
  disk_allocation_ratio: opt.float('DISK_GB allocation ratio.', 1.0, { min: 0 }),
  reserved_host_memory_mb: opt.int('MEMORY_MB reserved per node.', 512, { min: 0 }),
  reserved_host_disk_mb: opt.int('Disk reserved per node (MiB).', 0, { min: 0 }),
  reserved_host_cpus: opt.int('VCPUs reserved per node.', 0, { min: 0 }),
})
