import type { Db } from '../../database.js'
import { AssignmentType, type UserTable } from '../../schema.js'

export type UserRow = UserTable

export function getUser(db: Db, id: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst()
}

export function getUserByName(
  db: Db,
  domainId: string,
  name: string,
): Promise<UserRow | undefined> {
  return db
    .selectFrom('users')
    .selectAll()
    .where('domain_id', '=', domainId)
    .where('name', '=', name)
    .executeTakeFirst()
}

export async function listUserGroupIds(db: Db, userId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('group_memberships')
    .select('group_id')
    .where('user_id', '=', userId)
    .execute()
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
  await db
    .updateTable('users')
    .set({ failed_auth_count: 0, failed_auth_at: null, last_active_at: at })
    .where('id', '=', id)
    .execute()
}

/** Exact-match filters of GET /v3/users (and GET /v3/groups/{id}/users). */
export interface UserListFilter {
  readonly groupId?: string
  readonly domainId?: string
  readonly name?: string
  readonly enabled?: boolean
  readonly passwordExpires?: {
    readonly op: '<' | '<=' | '>' | '>=' | '=' | '<>'
    readonly at: string
  }
}

export function listUsers(db: Db, f: UserListFilter): Promise<UserRow[]> {
  let q = db.selectFrom('users').selectAll('users')
  if (f.groupId !== undefined) {
    q = q
      .innerJoin('group_memberships', 'group_memberships.user_id', 'users.id')
      .where('group_memberships.group_id', '=', f.groupId)
  }
  if (f.domainId !== undefined) q = q.where('users.domain_id', '=', f.domainId)
  if (f.name !== undefined) q = q.where('users.name', '=', f.name)
  if (f.enabled !== undefined) q = q.where('users.enabled', '=', f.enabled ? 1 : 0)
  if (f.passwordExpires)
    q = q.where('users.password_expires_at', f.passwordExpires.op, f.passwordExpires.at)
  return q.orderBy('users.name').orderBy('users.id').execute()
}

export async function insertUser(db: Db, row: UserRow): Promise<void> {
  await db.insertInto('users').values(row).execute()
}

export async function updateUser(
  db: Db,
  id: string,
  patch: Partial<Omit<UserRow, 'id'>>,
): Promise<void> {
  await db.updateTable('users').set(patch).where('id', '=', id).execute()
}

/** Previous password hashes of a user, newest first. */
export async function listPasswordHistory(
  db: Db,
  userId: string,
  limit: number,
): Promise<string[]> {
  if (limit <= 0) return []
  const rows = await db
    .selectFrom('password_history')
    .select('password_hash')
    .where('user_id', '=', userId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute()
  return rows.map((r) => r.password_hash)
}

/** Files the replaced hash in the history and keeps only the newest `keep` entries. */
export async function pushPasswordHistory(
  db: Db,
  userId: string,
  hash: string,
  at: string,
  keep: number,
): Promise<void> {
  await db
    .insertInto('password_history')
    .values({ user_id: userId, password_hash: hash, created_at: at })
    .execute()
  const kept = await db
    .selectFrom('password_history')
    .select('id')
    .where('user_id', '=', userId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(Math.max(keep, 1))
    .execute()
  await db
    .deleteFrom('password_history')
    .where('user_id', '=', userId)
    .where(
      'id',
      'not in',
      kept.map((r) => r.id),
    )
    .execute()
}

/**
 * Deletes a user and everything that belongs to them: memberships, role
 * assignments, EC2/other credentials, application credentials and access
 * rules, password history; trusts they are part of are marked deleted.
 * Returns the ids of those trusts (their tokens must be revoked too).
 */
export async function deleteUserCascade(db: Db, id: string, at: string): Promise<string[]> {
  return db.transaction().execute(async (trx) => {
    const trusts = await trx
      .selectFrom('trusts')
      .select('id')
      .where((eb) => eb.or([eb('trustor_user_id', '=', id), eb('trustee_user_id', '=', id)]))
      .where('deleted_at', 'is', null)
      .execute()
    if (trusts.length > 0) {
      await trx
        .updateTable('trusts')
        .set({ deleted_at: at })
        .where(
          'id',
          'in',
          trusts.map((t) => t.id),
        )
        .execute()
    }
    const appCreds = trx
      .selectFrom('application_credentials')
      .select('id')
      .where('user_id', '=', id)
    await trx
      .deleteFrom('app_cred_access_rules')
      .where('application_credential_id', 'in', appCreds)
      .execute()
    await trx.deleteFrom('application_credentials').where('user_id', '=', id).execute()
    await trx.deleteFrom('access_rules').where('user_id', '=', id).execute()
    await trx.deleteFrom('credentials').where('user_id', '=', id).execute()
    await trx.deleteFrom('group_memberships').where('user_id', '=', id).execute()
    await trx
      .deleteFrom('assignments')
      .where('actor_id', '=', id)
      .where('type', 'in', [
        AssignmentType.UserProject,
        AssignmentType.UserDomain,
        AssignmentType.UserSystem,
      ])
      .execute()
    await trx.deleteFrom('password_history').where('user_id', '=', id).execute()
    await trx.deleteFrom('users').where('id', '=', id).execute()
    return trusts.map((t) => t.id)
  })
}
