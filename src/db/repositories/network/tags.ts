import type { Db } from '../../database.js'

/** Tags of many resources of one type at once, keyed by resource id (lists render tags per item). */
export async function tagsByResource(
  db: Db,
  resourceType: string,
  ids: readonly string[],
): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>()
  if (ids.length === 0) return out
  // Chunks keep the IN list under SQLite's and PostgreSQL's parameter limits on big lists.
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await db
      .selectFrom('network_tags')
      .select(['resource_id', 'tag'])
      .where('resource_type', '=', resourceType)
      .where('resource_id', 'in', ids.slice(i, i + 500))
      .orderBy('tag')
      .execute()
    for (const r of rows) {
      const list = out.get(r.resource_id)
      if (list) list.push(r.tag)
      else out.set(r.resource_id, [r.tag])
    }
  }
  return out
}

/** Every tag of one resource type (for lists too large for an IN list). */
export async function allTagsOfType(db: Db, resourceType: string): Promise<Map<string, string[]>> {
  const rows = await db
    .selectFrom('network_tags')
    .select(['resource_id', 'tag'])
    .where('resource_type', '=', resourceType)
    .orderBy('tag')
    .execute()
  const out = new Map<string, string[]>()
  for (const r of rows) {
    const list = out.get(r.resource_id)
    if (list) list.push(r.tag)
    else out.set(r.resource_id, [r.tag])
  }
  return out
}

export async function addTag(
  db: Db,
  resourceType: string,
  resourceId: string,
  tag: string,
): Promise<void> {
  await db
    .insertInto('network_tags')
    .values({ resource_type: resourceType, resource_id: resourceId, tag })
    .onConflict((oc) => oc.columns(['resource_type', 'resource_id', 'tag']).doNothing())
    .execute()
}

/** Removes one tag; returns false when the resource did not have it. */
export async function removeTag(
  db: Db,
  resourceType: string,
  resourceId: string,
  tag: string,
): Promise<boolean> {
  const r = await db
    .deleteFrom('network_tags')
    .where('resource_type', '=', resourceType)
    .where('resource_id', '=', resourceId)
    .where('tag', '=', tag)
    .executeTakeFirst()
  return Number(r.numDeletedRows) > 0
}

export async function removeAllTags(
  db: Db,
  resourceType: string,
  resourceId: string,
): Promise<void> {
  await db
    .deleteFrom('network_tags')
    .where('resource_type', '=', resourceType)
    .where('resource_id', '=', resourceId)
    .execute()
}

/** Tables of the taggable resources, by network_tags.resource_type. */
const TABLES = {
  network: 'networks',
  subnet: 'subnets',
  port: 'ports',
  router: 'routers',
  security_group: 'security_groups',
  floatingip: 'floatingips',
  subnetpool: 'subnetpools',
} as const

/** The owner of a taggable resource, or undefined when it does not exist. */
export async function taggableOwner(
  db: Db,
  resourceType: keyof typeof TABLES,
  id: string,
): Promise<{ project_id: string; network_id?: string; shared?: number } | undefined> {
  const table = TABLES[resourceType]
  if (table === 'subnets') {
    return db
      .selectFrom('subnets')
      .select(['project_id', 'network_id'])
      .where('id', '=', id)
      .executeTakeFirst()
  }
  if (table === 'subnetpools') {
    return db
      .selectFrom('subnetpools')
      .select(['project_id', 'shared'])
      .where('id', '=', id)
      .executeTakeFirst()
  }
  return db.selectFrom(table).select('project_id').where('id', '=', id).executeTakeFirst()
}

/** Replaces a resource's tags with `tags` (call inside a transaction). */
export async function replaceTags(
  db: Db,
  resourceType: string,
  resourceId: string,
  tags: readonly string[],
): Promise<void> {
  await removeAllTags(db, resourceType, resourceId)
  if (tags.length > 0) {
    await db
      .insertInto('network_tags')
      .values(tags.map((tag) => ({ resource_type: resourceType, resource_id: resourceId, tag })))
      .execute()
  }
}
