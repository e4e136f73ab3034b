import type { Db } from '../../db/database.js'
import type { NodeResources } from '../../virt/driver.js'

/**
 * Placement as the rest of Nubis uses it (owned by the placement/scheduler
 * work): resource providers per compute node, inventories, atomic claims.
 */
export interface InventoryDefaults {
  readonly cpuAllocationRatio: number
  readonly ramAllocationRatio: number
  readonly diskAllocationRatio: number
  readonly reservedHostMemoryMb: number
  readonly reservedHostDiskMb: number
  readonly reservedHostCpus: number
}

/** Creates or updates the provider of a compute node (uuid = compute_nodes.uuid) and its inventories/traits. */
export async function syncProvider(
  _db: Db,
  _provider: { uuid: string; name: string; resources: NodeResources },
  _defaults: InventoryDefaults,
): Promise<void> {}

/** Drops every allocation held by a consumer (instance or migration uuid). */
export async function deleteAllocations(_db: Db, _consumerUuid: string): Promise<void> {}

/**
 * Moves the allocations of `fromConsumer` to `toConsumer` (resize/migrate: the
 * migration record holds the source node's allocation while the instance holds the new one).
 */
export async function moveAllocations(
  _db: Db,
  _fromConsumer: string,
  _toConsumer: string,
): Promise<void> {}

/** Claims `resources` on `providerUuid` for `consumerUuid`, atomically; false when it no longer fits. */
export async function claim(
  _db: Db,
  _consumerUuid: string,
  _providerUuid: string,
  _resources: Readonly<Record<string, number>>,
  _owner: { projectId: string; userId: string },
): Promise<boolean> {
  return false
}
