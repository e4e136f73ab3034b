import type { Insertable, Selectable, Updateable } from 'kysely'
import type { Db } from '../../database.js'
import type { VolumeAttachmentTable, VolumeTable } from '../../volume-schema.js'

export type VolumeRow = Selectable<VolumeTable>
export type AttachmentRow = Selectable<VolumeAttachmentTable>

export async function insertVolume(db: Db, row: Insertable<VolumeTable>): Promise<void> {
  await db.insertInto('volumes').values(row).execute()
}

export async function findVolume(db: Db, id: string): Promise<VolumeRow | undefined> {
  return db.selectFrom('volumes').selectAll().where('id', '=', id).executeTakeFirst()
}

/** Every volume of a project, or of all projects when projectId is undefined. */
export async function listVolumeRows(db: Db, projectId: string | undefined): Promise<VolumeRow[]> {
  let q = db.selectFrom('volumes').selectAll()
  if (projectId !== undefined) q = q.where('project_id', '=', projectId)
  return q.execute()
}

export async function updateVolumeRow(
  db: Db,
  id: string,
  patch: Updateable<VolumeTable>,
): Promise<void> {
  await db
    .updateTable('volumes')
    .set({ ...patch, updated_at: new Date().toISOString() })
    .where('id', '=', id)
    .execute()
}

/**
 * Compare-and-set on status: applies `patch` only while the volume's status
 * is one of `from`; false when another request moved it first.
 */
export async function casVolumeStatus(
  db: Db,
  id: string,
  from: readonly string[],
  patch: Updateable<VolumeTable>,
): Promise<boolean> {
  const r = await db
    .updateTable('volumes')
    .set({ ...patch, updated_at: new Date().toISOString() })
    .where('id', '=', id)
    .where('status', 'in', [...from])
    .executeTakeFirst()
  return Number(r.numUpdatedRows) === 1
}

export async function deleteVolumeRow(db: Db, id: string): Promise<void> {
  await db.deleteFrom('volume_attachments').where('volume_id', '=', id).execute()
  await db.deleteFrom('volumes').where('id', '=', id).execute()
}

export async function attachmentsOf(
  db: Db,
  volumeIds: readonly string[],
): Promise<AttachmentRow[]> {
  if (volumeIds.length === 0) return []
  return db
    .selectFrom('volume_attachments')
    .selectAll()
    .where('volume_id', 'in', [...volumeIds])
    .orderBy('created_at')
    .execute()
}

export async function findAttachment(db: Db, id: string): Promise<AttachmentRow | undefined> {
  return db.selectFrom('volume_attachments').selectAll().where('id', '=', id).executeTakeFirst()
}

export async function insertAttachment(
  db: Db,
  row: Insertable<VolumeAttachmentTable>,
): Promise<void> {
  await db.insertInto('volume_attachments').values(row).execute()
}

export async function updateAttachment(
  db: Db,
  id: string,
  patch: Updateable<VolumeAttachmentTable>,
): Promise<void> {
  await db
    .updateTable('volume_attachments')
    .set({ ...patch, updated_at: new Date().toISOString() })
    .where('id', '=', id)
    .execute()
}

export async function deleteAttachment(db: Db, id: string): Promise<void> {
  await db.deleteFrom('volume_attachments').where('id', '=', id).execute()
}

/** JSON string map column → object (never throws on old or empty values). */
export function parseMap(text: string | null | undefined): Record<string, string> {
  if (!text) return {}
  try {
    const v = JSON.parse(text) as unknown
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, string>) : {}
  } catch {
    return {}
  }
}
