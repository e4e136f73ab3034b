import type { Insertable, Selectable } from 'kysely'
import { sql } from 'kysely'
import type { Db } from '../../database.js'
import type { VolumePoolTable } from '../../volume-schema.js'

export type PoolRow = Selectable<VolumePoolTable>

/** Records a heartbeat of a service (inserting it on first report). */
export async function heartbeat(
  db: Db,
  binary: string,
  host: string,
  availabilityZone: string,
): Promise<void> {
  const now = new Date().toISOString()
  await db
    .insertInto('volume_services')
    .values({
      binary,
      host,
      availability_zone: availabilityZone,
      disabled: 0,
      disabled_reason: null,
      updated_at: now,
      created_at: now,
    })
    .onConflict((oc) =>
      oc
        .columns(['binary', 'host'])
        .doUpdateSet({ updated_at: now, availability_zone: availabilityZone }),
    )
    .execute()
}

export async function listServiceRows(db: Db) {
  return db.selectFrom('volume_services').selectAll().orderBy('binary').orderBy('host').execute()
}

export async function setServiceDisabled(
  db: Db,
  binary: string,
  host: string,
  disabled: boolean,
  reason: string | null,
): Promise<number> {
  const r = await db
    .updateTable('volume_services')
    .set({ disabled: disabled ? 1 : 0, disabled_reason: reason })
    .where('binary', '=', binary)
    .where('host', '=', host)
    .executeTakeFirst()
  return Number(r.numUpdatedRows)
}

/** A backend's capacity report: insert or refresh, keeping the scheduler's allocation count. */
export async function reportPool(
  db: Db,
  row: Omit<Insertable<VolumePoolTable>, 'allocated_capacity_gb'>,
): Promise<void> {
  const rest: Omit<typeof row, 'name'> & { name?: string } = { ...row }
  delete rest.name
  await db
    .insertInto('volume_pools')
    .values({ ...row, allocated_capacity_gb: 0 })
    .onConflict((oc) => oc.column('name').doUpdateSet(rest))
    .execute()
}

export async function listPoolRows(db: Db): Promise<PoolRow[]> {
  return db.selectFrom('volume_pools').selectAll().orderBy('name').execute()
}

/**
 * Atomically adds `sizeGb` to the pool's allocation unless that would pass
 * `limitGb`: one conditional UPDATE, so concurrent schedulers never overfill.
 */
export async function reserveCapacity(
  db: Db,
  pool: string,
  sizeGb: number,
  limitGb: number,
): Promise<boolean> {
  const r = await db
    .updateTable('volume_pools')
    .set({ allocated_capacity_gb: sql`allocated_capacity_gb + ${sizeGb}` })
    .where('name', '=', pool)
    .where(sql<boolean>`allocated_capacity_gb + ${sizeGb} <= ${limitGb}`)
    .executeTakeFirst()
  return Number(r.numUpdatedRows) === 1
}

/** Gives capacity back (a deleted or failed volume); never below zero. */
export async function releaseCapacity(db: Db, pool: string, sizeGb: number): Promise<void> {
  await db
    .updateTable('volume_pools')
    .set({
      allocated_capacity_gb: sql`case when allocated_capacity_gb > ${sizeGb} then allocated_capacity_gb - ${sizeGb} else 0 end`,
    })
    .where('name', '=', pool)
    .execute()
}

/** Sets the allocation from the volumes actually placed on the pool (start-up reconciliation). */
export async function setAllocated(db: Db, pool: string, gb: number): Promise<void> {
  await db
    .updateTable('volume_pools')
    .set({ allocated_capacity_gb: gb })
    .where('name', '=', pool)
    .execute()
}
