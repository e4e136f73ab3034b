import type { Db } from '../../database.js'
import {
  nowIso,
  parseJsonObject,
  toColumns,
  toRecord,
  type ImageFields,
  type ImageRecord,
  type ImageRow,
  type LocationRecord,
} from './rows.js'

export interface NewImage extends ImageFields {
  readonly id: string
  readonly status: string
  readonly visibility: string
  readonly properties: Readonly<Record<string, string>>
  readonly tags: readonly string[]
}

/** Inserts an image with its properties and tags in one transaction. */
export async function insertImage(db: Db, image: NewImage): Promise<void> {
  const now = nowIso()
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto('images')
      .values({
        protected: 0,
        os_hidden: 0,
        min_disk: 0,
        min_ram: 0,
        ...toColumns(image),
        id: image.id,
        status: image.status,
        visibility: image.visibility,
        created_at: now,
        updated_at: now,
        deleted: 0,
      })
      .execute()
    const props = Object.entries(image.properties)
    if (props.length) {
      await trx
        .insertInto('image_properties')
        .values(props.map(([name, value]) => ({ image_id: image.id, name, value })))
        .execute()
    }
    if (image.tags.length) {
      await trx
        .insertInto('image_tags')
        .values(image.tags.map((value) => ({ image_id: image.id, value, created_at: now })))
        .execute()
    }
  })
}

/** True when any image — deleted ones included — ever had this id (Glance refuses to reuse ids). */
export async function imageIdTaken(db: Db, id: string): Promise<boolean> {
  return (
    (await db.selectFrom('images').select('id').where('id', '=', id).executeTakeFirst()) !==
    undefined
  )
}

/** A live (not deleted) image with its satellites. */
export async function findImage(db: Db, id: string): Promise<ImageRecord | undefined> {
  const row = await db
    .selectFrom('images')
    .selectAll()
    .where('id', '=', id)
    .where('deleted', '=', 0)
    .executeTakeFirst()
  if (!row) return undefined
  return (await withDetails(db, [row]))[0]
}

/** Loads properties, tags and locations for rows, keeping their order. */
export async function withDetails(db: Db, rows: readonly ImageRow[]): Promise<ImageRecord[]> {
  if (rows.length === 0) return []
  const ids = rows.map((r) => r.id)
  const [props, tags, locs] = await Promise.all([
    db.selectFrom('image_properties').selectAll().where('image_id', 'in', ids).execute(),
    db
      .selectFrom('image_tags')
      .selectAll()
      .where('image_id', 'in', ids)
      .orderBy('created_at')
      .orderBy('value')
      .execute(),
    db
      .selectFrom('image_locations')
      .selectAll()
      .where('image_id', 'in', ids)
      .where('status', '!=', 'deleted')
      .orderBy('id')
      .execute(),
  ])
  const p = new Map<string, Record<string, string>>()
  for (const r of props)
    (p.get(r.image_id) ?? p.set(r.image_id, {}).get(r.image_id)!)[r.name] = r.value
  const t = new Map<string, string[]>()
  for (const r of tags) (t.get(r.image_id) ?? t.set(r.image_id, []).get(r.image_id)!).push(r.value)
  const l = new Map<string, LocationRecord[]>()
  for (const r of locs) {
    const list = l.get(r.image_id) ?? l.set(r.image_id, []).get(r.image_id)!
    list.push({ id: r.id, url: r.url, metadata: parseJsonObject(r.metadata), status: r.status })
  }
  return rows.map((r) => toRecord(r, p.get(r.id) ?? {}, t.get(r.id) ?? [], l.get(r.id) ?? []))
}

/**
 * Updates image columns; with `fromStatus` only if the image is still in one
 * of those states (Glance's `from_state` compare-and-swap, so two uploads
 * cannot both start). Returns false when nothing matched.
 */
export async function updateImage(
  db: Db,
  id: string,
  fields: ImageFields,
  options: { fromStatus?: readonly string[] } = {},
): Promise<boolean> {
  let q = db
    .updateTable('images')
    .set({ ...toColumns(fields), updated_at: nowIso() })
    .where('id', '=', id)
    .where('deleted', '=', 0)
  if (options.fromStatus) q = q.where('status', 'in', [...options.fromStatus])
  const res = await q.executeTakeFirst()
  return Number(res.numUpdatedRows) > 0
}
/**
 * Marks an image deleted (the row stays so its id is never reused) and drops
 * its properties, tags, members and locations.
 */
export async function softDeleteImage(db: Db, id: string): Promise<void> {
  const now = nowIso()
  await db.transaction().execute(async (trx) => {
    await trx
      .updateTable('images')
      .set({ status: 'deleted', deleted: 1, deleted_at: now, updated_at: now })
      .where('id', '=', id)
      .execute()
    for (const table of [
      'image_properties',
      'image_tags',
      'image_members',
      'image_locations',
    ] as const) {
      await trx.deleteFrom(table).where('image_id', '=', id).execute()
    }
  })
}

/** Images a project owns and the bytes they hold (size × copies), for quotas. */
export async function usageOf(
  db: Db,
  owner: string,
  exceptImage?: string,
): Promise<{ count: number; bytes: number }> {
  let q = db
    .selectFrom('images')
    .select(['id', 'size'])
    .where('owner', '=', owner)
    .where('deleted', '=', 0)
    .where('status', '!=', 'killed')
  if (exceptImage) q = q.where('id', '!=', exceptImage)
  const rows = await q.execute()
  const sized = rows.filter((r) => r.size !== null && Number(r.size) > 0)
  const copies = new Map<string, number>()
  if (sized.length) {
    const locs = await db
      .selectFrom('image_locations')
      .select(['image_id'])
      .where(
        'image_id',
        'in',
        sized.map((r) => r.id),
      )
      .where('status', '!=', 'deleted')
      .execute()
    for (const l of locs) copies.set(l.image_id, (copies.get(l.image_id) ?? 0) + 1)
  }
  const bytes = sized.reduce(
    (sum, r) => sum + Number(r.size) * Math.max(1, copies.get(r.id) ?? 0),
    0,
  )
  return { count: rows.length, bytes }
}

export * from './image-props.js'
