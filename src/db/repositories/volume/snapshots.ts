import type { Insertable, Selectable, Updateable } from 'kysely'
import type { Db } from '../../database.js'
import type { VolumeSnapshotTable } from '../../volume-schema.js'

export type SnapshotRow = Selectable<VolumeSnapshotTable>

export async function insertSnapshot(db: Db, row: Insertable<VolumeSnapshotTable>): Promise<void> {
  await db.insertInto('volume_snapshots').values(row).execute()
}

export async function findSnapshot(db: Db, id: string): Promise<SnapshotRow | undefined> {
  return db.selectFrom('volume_snapshots').selectAll().where('id', '=', id).executeTakeFirst()
}

export async function listSnapshotRows(
  db: Db,
  filter: { projectId?: string | undefined; volumeId?: string | undefined },
): Promise<SnapshotRow[]> {
  let q = db.selectFrom('volume_snapshots').selectAll()
  if (filter.projectId !== undefined) q = q.where('project_id', '=', filter.projectId)
  if (filter.volumeId !== undefined) q = q.where('volume_id', '=', filter.volumeId)
  return q.execute()
}

export async function updateSnapshotRow(
  db: Db,
  id: string,
  patch: Updateable<VolumeSnapshotTable>,
): Promise<void> {
  await db
    .updateTable('volume_snapshots')
    .set({ ...patch, updated_at: new Date().toISOString() })
    .where('id', '=', id)
    .execute()
}

/** Compare-and-set on status, like casVolumeStatus. */
export async function casSnapshotStatus(
  db: Db,
  id: string,
  from: readonly string[],
  patch: Updateable<VolumeSnapshotTable>,
): Promise<boolean> {
  const r = await db
    .updateTable('volume_snapshots')
    .set({ ...patch, updated_at: new Date().toISOString() })
    .where('id', '=', id)
    .where('status', 'in', [...from])
    .executeTakeFirst()
  return Number(r.numUpdatedRows) === 1
}

export async function deleteSnapshotRow(db: Db, id: string): Promise<void> {
  await db.deleteFrom('volume_snapshots').where('id', '=', id).execute()
}
