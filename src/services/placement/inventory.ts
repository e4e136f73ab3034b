import type { Db } from '../../db/database.js'
import {
  aggregatesOfHost,
  type HostAggregate,
} from '../../db/repositories/placement/host-aggregates.js'
import {
  bumpGeneration,
  listInventories,
  replaceProviderAggregates,
  replaceTraits,
  upsertInventory,
  upsertProvider,
  type InventoryRow,
} from '../../db/repositories/placement/providers.js'
import type { NodeResources } from '../../virt/driver.js'
import { ResourceClass } from './capacity.js'

/** [placement] values new inventories start from (seed 002: cpu 16, ram 1.5, disk 1). */
export interface InventoryDefaults {
  readonly cpuAllocationRatio: number
  readonly ramAllocationRatio: number
  readonly diskAllocationRatio: number
  readonly reservedHostMemoryMb: number
  readonly reservedHostDiskMb: number
  readonly reservedHostCpus: number
}

/** The [placement] config group as InventoryDefaults. */
export function inventoryDefaultsFromConfig(p: {
  readonly cpu_allocation_ratio: number
  readonly ram_allocation_ratio: number
  readonly disk_allocation_ratio: number
  readonly reserved_host_memory_mb: number
  readonly reserved_host_disk_mb: number
  readonly reserved_host_cpus: number
}): InventoryDefaults {
  return {
    cpuAllocationRatio: p.cpu_allocation_ratio,
    ramAllocationRatio: p.ram_allocation_ratio,
    diskAllocationRatio: p.disk_allocation_ratio,
    reservedHostMemoryMb: p.reserved_host_memory_mb,
    reservedHostDiskMb: p.reserved_host_disk_mb,
    reservedHostCpus: p.reserved_host_cpus,
  }
}

const ratioKeys = {
  [ResourceClass.VCPU]: 'cpu_allocation_ratio',
  [ResourceClass.MEMORY_MB]: 'ram_allocation_ratio',
  [ResourceClass.DISK_GB]: 'disk_allocation_ratio',
} as const

/**
 * The allocation ratio of a class for a host: the smallest valid
 * `<x>_allocation_ratio` in the metadata of the host's aggregates (as Nova's
 * Aggregate*Filter took the minimum), else the configured default.
 */
export function allocationRatio(
  cls: ResourceClass,
  aggregates: readonly HostAggregate[],
  fallback: number,
): number {
  const values = aggregates
    .map((a) => Number(a.metadata[ratioKeys[cls]]))
    .filter((v) => Number.isFinite(v) && v > 0)
  return values.length > 0 ? Math.min(...values) : fallback
}

/**
 * Creates or updates the provider of a compute node (uuid = compute_nodes.uuid)
 * with its inventories, traits and aggregates. Allocations are never touched,
 * even when the new inventory is smaller than what is allocated (placement
 * keeps them too; new claims simply stop fitting).
 *
 * `host` is the compute service host, used for aggregate lookups; without it
 * the host is read from compute_nodes, else the provider name is used.
 */
