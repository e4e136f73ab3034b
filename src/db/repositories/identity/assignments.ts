import type { Db } from '../../database.js'
import { AssignmentType, type RoleTable } from '../../schema.js'
import { listAncestors, getProject } from './projects.js'
import { listUserGroupIds } from './users.js'

export type RoleRow = RoleTable

export type Scope =
  | { readonly type: 'project'; readonly id: string }
  | { readonly type: 'domain'; readonly id: string }
  | { readonly type: 'system' }

/** Role ids granted directly (user or group, incl. inherited grants) on the scope, before implication. */
export async function directRoleIds(db: Db, userId: string, scope: Scope): Promise<Set<string>> {
  const actors = [userId, ...(await listUserGroupIds(db, userId))]
  const out = new Set<string>()
  if (scope.type === 'system') {
    const rows = await db
      .selectFrom('assignments')
      .select('role_id')
      .where('type', 'in', [AssignmentType.UserSystem, AssignmentType.GroupSystem])
      .where('actor_id', 'in', actors)
      .execute()
    for (const r of rows) out.add(r.role_id)
    return out
  }
  if (scope.type === 'domain') {
    const rows = await db
      .selectFrom('assignments')
      .select('role_id')
      .where('type', 'in', [AssignmentType.UserDomain, AssignmentType.GroupDomain])
      .where('actor_id', 'in', actors)
      .where('target_id', '=', scope.id)
      .where('inherited', '=', 0)
      .execute()
    for (const r of rows) out.add(r.role_id)
    return out
  }
  const project = await getProject(db, scope.id)
  if (!project) return out
  const ancestors = await listAncestors(db, project)
  const direct = await db
    .selectFrom('assignments')
    .select('role_id')
    .where('type', 'in', [AssignmentType.UserProject, AssignmentType.GroupProject])
    .where('actor_id', 'in', actors)
    .where('target_id', '=', project.id)
    .where('inherited', '=', 0)
    .execute()
  for (const r of direct) out.add(r.role_id)
  // OS-INHERIT: grants marked inherited on the owning domain or on any ancestor project apply here.
  const inheritedTargets = [project.domain_id, ...ancestors.map((a) => a.id)]
  const inherited = await db
    .selectFrom('assignments')
    .select('role_id')
    .where('actor_id', 'in', actors)
    .where('target_id', 'in', inheritedTargets)
    .where('inherited', '=', 1)
    .execute()
  for (const r of inherited) out.add(r.role_id)
  return out
}

/** Adds every role implied (transitively) by the given ones. */
export async function expandImpliedRoles(db: Db, roleIds: Iterable<string>): Promise<Set<string>> {
  const out = new Set(roleIds)
  let frontier = [...out]
  while (frontier.length > 0) {
    const rows = await db
      .selectFrom('implied_roles')
      .select('implied_role_id')
      .where('prior_role_id', 'in', frontier)
      .execute()
    frontier = []
    for (const r of rows) {
      if (!out.has(r.implied_role_id)) {
        out.add(r.implied_role_id)
        frontier.push(r.implied_role_id)
      }
    }
  }
  return out
}

export async function getRoles(db: Db, ids: Iterable<string>): Promise<RoleRow[]> {
  const list = [...ids]
  if (list.length === 0) return []
  return db.selectFrom('roles').selectAll().where('id', 'in', list).orderBy('name').execute()
}

/**
 * Effective roles of a user on a scope: direct + group + inherited, then
 * implied. Domain-specific roles only serve to imply global ones, so they are
 * left out (as Keystone leaves them out of tokens) unless asked for.
 */
export async function effectiveRoles(
  db: Db,
  userId: string,
  scope: Scope,
  options: { includeDomainRoles?: boolean } = {},
): Promise<RoleRow[]> {
  const direct = await directRoleIds(db, userId, scope)
  if (direct.size === 0) return []
  const roles = await getRoles(db, await expandImpliedRoles(db, direct))
  return options.includeDomainRoles ? roles : roles.filter((r) => r.domain_id === '')
}
