import type { Db } from '../../database.js'
import { isUniqueViolation } from '../../database.js'
import { nowIso, parseJsonObject } from './rows.js'

/** A property, object or tag: its name and the rest of its JSON body. */
export interface ItemRecord {
  readonly name: string
  readonly body: Readonly<Record<string, unknown>>
  readonly createdAt: string
  readonly updatedAt: string
}

export type ItemTable = 'metadef_properties' | 'metadef_objects' | 'metadef_tags'

export interface AssociationRecord {
  readonly name: string
  readonly prefix: string | null
  readonly propertiesTarget: string | null
  readonly createdAt: string
  readonly updatedAt: string
}

const toItem = (r: {
  name: string
  body: string
  created_at: string
  updated_at: string
}): ItemRecord => ({
  name: r.name,
  body: parseJsonObject(r.body),
  createdAt: r.created_at,
  updatedAt: r.updated_at,
})

export async function listItems(db: Db, table: ItemTable, ns: string): Promise<ItemRecord[]> {
  return (
    await db
      .selectFrom(table)
      .selectAll()
      .where('namespace', '=', ns)
      .orderBy('created_at')
      .orderBy('name')
      .execute()
  ).map(toItem)
}

export async function getItem(
  db: Db,
  table: ItemTable,
  ns: string,
  name: string,
): Promise<ItemRecord | undefined> {
  const r = await db
    .selectFrom(table)
    .selectAll()
    .where('namespace', '=', ns)
    .where('name', '=', name)
    .executeTakeFirst()
  return r ? toItem(r) : undefined
}

/** Inserts an item; false when the name is taken in the namespace. */
export async function insertItem(
  db: Db,
  table: ItemTable,
  ns: string,
  name: string,
  body: Readonly<Record<string, unknown>>,
): Promise<boolean> {
  const now = nowIso()
  try {
    await db
      .insertInto(table)
      .values({ namespace: ns, name, body: JSON.stringify(body), created_at: now, updated_at: now })
      .execute()
    return true
  } catch (err) {
    if (isUniqueViolation(err)) return false
    throw err
  }
}

/** Replaces (and possibly renames) an item; false on a name clash. */
export async function updateItem(
  db: Db,
  table: ItemTable,
  ns: string,
  name: string,
  next: { name: string; body: Readonly<Record<string, unknown>> },
): Promise<boolean> {
  try {
    await db
      .updateTable(table)
      .set({ name: next.name, body: JSON.stringify(next.body), updated_at: nowIso() })
      .where('namespace', '=', ns)
      .where('name', '=', name)
      .execute()
    return true
  } catch (err) {
    if (isUniqueViolation(err)) return false
    throw err
  }
}

export async function deleteItems(
  db: Db,
  table: ItemTable,
  ns: string,
  name?: string,
): Promise<void> {
  let q = db.deleteFrom(table).where('namespace', '=', ns)
  if (name !== undefined) q = q.where('name', '=', name)
  await q.execute()
}

export async function listResourceTypes(
  db: Db,
): Promise<{ name: string; createdAt: string; updatedAt: string }[]> {
  const rows = await db.selectFrom('metadef_resource_types').selectAll().orderBy('name').execute()
  return rows.map((r) => ({ name: r.name, createdAt: r.created_at, updatedAt: r.updated_at }))
}

export async function listAssociations(db: Db, ns: string): Promise<AssociationRecord[]> {
  const rows = await db
    .selectFrom('metadef_namespace_resource_types')
    .selectAll()
    .where('namespace', '=', ns)
    .orderBy('created_at')
    .execute()
  return rows.map((r) => ({
    name: r.resource_type,
    prefix: r.prefix,
    propertiesTarget: r.properties_target,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  }))
}

/** Associates a resource type (registered on first use, as Glance does); false when already associated. */
export async function addAssociation(
  db: Db,
  ns: string,
  a: { name: string; prefix: string | null; propertiesTarget: string | null },
): Promise<boolean> {
  const now = nowIso()
  await db
    .insertInto('metadef_resource_types')
    .values({ name: a.name, protected: 0, created_at: now, updated_at: now })
    .onConflict((oc) => oc.column('name').doNothing())
    .execute()
  try {
    await db
      .insertInto('metadef_namespace_resource_types')
      .values({
        namespace: ns,
        resource_type: a.name,
        prefix: a.prefix,
        properties_target: a.propertiesTarget,
        created_at: now,
        updated_at: now,
      })
      .execute()
    return true
  } catch (err) {
    if (isUniqueViolation(err)) return false
    throw err
  }
}

export async function removeAssociation(db: Db, ns: string, name: string): Promise<boolean> {
  const res = await db
    .deleteFrom('metadef_namespace_resource_types')
    .where('namespace', '=', ns)
    .where('resource_type', '=', name)
    .executeTakeFirst()
  return Number(res.numDeletedRows) > 0
}
