import type { Db } from '../../database.js'
import { isUniqueViolation } from '../../database.js'
import { nowIso } from './rows.js'

/** A metadata definition namespace (Glance metadefs). */
export interface NamespaceRecord {
  readonly namespace: string
  readonly displayName: string | null
  readonly description: string | null
  readonly visibility: string
  readonly protected: boolean
  readonly owner: string | null
  readonly createdAt: string
  readonly updatedAt: string
}
type NsRow = {
  namespace: string
  display_name: string | null
  description: string | null
  visibility: string
  protected: 0 | 1
  owner: string | null
  created_at: string
  updated_at: string
}

const toNs = (r: NsRow): NamespaceRecord => ({
  namespace: r.namespace,
  displayName: r.display_name,
  description: r.description,
  visibility: r.visibility,
  protected: r.protected === 1,
  owner: r.owner,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
})

export type NamespaceFields = Omit<NamespaceRecord, 'createdAt' | 'updatedAt'>

/** Inserts a namespace; false when the name is taken. */
export async function insertNamespace(db: Db, ns: NamespaceFields): Promise<boolean> {
  const now = nowIso()
  try {
    await db
      .insertInto('metadef_namespaces')
      .values({
        namespace: ns.namespace,
        display_name: ns.displayName,
        description: ns.description,
        visibility: ns.visibility,
        protected: ns.protected ? 1 : 0,
        owner: ns.owner,
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

export async function getNamespace(db: Db, name: string): Promise<NamespaceRecord | undefined> {
  const r = await db
    .selectFrom('metadef_namespaces')
    .selectAll()
    .where('namespace', '=', name)
    .executeTakeFirst()
  return r ? toNs(r) : undefined
}

export async function listNamespaces(db: Db): Promise<NamespaceRecord[]> {
  return (
    await db
      .selectFrom('metadef_namespaces')
      .selectAll()
      .orderBy('created_at')
      .orderBy('namespace')
      .execute()
  ).map(toNs)
}

/** Updates (and possibly renames) a namespace, moving its items along; false on a name clash. */
export async function updateNamespace(db: Db, name: string, ns: NamespaceFields): Promise<boolean> {
  try {
    await db.transaction().execute(async (trx) => {
      await trx
        .updateTable('metadef_namespaces')
        .set({
          namespace: ns.namespace,
          display_name: ns.displayName,
          description: ns.description,
          visibility: ns.visibility,
          protected: ns.protected ? 1 : 0,
          owner: ns.owner,
          updated_at: nowIso(),
        })
        .where('namespace', '=', name)
        .execute()
      if (ns.namespace !== name) {
        for (const t of [
          'metadef_properties',
          'metadef_objects',
          'metadef_tags',
          'metadef_namespace_resource_types',
        ] as const) {
          await trx
            .updateTable(t)
            .set({ namespace: ns.namespace })
            .where('namespace', '=', name)
            .execute()
        }
      }
    })
    return true
  } catch (err) {
    if (isUniqueViolation(err)) return false
    throw err
  }
}

export async function deleteNamespace(db: Db, name: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    for (const t of [
      'metadef_properties',
      'metadef_objects',
      'metadef_tags',
      'metadef_namespace_resource_types',
    ] as const) {
      await trx.deleteFrom(t).where('namespace', '=', name).execute()
    }
    await trx.deleteFrom('metadef_namespaces').where('namespace', '=', name).execute()
  })
}

export * from './metadef-items.js'
