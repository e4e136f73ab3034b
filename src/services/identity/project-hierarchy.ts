import {
  getProject as getProjectRow,
  listAncestors,
  listProjectIdsForUser,
  listSubtree,
} from '../../db/repositories/identity/projects.js'
import type { IdentityContext } from './identity-context.js'
import { withTags } from './projects-list.js'
import type { ProjectRecord } from './resource-model.js'

/**
 * The hierarchy views of GET /v3/projects/{id}: `parents` and `subtree`, as
 * nested id maps or as lists filtered to the projects the caller has a role on.
 */

/** `parents` of GET /v3/projects/{id}?parents_as_list: the ancestors the caller has a role on. */
export async function parentsAsList(
  ctx: IdentityContext,
  p: ProjectRecord,
  userId: string,
): Promise<ProjectRecord[]> {
  const row = await getProjectRow(ctx.db, p.id)
  if (!row) return []
  const mine = await listProjectIdsForUser(ctx.db, userId)
  return withTags(
    ctx,
    (await listAncestors(ctx.db, row)).filter((a) => mine.has(a.id)),
  )
}

/** `parents` of ?parents_as_ids: `{parent: {grandparent: … {domain: null}}}`, or null for a domain. */
export async function parentsAsIds(
  ctx: IdentityContext,
  p: ProjectRecord,
): Promise<Record<string, unknown> | null> {
  const row = await getProjectRow(ctx.db, p.id)
  if (!row) return null
  const chain = [...(await listAncestors(ctx.db, row)).map((a) => a.id), row.domain_id]
  let out: Record<string, unknown> | null = null
  for (const id of chain.reverse()) out = { [id]: out }
  return out
}

/** `subtree` of ?subtree_as_list: the descendants the caller has a role on. */
export async function subtreeAsList(
  ctx: IdentityContext,
  p: ProjectRecord,
  userId: string,
): Promise<ProjectRecord[]> {
  const mine = await listProjectIdsForUser(ctx.db, userId)
  return withTags(
    ctx,
    (await listSubtree(ctx.db, p.id)).filter((c) => mine.has(c.id)),
  )
}

/** `subtree` of ?subtree_as_ids: `{child: {grandchild: null}}`, or null for a leaf. */
export async function subtreeAsIds(
  ctx: IdentityContext,
  p: ProjectRecord,
): Promise<Record<string, unknown> | null> {
  const byParent = new Map<string, string[]>()
  for (const c of await listSubtree(ctx.db, p.id)) {
    const parent = c.parent_id ?? c.domain_id
    byParent.set(parent, [...(byParent.get(parent) ?? []), c.id])
  }
  const build = (id: string): Record<string, unknown> | null => {
    const kids = byParent.get(id)
    if (!kids) return null
    return Object.fromEntries(kids.map((k) => [k, build(k)]))
  }
  return build(p.id)
}
