import type { Db } from '../../database.js'

/**
 * Project tags. Domains keep theirs here too, keyed by the domain id (a
 * domain is a project acting as a domain in Keystone, and ids never clash).
 */
export async function listTags(db: Db, ids: readonly string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>(ids.map((id) => [id, []]))
  if (ids.length === 0) return out
  const rows = await db
    .selectFrom('project_tags')
    .select(['project_id', 'name'])
    .where('project_id', 'in', [...ids])
    .orderBy('name')
    .execute()
  for (const r of rows) out.get(r.project_id)?.push(r.name)
  return out
}

/** Replaces every tag of a project. */
export async function setTags(db: Db, id: string, tags: readonly string[]): Promise<void> {
  await db.deleteFrom('project_tags').where('project_id', '=', id).execute()
  if (tags.length === 0) return
  await db
    .insertInto('project_tags')
    .values(tags.map((name) => ({ project_id: id, name })))
    .execute()
}

export async function addTag(db: Db, id: string, tag: string): Promise<void> {
  await db
    .insertInto('project_tags')
    .values({ project_id: id, name: tag })
    .onConflict((oc) => oc.doNothing())
    .execute()
}

/** False when the project had no such tag. */
export async function deleteTag(db: Db, id: string, tag: string): Promise<boolean> {
  const res = await db
    .deleteFrom('project_tags')
    .where('project_id', '=', id)
    .where('name', '=', tag)
    .executeTakeFirst()
  return Number(res.numDeletedRows) > 0
}

/** Ids of the projects carrying every one of the tags. */
export async function idsWithAllTags(db: Db, tags: readonly string[]): Promise<Set<string>> {
  if (tags.length === 0) return new Set()
  const rows = await db
    .selectFrom('project_tags')
    .select(['project_id', 'name'])
    .where('name', 'in', [...tags])
    .execute()
  const count = new Map<string, number>()
  for (const r of rows) count.set(r.project_id, (count.get(r.project_id) ?? 0) + 1)
  const want = new Set(tags).size
  return new Set([...count].filter(([, n]) => n >= want).map(([id]) => id))
}

/** Ids of the projects carrying at least one of the tags. */
export async function idsWithAnyTag(db: Db, tags: readonly string[]): Promise<Set<string>> {
  if (tags.length === 0) return new Set()
  const rows = await db
    .selectFrom('project_tags')
    .select('project_id')
    .where('name', 'in', [...tags])
    .execute()
  return new Set(rows.map((r) => r.project_id))
}
