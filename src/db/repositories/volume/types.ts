import type { Insertable, Selectable, Updateable } from 'kysely'
import type { Db } from '../../database.js'
import type { VolumeTypeEncryptionTable, VolumeTypeTable } from '../../volume-schema.js'

export type VolumeTypeRow = Selectable<VolumeTypeTable>
export type EncryptionRow = Selectable<VolumeTypeEncryptionTable>

export async function insertType(db: Db, row: Insertable<VolumeTypeTable>): Promise<void> {
  await db.insertInto('volume_types').values(row).execute()
}

export async function findTypeById(db: Db, id: string): Promise<VolumeTypeRow | undefined> {
  return db.selectFrom('volume_types').selectAll().where('id', '=', id).executeTakeFirst()
}

export async function findTypeByName(db: Db, name: string): Promise<VolumeTypeRow | undefined> {
  return db.selectFrom('volume_types').selectAll().where('name', '=', name).executeTakeFirst()
}

export async function listTypeRows(db: Db): Promise<VolumeTypeRow[]> {
  return db.selectFrom('volume_types').selectAll().orderBy('name').execute()
}

export async function updateTypeRow(
  db: Db,
  id: string,
  patch: Updateable<VolumeTypeTable>,
): Promise<void> {
  await db
    .updateTable('volume_types')
    .set({ ...patch, updated_at: new Date().toISOString() })
    .where('id', '=', id)
    .execute()
}

export async function deleteTypeRow(db: Db, id: string): Promise<void> {
  await db.deleteFrom('volume_type_extra_specs').where('type_id', '=', id).execute()
  await db.deleteFrom('volume_type_projects').where('type_id', '=', id).execute()
  await db.deleteFrom('volume_type_encryption').where('type_id', '=', id).execute()
  await db.deleteFrom('volume_types').where('id', '=', id).execute()
}

export async function extraSpecsOf(
  db: Db,
  typeIds: readonly string[],
): Promise<Map<string, Record<string, string>>> {
  const out = new Map<string, Record<string, string>>()
  if (typeIds.length === 0) return out
  const rows = await db
    .selectFrom('volume_type_extra_specs')
    .selectAll()
    .where('type_id', 'in', [...typeIds])
    .execute()
  for (const r of rows) {
    const m = out.get(r.type_id) ?? {}
    m[r.key] = r.value
    out.set(r.type_id, m)
  }
  return out
}

export async function setExtraSpecs(
  db: Db,
  typeId: string,
  specs: Readonly<Record<string, string>>,
): Promise<void> {
  for (const [key, value] of Object.entries(specs)) {
    await db
      .insertInto('volume_type_extra_specs')
      .values({ type_id: typeId, key, value })
      .onConflict((oc) => oc.columns(['type_id', 'key']).doUpdateSet({ value }))
      .execute()
  }
}

export async function deleteExtraSpec(db: Db, typeId: string, key: string): Promise<boolean> {
  const r = await db
    .deleteFrom('volume_type_extra_specs')
    .where('type_id', '=', typeId)
    .where('key', '=', key)
    .executeTakeFirst()
  return Number(r.numDeletedRows) > 0
}

export async function typeProjects(db: Db, typeId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('volume_type_projects')
    .select('project_id')
    .where('type_id', '=', typeId)
    .execute()
  return rows.map((r) => r.project_id)
}

/** Type ids a project was given access to. */
export async function typesOfProject(db: Db, projectId: string): Promise<Set<string>> {
  const rows = await db
    .selectFrom('volume_type_projects')
    .select('type_id')
    .where('project_id', '=', projectId)
    .execute()
  return new Set(rows.map((r) => r.type_id))
}

export async function addTypeProject(db: Db, typeId: string, projectId: string): Promise<boolean> {
  const r = await db
    .insertInto('volume_type_projects')
    .values({ type_id: typeId, project_id: projectId })
    .onConflict((oc) => oc.doNothing())
    .executeTakeFirst()
  return Number(r.numInsertedOrUpdatedRows ?? 0n) > 0
}

export async function removeTypeProject(
  db: Db,
  typeId: string,
  projectId: string,
): Promise<boolean> {
  const r = await db
    .deleteFrom('volume_type_projects')
    .where('type_id', '=', typeId)
    .where('project_id', '=', projectId)
    .executeTakeFirst()
  return Number(r.numDeletedRows) > 0
}

export async function findEncryption(db: Db, typeId: string): Promise<EncryptionRow | undefined> {
  return db
    .selectFrom('volume_type_encryption')
    .selectAll()
    .where('type_id', '=', typeId)
    .executeTakeFirst()
}

export async function insertEncryption(
  db: Db,
  row: Insertable<VolumeTypeEncryptionTable>,
): Promise<void> {
  await db.insertInto('volume_type_encryption').values(row).execute()
}

export async function updateEncryption(
  db: Db,
  typeId: string,
  patch: Updateable<VolumeTypeEncryptionTable>,
): Promise<void> {
  await db
    .updateTable('volume_type_encryption')
    .set({ ...patch, updated_at: new Date().toISOString() })
    .where('type_id', '=', typeId)
    .execute()
}

export async function deleteEncryption(db: Db, typeId: string): Promise<void> {
  await db.deleteFrom('volume_type_encryption').where('type_id', '=', typeId).execute()
}
