import type { Insertable, Updateable } from 'kysely'
import type { Db } from '../../database.js'
import { AssignmentType, type GroupTable } from '../../schema.js'

export type GroupRow = GroupTable

export function getGroup(db: Db, id: string): Promise<GroupRow | undefined> {
  return db.selectFrom('groups').selectAll().where('id', '=', id).executeTakeFirst()
}

export function getGroupByName(
  db: Db,
  domainId: string,
  name: string,
): Promise<GroupRow | undefined> {
  return db
    .selectFrom('groups')
    .selectAll()
    .where('domain_id', '=', domainId)
    .where('name', '=', name)
    .executeTakeFirst()
}

export function listGroups(
  db: Db,
  f: { domainId?: string; name?: string; userId?: string },
): Promise<GroupRow[]> {
  let q = db.selectFrom('groups').selectAll('groups')
  if (f.userId !== undefined) {
    q = q
      .innerJoin('group_memberships', 'group_memberships.group_id', 'groups.id')
      .where('group_memberships.user_id', '=', f.userId)
  }
  if (f.domainId !== undefined) q = q.where('groups.domain_id', '=', f.domainId)
  if (f.name !== undefined) q = q.where('groups.name', '=', f.name)
  return q.orderBy('groups.name').orderBy('groups.id').execute()
}

export async function insertGroup(db: Db, row: Insertable<GroupTable>): Promise<void> {
  await db.insertInto('groups').values(row).execute()
}

export async function updateGroup(
  db: Db,
  id: string,
  patch: Updateable<GroupTable>,
): Promise<void> {
  await db.updateTable('groups').set(patch).where('id', '=', id).execute()
}

/**
 * Deletes a group with its memberships and role assignments. Returns the
 * members and whether the group held any role (then their tokens lose roles).
 */
export async function deleteGroupCascade(
  db: Db,
  id: string,
): Promise<{ memberIds: string[]; hadRoles: boolean }> {
  return db.transaction().execute(async (trx) => {
    const members = await trx
      .selectFrom('group_memberships')
      .select('user_id')
      .where('group_id', '=', id)
      .execute()
    const groupTypes = [
      AssignmentType.GroupProject,
      AssignmentType.GroupDomain,
      AssignmentType.GroupSystem,
    ]
    const roles = await trx
      .selectFrom('assignments')
      .select('role_id')
      .where('actor_id', '=', id)
      .where('type', 'in', groupTypes)
      .limit(1)
      .execute()
    await trx
      .deleteFrom('assignments')
      .where('actor_id', '=', id)
      .where('type', 'in', groupTypes)
      .execute()
    await trx.deleteFrom('group_memberships').where('group_id', '=', id).execute()
    await trx.deleteFrom('groups').where('id', '=', id).execute()
    return { memberIds: members.map((m) => m.user_id), hadRoles: roles.length > 0 }
  })
}

export async function isUserInGroup(db: Db, userId: string, groupId: string): Promise<boolean> {
  const row = await db
    .selectFrom('group_memberships')
    .select('user_id')
    .where('user_id', '=', userId)
    .where('group_id', '=', groupId)
    .executeTakeFirst()
  return row !== undefined
}

export async function addUserToGroup(db: Db, userId: string, groupId: string): Promise<void> {
  await db
    .insertInto('group_memberships')
    .values({ user_id: userId, group_id: groupId })
    .onConflict((oc) => oc.doNothing())
    .execute()
}

/** Returns false when the user was not a member. */
export async function removeUserFromGroup(
  db: Db,
  userId: string,
  groupId: string,
): Promise<boolean> {
  const res = await db
    .deleteFrom('group_memberships')
    .where('user_id', '=', userId)
    .where('group_id', '=', groupId)
    .executeTakeFirst()
  return Number(res.numDeletedRows) > 0
}
