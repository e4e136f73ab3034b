import { BadRequestError, ForbiddenError } from '../../common/errors.js'
import { getDomain as getDomainRow } from '../../db/repositories/identity/domains.js'
import { listTags, setTags } from '../../db/repositories/identity/project-tags.js'
import {
  deleteProjectCascade,
  getProject as getProjectRow,
  getProjectByName,
  hasChildren,
  listAncestors,
  listSubtree,
  updateProjectRow,
  type ProjectRow,
} from '../../db/repositories/identity/projects.js'
import { nowIso, toBool } from '../../db/repositories/identity/rows.js'
import {
  assertOnlyClearsImmutable,
  deleteDomain,
  getDomain,
  updateDomain,
  type DomainBody,
} from './domains-service.js'
import type { IdentityContext } from './identity-context.js'
import {
  immutableDelete,
  isUniqueViolation,
  projectNameConflict,
  projectNotFound,
} from './resource-errors.js'
import {
  domainAsProject,
  isImmutable,
  mergeExtra,
  projectRecord,
  type ProjectRecord,
} from './resource-model.js'

/** The `project` member of a create or update body, after schema validation. */
export interface ProjectBody {
  readonly id?: unknown
  readonly name?: string
  readonly description?: string | null
  readonly domain_id?: string | null
  readonly parent_id?: string | null
  readonly enabled?: boolean
  readonly is_domain?: boolean
  readonly tags?: readonly string[]
  readonly options?: Readonly<Record<string, unknown>>
  readonly [extra: string]: unknown
}

/** A project body turned into a domain body: the hierarchy attributes mean nothing to a domain. */
export function withoutProjectKeys(body: ProjectBody): DomainBody {
  const rest: Record<string, unknown> = { ...body }
  for (const k of ['id', 'domain_id', 'parent_id', 'is_domain']) delete rest[k]
  return rest
}

/** A project, or a domain seen as a project acting as a domain; 404 otherwise. */
export async function getProject(ctx: IdentityContext, id: string): Promise<ProjectRecord> {
  const row = await getProjectRow(ctx.db, id)
  if (row) return projectRecord(row, (await listTags(ctx.db, [id])).get(id) ?? [])
  if (await getDomainRow(ctx.db, id)) return domainAsProject(await getDomain(ctx, id))
  throw projectNotFound(id)
}

/** PATCH /v3/projects/{id}: Keystone's `_update_project` rules, in its order. */
export async function updateProject(
  ctx: IdentityContext,
  id: string,
  body: ProjectBody,
): Promise<ProjectRecord> {
  if (body.id !== undefined && body.id !== null && body.id !== id)
    throw new BadRequestError('Cannot change ID')
  const old = await getProject(ctx, id)
  if ('domain_id' in body && body.domain_id !== old.domainId)
    throw new BadRequestError('Cannot change Domain ID')
  if (isImmutable(old.extra))
    assertOnlyClearsImmutable(old.isDomain ? 'domain' : 'project', id, body)
  if ('parent_id' in body && body.parent_id !== old.parentId)
    throw new ForbiddenError('Update of `parent_id` is not allowed.')
  if (body.is_domain !== undefined && body.is_domain !== old.isDomain) {
    throw new BadRequestError('Update of `is_domain` is not allowed.')
  }
  if (old.isDomain) {
    return domainAsProject(await updateDomain(ctx, id, withoutProjectKeys(body)))
  }
  if (!old.enabled && body.enabled === true) {
    const row = (await getProjectRow(ctx.db, id)) as ProjectRow
    const parents = [
      ...(await listAncestors(ctx.db, row)),
      await getDomainRow(ctx.db, row.domain_id),
    ]
    if (parents.some((p) => p !== undefined && p.enabled !== 1)) {
      throw new ForbiddenError(`Cannot enable project ${id} since it has disabled parents`)
    }
  }
  const disabling = old.enabled && body.enabled === false
  if (disabling && (await listSubtree(ctx.db, id)).some((p) => p.enabled === 1)) {
    throw new ForbiddenError(
      `Cannot disable project ${id} since its subtree contains enabled projects.`,
    )
  }
  const patch: Parameters<typeof updateProjectRow>[2] = {
    extra: JSON.stringify(mergeExtra(old.extra, body)),
  }
  if (body.name !== undefined && body.name !== old.name) {
    patch.name = body.name.trim()
    const clash = await getProjectByName(ctx.db, old.domainId ?? '', patch.name)
    if (clash && clash.id !== id) throw projectNameConflict(patch.name, id)
  }
  if (body.description !== undefined) patch.description = body.description ?? ''
  if (body.enabled !== undefined) patch.enabled = toBool(body.enabled)
  try {
    await ctx.db.transaction().execute(async (trx) => {
      await updateProjectRow(trx, id, patch)
      if (body.tags !== undefined)
        await setTags(
          trx,
          id,
          body.tags.map((t) => t.trim()),
        )
    })
  } catch (err) {
    if (isUniqueViolation(err)) throw projectNameConflict(patch.name ?? old.name, id)
    throw err
  }
  if (disabling) await ctx.revoke({ projectId: id })
  else ctx.changed()
  return getProject(ctx, id)
}

/** DELETE /v3/projects/{id}: leaves only (Keystone's API has no cascade); a domain goes the domain way. */
export async function deleteProject(ctx: IdentityContext, id: string): Promise<void> {
  const p = await getProject(ctx, id)
  if (p.isDomain) return deleteDomain(ctx, id)
  if (isImmutable(p.extra)) throw immutableDelete('project', id)
  if (await hasChildren(ctx.db, id)) {
    throw new ForbiddenError(
      `Cannot delete the project ${id} since it is not a leaf in the hierarchy. Use the cascade option if you want to delete a whole subtree.`,
    )
  }
  const at = nowIso()
  await ctx.db.transaction().execute((trx) => deleteProjectCascade(trx, id, at))
  await ctx.revoke({ projectId: id })
}
