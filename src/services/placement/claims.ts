import type { Db } from '../../db/database.js'
import {
  deleteConsumerAllocations,
  insertAllocations,
  providerUsage,
  reassignConsumer,
} from '../../db/repositories/placement/allocations.js'
import { bumpGeneration, listInventories } from '../../db/repositories/placement/providers.js'
import { whyNotFits } from './capacity.js'

/** Thrown inside the claim transaction to roll it back; never leaves this module. */
class DoesNotFit extends Error {}

/**
 * Claims `resources` on `providerUuid` for `consumerUuid`; false when it no
 * longer fits. The consumer's earlier allocations (anywhere) are replaced, as
 * placement's PUT /allocations/{consumer} does, so a redelivered request claims
 * once.
 *
 * NOTE: the generation bump comes FIRST: it takes the provider's row lock (and
 * SQLite's write lock) before usage is read, so two claims on one provider
 * run one after the other on both dialects and can never over-commit it. On
 * PostgreSQL READ COMMITTED each later statement sees what the previous
 * holder committed.
 */
export async function claim(
  db: Db,
  consumerUuid: string,
  providerUuid: string,
  resources: Readonly<Record<string, number>>,
  owner: { projectId: string; userId: string },
): Promise<boolean> {
  try {
    await db.transaction().execute(async (trx) => {
      if (!(await bumpGeneration(trx, providerUuid))) throw new DoesNotFit('unknown provider')
      const inventories = new Map(
        (await listInventories(trx, providerUuid)).map((i) => [i.resource_class, i]),
      )
      const usage = await providerUsage(trx, providerUuid, consumerUuid)
      for (const [cls, amount] of Object.entries(resources)) {
        const why = whyNotFits(cls, inventories.get(cls), usage[cls] ?? 0, amount)
        if (why !== undefined) throw new DoesNotFit(why)
      }
      await deleteConsumerAllocations(trx, consumerUuid)
      const now = new Date().toISOString()
      await insertAllocations(
        trx,
        Object.entries(resources)
          .filter(([, amount]) => amount > 0)
          .map(([cls, amount]) => ({
            consumer_uuid: consumerUuid,
            resource_provider_uuid: providerUuid,
            resource_class: cls,
            used: amount,
            project_id: owner.projectId,
            user_id: owner.userId,
            created_at: now,
          })),
      )
    })
    return true
  } catch (err) {
    if (err instanceof DoesNotFit) return false
    throw err
  }
}

/** Drops every allocation held by a consumer (instance or migration uuid). */
export async function deleteAllocations(db: Db, consumerUuid: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const providers = await deleteConsumerAllocations(trx, consumerUuid)
    for (const p of providers.sort()) await bumpGeneration(trx, p)
  })
}

/**
 * Moves the allocations of `fromConsumer` to `toConsumer` (resize/migrate: the
 * migration record holds the source node's allocation while the instance
 * claims the new one). Allocations `toConsumer` already had are dropped first.
 */
export async function moveAllocations(
  db: Db,
  fromConsumer: string,
  toConsumer: string,
): Promise<void> {
  if (fromConsumer === toConsumer) return
  await db.transaction().execute(async (trx) => {
    const dropped = await deleteConsumerAllocations(trx, toConsumer)
    const moved = await reassignConsumer(trx, fromConsumer, toConsumer)
    // Sorted, so two movers lock providers in one order (no deadlock on PostgreSQL).
    for (const p of [...new Set([...dropped, ...moved])].sort()) await bumpGeneration(trx, p)
  })
}

/**
 * Drops what a deleted server holds: its own allocations and those its
 * migrations still hold (a server deleted in VERIFY_RESIZE keeps the source
 * node's share under the migration's uuid until confirm or revert).
 */
export async function deleteInstanceAllocations(db: Db, instanceUuid: string): Promise<void> {
  const migrations = await db
    .selectFrom('migrations')
    .select('uuid')
    .where('instance_uuid', '=', instanceUuid)
    .execute()
  for (const m of migrations) await deleteAllocations(db, m.uuid)
  await deleteAllocations(db, instanceUuid)
}
