import type { Db } from '../../database.js'
import type { UserTable } from '../../schema.js'

export type UserRow = UserTable

export function getUser(db: Db, id: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst()
}

export function getUserByName(db: Db, domainId: string, name: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('domain_id', '=', domainId).where('name', '=', name).executeTakeFirst()
}

export async function listUserGroupIds(db: Db, userId: string): Promise<string[]> {
  const rows = await db.selectFrom('group_memberships').select('group_id').where('user_id', '=', userId).execute()
  return rows.map((r) => r.group_id)
}

/** Records a failed password attempt (for lockout). */
export async function recordAuthFailure(db: Db, id: string, at: string): Promise<void> {
  await db
    .updateTable('users')
    .set((eb) => ({ failed_auth_count: eb('failed_auth_count', '+', 1), failed_auth_at: at }))
    .where('id', '=', id)
    .execute()
}

export async function recordAuthSuccess(db: Db, id: string, at: string): Promise<void> {
  await db.updateTable('users').set({ failed_auth_count: 0, failed_auth_at: null, last_active_at: at }).where('id', '=', id).execute()
}
