import type { Db } from '../../database.js'
import type { ProjectTable } from '../../schema.js'

export type ProjectRow = ProjectTable

export function getProject(db: Db, id: string): Promise<ProjectRow | undefined> {
  return db.selectFrom('projects').selectAll().where('id', '=', id).executeTakeFirst()
}

export function getProjectByName(db: Db, domainId: string, name: string): Promise<ProjectRow | undefined> {
  return db.selectFrom('projects').selectAll().where('domain_id', '=', domainId).where('name', '=', name).executeTakeFirst()
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
