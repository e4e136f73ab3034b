import type { Db } from '../../database.js'
import type { DomainTable } from '../../schema.js'

export type DomainRow = DomainTable

export function getDomain(db: Db, id: string): Promise<DomainRow | undefined> {
  return db.selectFrom('domains').selectAll().where('id', '=', id).executeTakeFirst()
}

export function getDomainByName(db: Db, name: string): Promise<DomainRow | undefined> {
  return db.selectFrom('domains').selectAll().where('name', '=', name).executeTakeFirst()
}

/** Exact-match filters of GET /v3/domains. */
export interface DomainFilters {
  readonly name?: string | undefined
  readonly enabled?: boolean | undefined
  readonly ids?: readonly string[] | undefined
}

export function listDomains(db: Db, f: DomainFilters = {}): Promise<DomainRow[]> {
  let q = db.selectFrom('domains').selectAll()
  if (f.name !== undefined) q = q.where('name', '=', f.name)
  if (f.enabled !== undefined) q = q.where('enabled', '=', f.enabled ? 1 : 0)
  if (f.ids !== undefined) {
    if (f.ids.length === 0) return Promise.resolve([])
    q = q.where('id', 'in', [...f.ids])
  }
  return q.orderBy('name').execute()
}

export async function insertDomain(db: Db, row: DomainRow): Promise<void> {
  await db.insertInto('domains').values(row).execute()
}

export async function updateDomainRow(
  db: Db,
  id: string,
  patch: Partial<Omit<DomainRow, 'id'>>,
): Promise<void> {
  if (Object.keys(patch).length === 0) return
  await db.updateTable('domains').set(patch).where('id', '=', id).execute()
}
