import { NotFoundError } from '../../common/errors.js'
import {
  idsWithAllTags,
  idsWithAnyTag,
  listTags,
} from '../../db/repositories/identity/project-tags.js'
import {
  listProjectIdsForUser,
  listProjects as listProjectRows,
  type ProjectRow,
} from '../../db/repositories/identity/projects.js'
import { getUser } from '../../db/repositories/identity/users.js'
import { listDomains } from './domains-service.js'
import type { IdentityContext } from './identity-context.js'
import { domainAsProject, projectRecord, type ProjectRecord } from './resource-model.js'

/** Query parameters of GET /v3/projects and GET /v3/users/{id}/projects, as sent. */
export interface ProjectQuery {
  readonly name?: string
  readonly enabled?: string
  readonly domain_id?: string
  readonly parent_id?: string
  readonly is_domain?: string
  readonly tags?: string
  readonly 'tags-any'?: string
  readonly 'not-tags'?: string
  readonly 'not-tags-any'?: string
}

/** oslo's bool_from_string(default=True): only the usual false words are false. */
export function queryBool(v: string): boolean {
  return !['0', 'f', 'false', 'n', 'no', 'off'].includes(v.trim().toLowerCase())
}

const split = (v: string): string[] => v.split(',').filter((t) => t !== '')

/** Applies tags / tags-any / not-tags / not-tags-any to a candidate list. */
async function filterByTags<T extends { id: string }>(
  ctx: IdentityContext,
  list: T[],
  q: ProjectQuery,
): Promise<T[]> {
  let out = list
  if (q.tags !== undefined) {
    const keep = await idsWithAllTags(ctx.db, split(q.tags))
    out = out.filter((p) => keep.has(p.id))
  }
  if (q['tags-any'] !== undefined) {
    const keep = await idsWithAnyTag(ctx.db, split(q['tags-any']))
    out = out.filter((p) => keep.has(p.id))
  }
  if (q['not-tags'] !== undefined) {
    const drop = await idsWithAllTags(ctx.db, split(q['not-tags']))
    out = out.filter((p) => !drop.has(p.id))
  }
  if (q['not-tags-any'] !== undefined) {
    const drop = await idsWithAnyTag(ctx.db, split(q['not-tags-any']))
    out = out.filter((p) => !drop.has(p.id))
  }
  return out
}

/** Project records (with their tags) for repository rows. */
export async function withTags(
  ctx: IdentityContext,
  rows: readonly ProjectRow[],
): Promise<ProjectRecord[]> {
  const tags = await listTags(
    ctx.db,
    rows.map((r) => r.id),
  )
  return rows.map((r) => projectRecord(r, tags.get(r.id) ?? []))
}

/**
 * GET /v3/projects. Keystone lists regular projects unless `is_domain` is
 * given; a domain-scoped caller only ever sees its own domain's projects.
 */
export async function listProjects(
  ctx: IdentityContext,
  scopeDomainId: string | undefined,
  q: ProjectQuery,
  onlyIds?: ReadonlySet<string>,
): Promise<ProjectRecord[]> {
  const enabled = q.enabled === undefined ? undefined : queryBool(q.enabled)
  if (q.is_domain !== undefined && queryBool(q.is_domain)) {
    // Domains have no domain or parent: any such filter matches none of them.
    if (q.domain_id !== undefined || q.parent_id !== undefined || scopeDomainId !== undefined)
      return []
    const domains = (await listDomains(ctx, { name: q.name, enabled })).map(domainAsProject)
    return filterByTags(ctx, domains, q)
  }
  const domainId = scopeDomainId ?? q.domain_id
  if (scopeDomainId !== undefined && q.domain_id !== undefined && q.domain_id !== scopeDomainId)
    return []
  const rows = await listProjectRows(ctx.db, {
    name: q.name,
    enabled,
    domainId,
    parentId: q.parent_id,
    ids: onlyIds === undefined ? undefined : [...onlyIds],
  })
  return withTags(ctx, await filterByTags(ctx, rows, q))
}

/** GET /v3/users/{id}/projects: the projects where the user has any role (any way). */
export async function listUserProjects(
  ctx: IdentityContext,
  userId: string,
  q: ProjectQuery,
): Promise<ProjectRecord[]> {
  if (!(await getUser(ctx.db, userId))) throw new NotFoundError(`Could not find user: ${userId}.`)
  const ids = await listProjectIdsForUser(ctx.db, userId)
  // Keystone's filters here are name, enabled and domain_id only.
  const filters: { -readonly [K in keyof ProjectQuery]: ProjectQuery[K] } = {}
  if (q.name !== undefined) filters.name = q.name
  if (q.enabled !== undefined) filters.enabled = q.enabled
  if (q.domain_id !== undefined) filters.domain_id = q.domain_id
  return listProjects(ctx, undefined, filters, ids)
}