export async function syncProvider(
  db: Db,
  provider: { uuid: string; name: string; resources: NodeResources; host?: string },
  defaults: InventoryDefaults,
): Promise<void> {
  const now = new Date().toISOString()
  await db.transaction().execute(async (trx) => {
    await upsertProvider(trx, provider.uuid, provider.name, now)
    const host =
      provider.host ??
      (
        await trx
          .selectFrom('compute_nodes')
          .select('host')
          .where('uuid', '=', provider.uuid)
          .executeTakeFirst()
      )?.host ??
      provider.name
    const aggregates = await aggregatesOfHost(trx, host)
    const r = provider.resources
    const want: InventoryRow[] = [
      inventory(
        provider.uuid,
        ResourceClass.VCPU,
        r.vcpus,
        defaults.reservedHostCpus,
        allocationRatio(ResourceClass.VCPU, aggregates, defaults.cpuAllocationRatio),
        now,
      ),
      inventory(
        provider.uuid,
        ResourceClass.MEMORY_MB,
        r.memoryMb,
        defaults.reservedHostMemoryMb,
        allocationRatio(ResourceClass.MEMORY_MB, aggregates, defaults.ramAllocationRatio),
        now,
      ),
      inventory(
        provider.uuid,
        ResourceClass.DISK_GB,
        r.localGb,
        Math.ceil(defaults.reservedHostDiskMb / 1024),
        allocationRatio(ResourceClass.DISK_GB, aggregates, defaults.diskAllocationRatio),
        now,
      ),
    ]
    const have = new Map(
      (await listInventories(trx, provider.uuid)).map((i) => [i.resource_class, i]),
    )
    let changed = false
    for (const inv of want) {
      const cur = have.get(inv.resource_class)
      if (cur && sameLimits(cur, inv)) continue
      await upsertInventory(trx, inv)
      changed = true
    }
    if (await replaceTraits(trx, provider.uuid, r.traits)) changed = true
    if (
      await replaceProviderAggregates(
        trx,
        provider.uuid,
        aggregates.map((a) => a.uuid),
      )
    )
      changed = true
    if (changed) await bumpGeneration(trx, provider.uuid)
  })
}

function inventory(
  uuid: string,
  cls: ResourceClass,
  total: number,
  reserved: number,
  ratio: number,
  now: string,
): InventoryRow {
  const t = Math.max(0, Math.floor(total))
  return {
    resource_provider_uuid: uuid,
    resource_class: cls,
    total: t,
    // Placement refuses reserved > total; a tiny node simply has nothing left.
    reserved: Math.min(Math.max(0, reserved), t),
    min_unit: 1,
    max_unit: Math.max(1, t),
    step_size: 1,
    allocation_ratio: ratio,
    updated_at: now,
  }
}

function sameLimits(a: InventoryRow, b: InventoryRow): boolean {
  return (
    a.total === b.total &&
    a.reserved === b.reserved &&
    a.min_unit === b.min_unit &&
    a.max_unit === b.max_unit &&
    a.step_size === b.step_size &&
    Number(a.allocation_ratio) === b.allocation_ratio
  )
}

/**
 * Re-applies aggregate allocation ratios (and aggregate membership) to the
 * providers of `host` without waiting for its next node report: call it after
 * an aggregate's hosts or its *_allocation_ratio metadata change.
 */
export async function resyncHostAggregates(
  db: Db,
  host: string,
  defaults: InventoryDefaults,
): Promise<void> {
  const nodes = await db
    .selectFrom('compute_nodes')
    .select('uuid')
    .where('host', '=', host)
    .execute()
  if (nodes.length === 0) return
  const now = new Date().toISOString()
  await db.transaction().execute(async (trx) => {
    const aggregates = await aggregatesOfHost(trx, host)
    const fallback: Record<string, number> = {
      [ResourceClass.VCPU]: defaults.cpuAllocationRatio,
      [ResourceClass.MEMORY_MB]: defaults.ramAllocationRatio,
      [ResourceClass.DISK_GB]: defaults.diskAllocationRatio,
    }
    for (const { uuid } of nodes) {
      let changed = false
      for (const inv of await listInventories(trx, uuid)) {
        const cls = inv.resource_class as ResourceClass
        const base = fallback[cls]
        if (base === undefined) continue
        const ratio = allocationRatio(cls, aggregates, base)
        if (Number(inv.allocation_ratio) === ratio) continue
        await upsertInventory(trx, { ...inv, allocation_ratio: ratio, updated_at: now })
        changed = true
      }
      if (
        await replaceProviderAggregates(
          trx,
          uuid,
          aggregates.map((a) => a.uuid),
        )
      )
        changed = true
      if (changed) await bumpGeneration(trx, uuid)
    }
  })
}
