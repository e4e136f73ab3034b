import type { Db } from '../../database.js'
import { nowIso } from './rows.js'

/** Sets and removes properties (and touches updated_at) in one transaction. */
export async function changeProperties(
  db: Db,
  id: string,
  set: Readonly<Record<string, string>>,
  remove: readonly string[],
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    if (remove.length)
      await trx
        .deleteFrom('image_properties')
        .where('image_id', '=', id)
        .where('name', 'in', [...remove])
        .execute()
    for (const [name, value] of Object.entries(set)) {
      await trx
        .insertInto('image_properties')
        .values({ image_id: id, name, value })
        .onConflict((oc) => oc.columns(['image_id', 'name']).doUpdateSet({ value }))
        .execute()
    }
    await trx.updateTable('images').set({ updated_at: nowIso() }).where('id', '=', id).execute()
  })
}

/** Adds a property only when absent (the import lock); false when it was already set. */
export async function setPropertyIfAbsent(
  db: Db,
  id: string,
  name: string,
  value: string,
): Promise<boolean> {
  const res = await db
    .insertInto('image_properties')
    .values({ image_id: id, name, value })
    .onConflict((oc) => oc.columns(['image_id', 'name']).doNothing())
    .executeTakeFirst()
  return Number(res.numInsertedOrUpdatedRows ?? 0n) > 0
}

/** Replaces the tag set. */
export async function replaceTags(db: Db, id: string, tags: readonly string[]): Promise<void> {
  const now = nowIso()
  await db.transaction().execute(async (trx) => {
    await trx.deleteFrom('image_tags').where('image_id', '=', id).execute()
    if (tags.length)
      await trx
        .insertInto('image_tags')
        .values(tags.map((value) => ({ image_id: id, value, created_at: now })))
        .execute()
    await trx.updateTable('images').set({ updated_at: now }).where('id', '=', id).execute()
  })
}

/** Adds one tag (idempotent). */
export async function addTag(db: Db, id: string, tag: string): Promise<void> {
  const now = nowIso()
  await db
    .insertInto('image_tags')
    .values({ image_id: id, value: tag, created_at: now })
    .onConflict((oc) => oc.columns(['image_id', 'value']).doNothing())
    .execute()
  await db.updateTable('images').set({ updated_at: now }).where('id', '=', id).execute()
}

/** Removes one tag; false when the image did not have it. */
export async function removeTag(db: Db, id: string, tag: string): Promise<boolean> {
  const res = await db
    .deleteFrom('image_tags')
    .where('image_id', '=', id)
    .where('value', '=', tag)
    .executeTakeFirst()
  if (Number(res.numDeletedRows) === 0) return false
  await db.updateTable('images').set({ updated_at: nowIso() }).where('id', '=', id).execute()
  return true
}
