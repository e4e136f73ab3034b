import type { Selectable } from 'kysely'
import type { Db } from '../../database.js'
import type { InventoryTable, ResourceProviderTable } from '../../placement-schema.js'

export type ResourceProviderRow = Selectable<ResourceProviderTable>
export type InventoryRow = Selectable<InventoryTable>

export async function findProvider(db: Db, uuid: string): Promise<ResourceProviderRow | undefined> {
  return db.selectFrom('resource_providers').selectAll().where('uuid', '=', uuid).executeTakeFirst()
}

/** Creates a root provider, or renames an existing one; answers its current generation. */
export async function upsertProvider(
  db: Db,
  uuid: string,
  name: string,
  now: string,
): Promise<void> {
  await db
    .insertInto('resource_providers')
    .values({
      uuid,
      name,
      generation: 0,
      root_provider_uuid: uuid,
      parent_provider_uuid: null,
      created_at: now,
      updated_at: now,
    })
    .onConflict((oc) => oc.column('uuid').doUpdateSet({ name, updated_at: now }))
    .execute()
}

/** Bumps the generation; with `expected`, only if it still is that value (compare-and-swap). */
export async function bumpGeneration(db: Db, uuid: string, expected?: number): Promise<boolean> {
  const res = await db
    .updateTable('resource_providers')
    .set((eb) => ({ generation: eb('generation', '+', 1) }))
    .where('uuid', '=', uuid)
    .$if(expected !== undefined, (q) => q.where('generation', '=', expected ?? 0))
    .executeTakeFirst()
  return Number(res.numUpdatedRows) === 1
}

export async function deleteProvider(db: Db, uuid: string): Promise<void> {
  await db.deleteFrom('inventories').where('resource_provider_uuid', '=', uuid).execute()
  await db
    .deleteFrom('resource_provider_traits')
    .where('resource_provider_uuid', '=', uuid)
    .execute()
  await db
    .deleteFrom('resource_provider_aggregates')
    .where('resource_provider_uuid', '=', uuid)
    .execute()
  await db.deleteFrom('resource_providers').where('uuid', '=', uuid).execute()
}

export async function listInventories(db: Db, providerUuid?: string): Promise<InventoryRow[]> {
  return db
    .selectFrom('inventories')
    .selectAll()
    .$if(providerUuid !== undefined, (q) =>
      q.where('resource_provider_uuid', '=', providerUuid ?? ''),
    )
    .execute()
}

export async function upsertInventory(db: Db, row: InventoryRow): Promise<void> {
  const changes = {
    total: row.total,
    reserved: row.reserved,
    min_unit: row.min_unit,
    max_unit: row.max_unit,
    step_size: row.step_size,
    allocation_ratio: row.allocation_ratio,
    updated_at: row.updated_at,
  }
  await db
    .insertInto('inventories')
    .values(row)
    .onConflict((oc) =>
      oc.columns(['resource_provider_uuid', 'resource_class']).doUpdateSet(changes),
    )
    .execute()
}

/** Replaces the traits of a provider; answers true when they changed. */
export async function replaceTraits(
  db: Db,
  uuid: string,
  traits: readonly string[],
): Promise<boolean> {
  const have = await db
    .selectFrom('resource_provider_traits')
    .select('trait')
    .where('resource_provider_uuid', '=', uuid)
    .execute()
  const want = [...new Set(traits)].sort()
  const cur = have.map((r) => r.trait).sort()
  if (want.length === cur.length && want.every((t, i) => t === cur[i])) return false
  await db
    .deleteFrom('resource_provider_traits')
    .where('resource_provider_uuid', '=', uuid)
    .execute()
  if (want.length > 0)
    await db
      .insertInto('resource_provider_traits')
      .values(want.map((trait) => ({ resource_provider_uuid: uuid, trait })))
      .execute()
  return true
}

export async function listTraits(db: Db, uuid: string): Promise<string[]> {
  const rows = await db
    .selectFrom('resource_provider_traits')
    .select('trait')
    .where('resource_provider_uuid', '=', uuid)
    .orderBy('trait')
    .execute()
  return rows.map((r) => r.trait)
}

/** Replaces the aggregate uuids a provider is in; answers true when they changed. */
export async function replaceProviderAggregates(
  db: Db,
  uuid: string,
  aggregates: readonly string[],
): Promise<boolean> {
  const have = await db
    .selectFrom('resource_provider_aggregates')
    .select('aggregate_uuid')
    .where('resource_provider_uuid', '=', uuid)
    .execute()
  const want = [...new Set(aggregates)].sort()
  const cur = have.map((r) => r.aggregate_uuid).sort()
  if (want.length === cur.length && want.every((t, i) => t === cur[i])) return false
  await db
    .deleteFrom('resource_provider_aggregates')
    .where('resource_provider_uuid', '=', uuid)
    .execute()
  if (want.length > 0)
    await db
      .insertInto('resource_provider_aggregates')
      .values(want.map((aggregate_uuid) => ({ resource_provider_uuid: uuid, aggregate_uuid })))
      .execute()
  return true
}

export async function listProviderAggregates(db: Db, uuid: string): Promise<string[]> {
  const rows = await db
    .selectFrom('resource_provider_aggregates')
    .select('aggregate_uuid')
    .where('resource_provider_uuid', '=', uuid)
    .orderBy('aggregate_uuid')
    .execute()
  return rows.map((r) => r.aggregate_uuid)
}
