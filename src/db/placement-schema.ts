import type { Generated } from 'kysely'

/**
 * Row types of the placement tables (migration 0011-placement); merged into
 * `Database` by schema.ts. One resource provider per compute node (uuid =
 * compute_nodes.uuid); allocation ratios are REAL, everything else portable.
 */
export interface ResourceProviderTable {
  uuid: string
  name: string
  /** Bumped by every change of inventories or allocations; claims compare-and-swap on it. */
  generation: number
  root_provider_uuid: string
  parent_provider_uuid: string | null
  created_at: string
  updated_at: string
}

export interface InventoryTable {
  resource_provider_uuid: string
  /** VCPU, MEMORY_MB or DISK_GB. */
  resource_class: string
  total: number
  reserved: number
  min_unit: number
  max_unit: number
  step_size: number
  allocation_ratio: number
  updated_at: string
}

export interface AllocationTable {
  id: Generated<number>
  /** Instance or migration uuid. */
  consumer_uuid: string
  resource_provider_uuid: string
  resource_class: string
  used: number
  project_id: string
  user_id: string
  created_at: string
}

export interface ResourceProviderTraitTable {
  resource_provider_uuid: string
  trait: string
}

export interface ResourceProviderAggregateTable {
  resource_provider_uuid: string
  aggregate_uuid: string
}

/**
 * Recent build failures per compute host (BuildFailureWeigher). The conductor
 * bumps it when a build fails on a host and clears it when one succeeds there.
 */
export interface ComputeBuildFailureTable {
  host: string
  failed_builds: number
  updated_at: string
}

export interface PlacementTables {
  resource_providers: ResourceProviderTable
  inventories: InventoryTable
  allocations: AllocationTable
  resource_provider_traits: ResourceProviderTraitTable
  resource_provider_aggregates: ResourceProviderAggregateTable
  compute_build_failures: ComputeBuildFailureTable
}
