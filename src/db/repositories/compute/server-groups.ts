import type { Selectable } from 'kysely'
import type { ServerGroupTable } from '../../compute-schema.js'
import type { Db } from '../../database.js'

export type ServerGroupRow = Selectable<ServerGroupTable>

export interface NewServerGroup {
  readonly uuid: string
  readonly name: string
  readonly projectId: string
  readonly userId: string
  readonly policy: string
  readonly rules: Readonly<Record<string, number>>
}

export async function insertServerGroup(db: Db, g: NewServerGroup, now: string): Promise<void> {
  await db
    .insertInto('server_groups')
    .values({
      uuid: g.uuid,
      name: g.name,
      project_id: g.projectId,
      user_id: g.userId,
      policy: g.policy,
      rules: JSON.stringify(g.rules),
      created_at: now,
    })
    .execute()
}

export async function getServerGroup(db: Db, uuid: string): Promise<ServerGroupRow | undefined> {
  return db.selectFrom('server_groups').selectAll().where('uuid', '=', uuid).executeTakeFirst()
}

/** Groups of one project, or of every project; oldest first (Nova orders by id). */
export async function listServerGroups(db: Db, projectId?: string): Promise<ServerGroupRow[]> {
  let q = db.selectFrom('server_groups').selectAll()
  if (projectId !== undefined) q = q.where('project_id', '=', projectId)
  return q.orderBy('id').execute()
}

export async function countServerGroups(db: Db, projectId: string): Promise<number> {
  const r = await db
    .selectFrom('server_groups')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('project_id', '=', projectId)
    .executeTakeFirstOrThrow()
  return Number(r.n)
}

/** Deletes a group and its memberships; false when it was already gone. */
export async function deleteServerGroup(db: Db, uuid: string): Promise<boolean> {
  return db.transaction().execute(async (tx) => {
    await tx.deleteFrom('server_group_members').where('group_uuid', '=', uuid).execute()
    const r = await tx.deleteFrom('server_groups').where('uuid', '=', uuid).executeTakeFirst()
    return Number(r.numDeletedRows) > 0
  })
}

export async function addServerGroupMembers(
  db: Db,
  groupUuid: string,
  instanceUuids: readonly string[],
): Promise<void> {
  if (instanceUuids.length === 0) return
  await db
    .insertInto('server_group_members')
    .values(instanceUuids.map((u) => ({ group_uuid: groupUuid, instance_uuid: u })))
    .onConflict((oc) => oc.columns(['group_uuid', 'instance_uuid']).doNothing())
    .execute()
}

/** Members that are live instances (Nova hides deleted members). */
export async function liveMembersOf(
  db: Db,
  groupUuids: readonly string[],
): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>()
  if (groupUuids.length === 0) return out
  const rows = await db
    .selectFrom('server_group_members as m')
    .innerJoin('instances as i', 'i.uuid', 'm.instance_uuid')
    .select(['m.group_uuid', 'm.instance_uuid'])
    .where('m.group_uuid', 'in', [...groupUuids])
    .where('i.deleted', '=', 0)
    .orderBy('i.created_at')
    .execute()
  for (const r of rows) {
    const list = out.get(r.group_uuid) ?? []
    list.push(r.instance_uuid)
    out.set(r.group_uuid, list)
  }
  return out
}
