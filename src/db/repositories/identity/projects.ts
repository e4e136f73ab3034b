import type { Db } from '../../database.js'
import type { ProjectTable } from '../../schema.js'

export type ProjectRow = ProjectTable

export function getProject(db: Db, id: string): Promise<ProjectRow | undefined> {
  return db.selectFrom('projects').selectAll().where('id', '=', id).executeTakeFirst()
}

export function getProjectByName(
  db: Db,
  domainId: string,
  name: string,
): Promise<ProjectRow | undefined> {
  return db
    .selectFrom('projects')
    .selectAll()
    .where('domain_id', '=', domainId)
    .where('name', '=', name)
    .executeTakeFirst()
}

/** Parent chain of a project, nearest first (the project itself excluded). */
export async function listAncestors(db: Db, project: ProjectRow): Promise<ProjectRow[]> {
  const out: ProjectRow[] = []
  const seen = new Set([project.id])
  let parentId = project.parent_id
  while (parentId && !seen.has(parentId)) {
    seen.add(parentId)
    const p = await getProject(db, parentId)
    if (!p) break
    out.push(p)
    parentId = p.parent_id
  }
  return out
}

/** Exact-match filters of GET /v3/projects (tags are applied by the caller through `ids`). */
export interface ProjectFilters {
  readonly name?: string | undefined
  readonly enabled?: boolean | undefined
  readonly domainId?: string | undefined
  readonly parentId?: string | undefined
  readonly ids?: readonly string[] | undefined
}

export function listProjects(db: Db, f: ProjectFilters = {}): Promise<ProjectRow[]> {
  let q = db.selectFrom('projects').selectAll()
  if (f.name !== undefined) q = q.where('name', '=', f.name)
  if (f.enabled !== undefined) q = q.where('enabled', '=', f.enabled ? 1 : 0)
  if (f.domainId !== undefined) q = q.where('domain_id', '=', f.domainId)
  if (f.parentId !== undefined) q = q.where('parent_id', '=', f.parentId)
  if (f.ids !== undefined) {
    if (f.ids.length === 0) return Promise.resolve([])
    q = q.where('id', 'in', [...f.ids])
  }
  return q.orderBy('name').orderBy('id').execute()
}

export async function insertProject(db: Db, row: ProjectRow): Promise<void> {
  await db.insertInto('projects').values(row).execute()
}

export async function updateProjectRow(
  db: Db,
  id: string,
  patch: Partial<Omit<ProjectRow, 'id'>>,
): Promise<void> {
  if (Object.keys(patch).length === 0) return
  await db.updateTable('projects').set(patch).where('id', '=', id).execute()
}

/** Every project below the given one (or below a domain), breadth first. */
export async function listSubtree(db: Db, rootId: string): Promise<ProjectRow[]> {
  const out: ProjectRow[] = []
  const seen = new Set([rootId])
  let frontier = [rootId]
  while (frontier.length > 0) {
    const children = await db
      .selectFrom('projects')
      .selectAll()
      .where('parent_id', 'in', frontier)
      .execute()
    frontier = []
    for (const c of children) {
      if (seen.has(c.id)) continue
      seen.add(c.id)
      out.push(c)
      frontier.push(c.id)
    }
  }
  return out
}

export async function hasChildren(db: Db, id: string): Promise<boolean> {
  const row = await db
    .selectFrom('projects')
    .select('id')
    .where('parent_id', '=', id)
    .executeTakeFirst()
  return row !== undefined
}

/**
 * Removes a project row and what hangs off it (Keystone's
 * `_post_delete_cleanup_project`): its grants, tags, endpoint-group links and
 * credentials; trusts on it are soft-deleted like Keystone does.
 */
export async function deleteProjectCascade(db: Db, id: string, at: string): Promise<void> {
  await db.deleteFrom('assignments').where('target_id', '=', id).execute()
  await db.deleteFrom('project_tags').where('project_id', '=', id).execute()
  await db.deleteFrom('project_endpoint_groups').where('project_id', '=', id).execute()
  await db.deleteFrom('credentials').where('project_id', '=', id).execute()
  await db
    .updateTable('trusts')
    .set({ deleted_at: at })
    .where('project_id', '=', id)
    .where('deleted_at', 'is', null)
    .execute()
  await db.deleteFrom('projects').where('id', '=', id).execute()
}

/**
 * Ids of the projects where the user has at least one role, directly, via a
 * group, or inherited from the owning domain or an ancestor project.
 */
export async function listProjectIdsForUser(db: Db, userId: string): Promise<Set<string>> {
  const groups = await db
    .selectFrom('group_memberships')
    .select('group_id')
    .where('user_id', '=', userId)
    .execute()
  const actors = [userId, ...groups.map((g) => g.group_id)]
  const rows = await db
    .selectFrom('assignments')
    .select(['type', 'target_id', 'inherited'])
    .where('actor_id', 'in', actors)
    .where('type', 'in', ['UserProject', 'GroupProject', 'UserDomain', 'GroupDomain'])
    .execute()
  const out = new Set<string>()
  for (const r of rows) {
    const onProject = r.type === 'UserProject' || r.type === 'GroupProject'
    if (onProject && r.inherited === 0) out.add(r.target_id)
    // An inherited grant reaches every project below its target (a domain's projects, or a subtree).
    if (r.inherited === 1) for (const p of await listSubtree(db, r.target_id)) out.add(p.id)
  }
  return out
}
