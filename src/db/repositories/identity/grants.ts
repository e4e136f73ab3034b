import type { Db } from '../../database.js'
import { AssignmentType, type AssignmentTable } from '../../schema.js'

export type AssignmentRow = AssignmentTable

const PROJECT_TYPES: AssignmentType[] = [AssignmentType.UserProject, AssignmentType.GroupProject]
const DOMAIN_TYPES: AssignmentType[] = [AssignmentType.UserDomain, AssignmentType.GroupDomain]
const USER_TYPES: AssignmentType[] = [AssignmentType.UserProject, AssignmentType.UserDomain]
const GROUP_TYPES: AssignmentType[] = [AssignmentType.GroupProject, AssignmentType.GroupDomain]
const NON_SYSTEM_TYPES: AssignmentType[] = [...PROJECT_TYPES, ...DOMAIN_TYPES]

/** One grant row without its role: who, on what, inherited or not. */
export interface GrantKey {
  readonly type: AssignmentType
  readonly actorId: string
  readonly targetId: string
  readonly inherited: boolean
}

/** Idempotent, as Keystone's grant APIs are silent when the grant exists. */
export async function insertGrant(db: Db, key: GrantKey, roleId: string): Promise<void> {
  await db
    .insertInto('assignments')
    .values({
      type: key.type,
      actor_id: key.actorId,
      target_id: key.targetId,
      role_id: roleId,
      inherited: key.inherited ? 1 : 0,
    })
    .onConflict((oc) => oc.doNothing())
    .execute()
}

export async function grantExists(db: Db, key: GrantKey, roleId: string): Promise<boolean> {
  const row = await grantQuery(db, key)
    .select('role_id')
    .where('role_id', '=', roleId)
    .executeTakeFirst()
  return row !== undefined
}

/** Returns false when there was no such grant. */
export async function deleteGrant(db: Db, key: GrantKey, roleId: string): Promise<boolean> {
  const r = await db
    .deleteFrom('assignments')
    .where('type', '=', key.type)
    .where('actor_id', '=', key.actorId)
    .where('target_id', '=', key.targetId)
    .where('inherited', '=', key.inherited ? 1 : 0)
    .where('role_id', '=', roleId)
    .executeTakeFirst()
  return Number(r.numDeletedRows) > 0
}

export async function listGrantRoleIds(db: Db, key: GrantKey): Promise<string[]> {
  const rows = await grantQuery(db, key).select('role_id').execute()
  return rows.map((r) => r.role_id)
}

function grantQuery(db: Db, key: GrantKey) {
  return db
    .selectFrom('assignments')
    .where('type', '=', key.type)
    .where('actor_id', '=', key.actorId)
    .where('target_id', '=', key.targetId)
    .where('inherited', '=', key.inherited ? 1 : 0)
}

/**
 * Keystone's assignment driver `list_role_assignments` over project and
 * domain grants (never system ones). Empty lists count as "no filter", as in
 * Keystone; groupIds wins over userId as the actor filter.
 */
export interface AssignmentQuery {
  readonly roleId?: string | undefined
  readonly userId?: string | undefined
  readonly groupIds?: readonly string[] | undefined
  readonly domainId?: string | undefined
  readonly projectIds?: readonly string[] | undefined
  readonly inherited?: boolean | undefined
}

export function queryAssignments(db: Db, q: AssignmentQuery): Promise<AssignmentRow[]> {
  const groups = q.groupIds && q.groupIds.length > 0 ? q.groupIds : undefined
  const projects = q.projectIds && q.projectIds.length > 0 ? q.projectIds : undefined
  const actorTypes = q.userId ? USER_TYPES : groups ? GROUP_TYPES : undefined
  const targetTypes = projects ? PROJECT_TYPES : q.domainId ? DOMAIN_TYPES : undefined
  let types = NON_SYSTEM_TYPES
  if (actorTypes && targetTypes) types = actorTypes.filter((t) => targetTypes.includes(t))
  else if (actorTypes ?? targetTypes) types = (actorTypes ?? targetTypes) as AssignmentType[]
  let query = db.selectFrom('assignments').selectAll().where('type', 'in', types)
  if (q.roleId) query = query.where('role_id', '=', q.roleId)
  const actors = groups ?? (q.userId ? [q.userId] : undefined)
  if (actors) query = query.where('actor_id', 'in', [...actors])
  const targets = projects ?? (q.domainId ? [q.domainId] : undefined)
  if (targets) query = query.where('target_id', 'in', [...targets])
  if (q.inherited !== undefined) query = query.where('inherited', '=', q.inherited ? 1 : 0)
  return query.execute()
}

/** System grants, optionally of one actor type and actor. */
export function querySystemAssignments(
  db: Db,
  q: { readonly type?: AssignmentType; readonly actorId?: string },
): Promise<AssignmentRow[]> {
  let query = db
    .selectFrom('assignments')
    .selectAll()
    .where('type', 'in', [AssignmentType.UserSystem, AssignmentType.GroupSystem])
  if (q.type) query = query.where('type', '=', q.type)
  if (q.actorId) query = query.where('actor_id', '=', q.actorId)
  return query.execute()
}

export async function listGroupMemberIds(db: Db, groupId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('group_memberships')
    .select('user_id')
    .where('group_id', '=', groupId)
    .execute()
  return rows.map((r) => r.user_id)
}

/** Ids of every project below `projectId` (the project itself excluded), breadth first. */
export async function listSubtreeProjectIds(db: Db, projectId: string): Promise<string[]> {
  const out: string[] = []
  const seen = new Set([projectId])
  let frontier = [projectId]
  while (frontier.length > 0) {
    const rows = await db
      .selectFrom('projects')
      .select('id')
      .where('parent_id', 'in', frontier)
      .execute()
    frontier = []
    for (const r of rows) {
      if (seen.has(r.id)) continue
      seen.add(r.id)
      out.push(r.id)
      frontier.push(r.id)
    }
  }
  return out
}

/** Ids of every (non-domain) project owned by a domain, at any depth. */
export async function listDomainProjectIds(db: Db, domainId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('projects')
    .select('id')
    .where('domain_id', '=', domainId)
    .where('is_domain', '=', 0)
    .execute()
  return rows.map((r) => r.id)
}
