import type { Selectable } from 'kysely'
import { newUuid } from '../../../common/ids.js'
import type { MigrationTable } from '../../../db/compute-schema.js'
import type { Db } from '../../../db/database.js'

export type MigrationRow = Selectable<MigrationTable>

/** Nova's migration types (objects/migration.py). */
export type MigrationType = 'migration' | 'resize' | 'live-migration' | 'evacuation'

/** The migrations rows of resize, cold/live migration and evacuation. */
export async function createMigration(
  db: Db,
  m: {
    instanceUuid: string
    projectId: string
    userId: string
    type: MigrationType
    status: string
    sourceCompute: string | null
    sourceNode: string | null
    oldFlavorId: string | null
    newFlavorId: string | null
    destHost?: string | null
  },
): Promise<MigrationRow> {
  const now = new Date().toISOString()
  const uuid = newUuid()
  await db
    .insertInto('migrations')
    .values({
      uuid,
      instance_uuid: m.instanceUuid,
      project_id: m.projectId,
      user_id: m.userId,
      source_compute: m.sourceCompute,
      source_node: m.sourceNode,
      dest_compute: null,
      dest_node: null,
      dest_host: m.destHost ?? null,
      old_flavor_id: m.oldFlavorId,
      new_flavor_id: m.newFlavorId,
      migration_type: m.type,
      status: m.status,
      created_at: now,
      updated_at: now,
    })
    .execute()
  return requireMigration(db, uuid)
}

export async function getMigration(db: Db, uuid: string): Promise<MigrationRow | undefined> {
  return db.selectFrom('migrations').selectAll().where('uuid', '=', uuid).executeTakeFirst()
}

export async function requireMigration(db: Db, uuid: string): Promise<MigrationRow> {
  const m = await getMigration(db, uuid)
  if (!m) throw new Error(`migration ${uuid} does not exist`)
  return m
}

export async function updateMigration(
  db: Db,
  uuid: string,
  values: Partial<Omit<MigrationTable, 'id' | 'uuid'>>,
): Promise<void> {
  await db
    .updateTable('migrations')
    .set({ ...values, updated_at: new Date().toISOString() })
    .where('uuid', '=', uuid)
    .execute()
}

/**
 * Updates a migration only while its status is one of `from`; false when it
 * had moved on (a racing abort or step won).
 */
export async function updateMigrationIf(
  db: Db,
  uuid: string,
  from: readonly string[],
  values: Partial<Omit<MigrationTable, 'id' | 'uuid'>>,
): Promise<boolean> {
  const res = await db
    .updateTable('migrations')
    .set({ ...values, updated_at: new Date().toISOString() })
    .where('uuid', '=', uuid)
    .where('status', 'in', [...from])
    .executeTakeFirst()
  return Number(res.numUpdatedRows) > 0
}

/** The newest migration of an instance in one of `statuses` (confirm/revert find theirs this way). */
export async function latestMigration(
  db: Db,
  instanceUuid: string,
  statuses: readonly string[],
  types?: readonly MigrationType[],
): Promise<MigrationRow | undefined> {
  let q = db
    .selectFrom('migrations')
    .selectAll()
    .where('instance_uuid', '=', instanceUuid)
    .where('status', 'in', statuses)
  if (types) q = q.where('migration_type', 'in', types)
  return q.orderBy('id', 'desc').executeTakeFirst()
}

/** Migrations of an instance (GET /servers/{id}/migrations filters them further). */
export async function migrationsOf(db: Db, instanceUuid: string): Promise<MigrationRow[]> {
  return db
    .selectFrom('migrations')
    .selectAll()
    .where('instance_uuid', '=', instanceUuid)
    .orderBy('id')
    .execute()
}
