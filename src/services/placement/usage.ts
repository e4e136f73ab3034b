import type { Db } from '../../db/database.js'
import {
  listConsumerAllocations,
  providerUsage,
} from '../../db/repositories/placement/allocations.js'
import { findProvider, listInventories } from '../../db/repositories/placement/providers.js'
import { capacityOf } from './capacity.js'

/** Used amount per resource class on one provider. */
export async function usages(db: Db, providerUuid: string): Promise<Record<string, number>> {
  return providerUsage(db, providerUuid)
}

/** One consumer's allocations: provider uuid → {class: used}. */
export async function consumerAllocations(
  db: Db,
  consumerUuid: string,
): Promise<Record<string, Record<string, number>>> {
  const out: Record<string, Record<string, number>> = {}
  for (const a of await listConsumerAllocations(db, consumerUuid)) {
    const p = (out[a.resource_provider_uuid] ??= {})
    p[a.resource_class] = (p[a.resource_class] ?? 0) + a.used
  }
  return out
}

export interface ClassCapacity {
  readonly total: number
  readonly reserved: number
  readonly allocationRatio: number
  /** (total - reserved) * allocation_ratio. */
  readonly capacity: number
  readonly used: number
}

/** Capacity and usage of every class of a provider; undefined for an unknown provider. */
export async function providerCapacity(
  db: Db,
  providerUuid: string,
): Promise<{ generation: number; classes: Record<string, ClassCapacity> } | undefined> {
  const rp = await findProvider(db, providerUuid)
  if (!rp) return undefined
  const [invs, used] = await Promise.all([
    listInventories(db, providerUuid),
    providerUsage(db, providerUuid),
  ])
  const classes: Record<string, ClassCapacity> = {}
  for (const i of invs)
    classes[i.resource_class] = {
      total: i.total,
      reserved: i.reserved,
      allocationRatio: Number(i.allocation_ratio),
      capacity: capacityOf(i),
      used: used[i.resource_class] ?? 0,
    }
  return { generation: rp.generation, classes }
}
