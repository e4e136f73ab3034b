import type { Db } from '../../database.js'
import { nowIso } from './rows.js'

/** Records where an image's data lives (one row per store copy or external URL). */
export async function addLocation(
  db: Db,
  imageId: string,
  url: string,
  metadata: Readonly<Record<string, unknown>>,
): Promise<number> {
  const row = await db
    .insertInto('image_locations')
    .values({
      image_id: imageId,
      url,
      metadata: JSON.stringify(metadata),
      status: 'active',
      created_at: nowIso(),
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  return row.id
}

/** Replaces the metadata of existing locations (same URLs, same order). */
export async function setLocationMetadata(
  db: Db,
  id: number,
  metadata: Readonly<Record<string, unknown>>,
): Promise<void> {
  await db
    .updateTable('image_locations')
    .set({ metadata: JSON.stringify(metadata) })
    .where('id', '=', id)
    .execute()
}

/** Rewrites the whole location list of an image (PATCH replace /locations, position inserts). */
export async function replaceLocations(
  db: Db,
  imageId: string,
  locations: readonly { url: string; metadata: Readonly<Record<string, unknown>> }[],
): Promise<void> {
  const now = nowIso()
  await db.transaction().execute(async (trx) => {
    await trx.deleteFrom('image_locations').where('image_id', '=', imageId).execute()
    for (const l of locations) {
      await trx
        .insertInto('image_locations')
        .values({
          image_id: imageId,
          url: l.url,
          metadata: JSON.stringify(l.metadata),
          status: 'active',
          created_at: now,
        })
        .execute()
    }
  })
}

export async function removeLocation(db: Db, id: number): Promise<void> {
  await db.deleteFrom('image_locations').where('id', '=', id).execute()
}
