/** Queries for Keystone's (deprecated but still served) policy blobs. */
import type { Db } from '../../database.js'
import type { PolicyTable } from '../../schema.js'

export type PolicyRow = PolicyTable

export function getPolicy(db: Db, id: string): Promise<PolicyRow | undefined> {
  return db.selectFrom('policies').selectAll().where('id', '=', id).executeTakeFirst()
}

export function listPolicies(db: Db, filter: { type?: string } = {}): Promise<PolicyRow[]> {
  let q = db.selectFrom('policies').selectAll()
  if (filter.type !== undefined) q = q.where('type', '=', filter.type)
  return q.orderBy('id').execute()
}

export async function insertPolicy(db: Db, row: PolicyRow): Promise<void> {
  await db.insertInto('policies').values(row).execute()
}

export async function updatePolicy(
  db: Db,
  id: string,
  patch: Partial<Omit<PolicyRow, 'id'>>,
): Promise<void> {
  await db.updateTable('policies').set(patch).where('id', '=', id).execute()
}

export async function deletePolicy(db: Db, id: string): Promise<void> {
  await db.deleteFrom('policies').where('id', '=', id).execute()
}
