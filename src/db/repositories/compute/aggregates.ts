import type { Selectable } from 'kysely'
import type { AggregateTable } from '../../compute-resources-schema.js'
import type { Db } from '../../database.js'

export type AggregateRow = Selectable<AggregateTable>

/** An aggregate with its hosts and metadata (availability_zone is a metadata key). */
export interface AggregateRecord extends AggregateRow {
  readonly hosts: string[]
  readonly metadata: Record<string, string>
}

async function withDetails(db: Db, rows: AggregateRow[]): Promise<AggregateRecord[]> {
  if (rows.length === 0) return []
  const ids = rows.map((r) => r.id)
  const hosts = await db
    .selectFrom('aggregate_hosts')
    .selectAll()
    .where('aggregate_id', 'in', ids)
    .orderBy('host')
    .execute()
  const meta = await db
    .selectFrom('aggregate_metadata')
    .selectAll()
    .where('aggregate_id', 'in', ids)
    .orderBy('key')
    .execute()
  return rows.map((r) => ({
    ...r,
    hosts: hosts.filter((h) => h.aggregate_id === r.id).map((h) => h.host),
    metadata: Object.fromEntries(
      meta.filter((m) => m.aggregate_id === r.id).map((m) => [m.key, m.value]),
    ),
  }))
}

export async function allAggregates(db: Db): Promise<AggregateRecord[]> {
  return withDetails(db, await db.selectFrom('aggregates').selectAll().orderBy('id').execute())
}

export async function aggregateById(db: Db, id: number): Promise<AggregateRecord | undefined> {
  const row = await db.selectFrom('aggregates').selectAll().where('id', '=', id).executeTakeFirst()
  return row ? (await withDetails(db, [row]))[0] : undefined
}

export async function aggregateByName(db: Db, name: string): Promise<AggregateRow | undefined> {
  return db.selectFrom('aggregates').selectAll().where('name', '=', name).executeTakeFirst()
}

/** The aggregates a compute host belongs to. */
export async function aggregatesOfHost(db: Db, host: string): Promise<AggregateRecord[]> {
  const rows = await db
    .selectFrom('aggregates')
    .innerJoin('aggregate_hosts', 'aggregate_hosts.aggregate_id', 'aggregates.id')
    .selectAll('aggregates')
    .where('aggregate_hosts.host', '=', host)
    .orderBy('aggregates.id')
    .execute()
  return withDetails(db, rows)
}

export async function insertAggregate(
  db: Db,
  a: { uuid: string; name: string; metadata: Record<string, string> },
): Promise<number> {
  return db.transaction().execute(async (tx) => {
    await tx
      .insertInto('aggregates')
      .values({
        uuid: a.uuid,
        name: a.name,
        created_at: new Date().toISOString(),
        updated_at: null,
      })
      .execute()
    const row = await tx
      .selectFrom('aggregates')
      .select('id')
      .where('uuid', '=', a.uuid)
      .executeTakeFirstOrThrow()
    for (const [key, value] of Object.entries(a.metadata))
      await tx
        .insertInto('aggregate_metadata')
        .values({ aggregate_id: row.id, key, value })
        .execute()
    return row.id
  })
}

export async function renameAggregate(db: Db, id: number, name: string): Promise<void> {
  await db
    .updateTable('aggregates')
    .set({ name, updated_at: new Date().toISOString() })
    .where('id', '=', id)
    .execute()
}

export async function touchAggregate(db: Db, id: number): Promise<void> {
  await db
    .updateTable('aggregates')
    .set({ updated_at: new Date().toISOString() })
    .where('id', '=', id)
    .execute()
}

/** Sets keys; a null value deletes the key. */
export async function updateAggregateMetadata(
  db: Db,
  id: number,
  updates: Record<string, string | null>,
): Promise<void> {
  await db.transaction().execute(async (tx) => {
    for (const [key, value] of Object.entries(updates)) {
      if (value === null) {
        await tx
          .deleteFrom('aggregate_metadata')
          .where('aggregate_id', '=', id)
          .where('key', '=', key)
          .execute()
      } else {
        await tx
          .insertInto('aggregate_metadata')
          .values({ aggregate_id: id, key, value })
          .onConflict((oc) => oc.columns(['aggregate_id', 'key']).doUpdateSet({ value }))
          .execute()
      }
    }
  })
}

export async function deleteAggregateRow(db: Db, id: number): Promise<void> {
  await db.transaction().execute(async (tx) => {
    await tx.deleteFrom('aggregate_metadata').where('aggregate_id', '=', id).execute()
    await tx.deleteFrom('aggregate_hosts').where('aggregate_id', '=', id).execute()
    await tx.deleteFrom('aggregates').where('id', '=', id).execute()
  })
}

export async function addAggregateHost(db: Db, id: number, host: string): Promise<void> {
  await db.insertInto('aggregate_hosts').values({ aggregate_id: id, host }).execute()
  await touchAggregate(db, id)
}

export async function removeAggregateHost(db: Db, id: number, host: string): Promise<boolean> {
  const r = await db
    .deleteFrom('aggregate_hosts')
    .where('aggregate_id', '=', id)
    .where('host', '=', host)
    .executeTakeFirst()
  if (Number(r.numDeletedRows) > 0) await touchAggregate(db, id)
  return Number(r.numDeletedRows) > 0
}

/** host → availability zone, for hosts in an aggregate with an availability_zone key. */
export async function hostZones(db: Db): Promise<Map<string, string>> {
  const rows = await db
    .selectFrom('aggregate_hosts')
    .innerJoin(
      'aggregate_metadata',
      'aggregate_metadata.aggregate_id',
      'aggregate_hosts.aggregate_id',
    )
    .select(['aggregate_hosts.host', 'aggregate_metadata.value', 'aggregate_hosts.aggregate_id'])
    .where('aggregate_metadata.key', '=', 'availability_zone')
    .orderBy('aggregate_hosts.aggregate_id')
    .execute()
  const out = new Map<string, string>()
  for (const r of rows) if (!out.has(r.host)) out.set(r.host, r.value)
  return out
}
