import type { Db } from '../../database.js'

/** Tags of one instance, sorted (Nova returns them in tag order). */
export async function tagsOf(db: Db, instanceUuid: string): Promise<string[]> {
  const rows = await db
    .selectFrom('instance_tags')
    .select('tag')
    .where('instance_uuid', '=', instanceUuid)
    .orderBy('tag')
    .execute()
  return rows.map((r) => r.tag)
}

/** Tags of many instances, keyed by uuid. */
export async function tagsOfMany(
  db: Db,
  instanceUuids: readonly string[],
): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>()
  for (let i = 0; i < instanceUuids.length; i += 500) {
    const chunk = instanceUuids.slice(i, i + 500)
    if (chunk.length === 0) continue
    const rows = await db
      .selectFrom('instance_tags')
      .select(['instance_uuid', 'tag'])
      .where('instance_uuid', 'in', chunk)
      .orderBy('tag')
      .execute()
    for (const r of rows) {
      const list = out.get(r.instance_uuid) ?? []
      list.push(r.tag)
      out.set(r.instance_uuid, list)
    }
  }
  return out
}

export async function hasTag(db: Db, instanceUuid: string, tag: string): Promise<boolean> {
  const r = await db
    .selectFrom('instance_tags')
    .select('tag')
    .where('instance_uuid', '=', instanceUuid)
    .where('tag', '=', tag)
    .executeTakeFirst()
  return r !== undefined
}

/** Adds a tag; false when the instance already had it. */
export async function addTag(db: Db, instanceUuid: string, tag: string): Promise<boolean> {
  const r = await db
    .insertInto('instance_tags')
    .values({ instance_uuid: instanceUuid, tag })
    .onConflict((oc) => oc.columns(['instance_uuid', 'tag']).doNothing())
    .executeTakeFirst()
  return Number(r.numInsertedOrUpdatedRows ?? 0n) > 0
}

/** Replaces every tag of the instance. */
export async function replaceTags(
  db: Db,
  instanceUuid: string,
  tags: readonly string[],
): Promise<void> {
  await db.transaction().execute(async (tx) => {
    await tx.deleteFrom('instance_tags').where('instance_uuid', '=', instanceUuid).execute()
    const unique = [...new Set(tags)]
    if (unique.length > 0)
      await tx
        .insertInto('instance_tags')
        .values(unique.map((tag) => ({ instance_uuid: instanceUuid, tag })))
        .execute()
  })
}

/** Deletes one tag; false when the instance did not have it. */
export async function deleteTag(db: Db, instanceUuid: string, tag: string): Promise<boolean> {
  const r = await db
    .deleteFrom('instance_tags')
    .where('instance_uuid', '=', instanceUuid)
    .where('tag', '=', tag)
    .executeTakeFirst()
  return Number(r.numDeletedRows) > 0
}

export async function deleteAllTags(db: Db, instanceUuid: string): Promise<void> {
  await db.deleteFrom('instance_tags').where('instance_uuid', '=', instanceUuid).execute()
}
