import type { Insertable, Updateable } from 'kysely'
import type { Db } from '../../database.js'
import type { CredentialTable } from '../../schema.js'

export type CredentialRow = CredentialTable

export function getCredential(db: Db, id: string): Promise<CredentialRow | undefined> {
  return db.selectFrom('credentials').selectAll().where('id', '=', id).executeTakeFirst()
}

export function listCredentials(
  db: Db,
  f: { userId?: string; type?: string },
): Promise<CredentialRow[]> {
  let q = db.selectFrom('credentials').selectAll()
  if (f.userId !== undefined) q = q.where('user_id', '=', f.userId)
  if (f.type !== undefined) q = q.where('type', '=', f.type)
  return q.orderBy('id').execute()
}

export async function insertCredential(db: Db, row: Insertable<CredentialTable>): Promise<void> {
  await db.insertInto('credentials').values(row).execute()
}

export async function updateCredential(
  db: Db,
  id: string,
  patch: Updateable<CredentialTable>,
): Promise<void> {
  await db.updateTable('credentials').set(patch).where('id', '=', id).execute()
}

export async function deleteCredential(db: Db, id: string): Promise<void> {
  await db.deleteFrom('credentials').where('id', '=', id).execute()
}
