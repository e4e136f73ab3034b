/** Regions: a tree of places endpoints live in (Keystone catalog_api region calls). */
import {
  BadRequestError,
  ConflictError,
  ForbiddenError,
  NotFoundError,
} from '../../common/errors.js'
import { newHexId } from '../../common/ids.js'
import { isUniqueViolation } from '../../db/database.js'
import * as repo from '../../db/repositories/identity/catalog.js'
import type { RegionRow } from '../../db/repositories/identity/catalog.js'
import { mergeExtra, normalizeKeys, requireMatchingId, type Ref } from './extras.js'
import type { IdentityContext } from './identity-context.js'

const COLUMNS = ['id', 'description', 'parent_region_id'] as const

const notFound = (id: unknown): NotFoundError =>
  new NotFoundError(`Could not find region: ${String(id)}.`)

export async function getRegion(ctx: IdentityContext, id: string): Promise<RegionRow> {
  const r = await repo.getRegion(ctx.db, id)
  if (!r) throw notFound(id)
  return r
}

export function listRegions(
  ctx: IdentityContext,
  filter: { parentRegionId?: string },
): Promise<RegionRow[]> {
  return repo.listRegions(ctx.db, filter)
}

/**
 * POST /regions (id generated unless the body has one) and PUT /regions/{id}.
 * A duplicate id is 409, a missing parent 404, as in Keystone.
 */
export async function createRegion(
  ctx: IdentityContext,
  body: Ref,
  urlId?: string,
): Promise<RegionRow> {
  const ref = normalizeKeys(body)
  if (urlId !== undefined) {
    if (!('id' in ref)) ref['id'] = urlId
    else if (ref['id'] !== urlId) {
      throw new BadRequestError(
        `Conflicting region IDs specified: "${urlId}" != "${String(ref['id'])}"`,
      )
    }
  } else if (!ref['id']) ref['id'] = newHexId()
  const id = String(ref['id'])
  const duplicate = (): ConflictError =>
    new ConflictError(`Conflict occurred attempting to store region - Duplicate ID, ${id}.`)
  if (await repo.getRegion(ctx.db, id)) throw duplicate()
  const parent = (ref['parent_region_id'] as string | null | undefined) ?? null
  if (parent !== null && !(await repo.getRegion(ctx.db, parent))) throw notFound(parent)
  const row: RegionRow = {
    id,
    description: (ref['description'] as string | null | undefined) ?? '',
    parent_region_id: parent,
    extra: mergeExtra('{}', ref, COLUMNS),
  }
  try {
    await repo.insertRegion(ctx.db, row)
  } catch (err) {
    if (isUniqueViolation(err)) throw duplicate()
    throw err
  }
  ctx.changed()
  return row
}

/** PATCH /regions/{id}: a new parent must exist and must not make a cycle. */
export async function updateRegion(
  ctx: IdentityContext,
  id: string,
  body: Ref,
): Promise<RegionRow> {
  const ref = normalizeKeys(body)
  requireMatchingId(ref, id)
  const parent = ref['parent_region_id'] as string | null | undefined
  if (typeof parent === 'string' && !(await repo.getRegion(ctx.db, parent))) throw notFound(parent)
  const current = await getRegion(ctx, id)
  if (typeof parent === 'string') await ensureNoCycle(ctx, id, parent)
  const next: RegionRow = {
    id,
    description:
      'description' in ref ? ((ref['description'] as string | null) ?? '') : current.description,
    parent_region_id: parent !== undefined ? parent : current.parent_region_id,
    extra: mergeExtra(current.extra, ref, COLUMNS),
  }
  await repo.updateRegion(ctx.db, id, {
    description: next.description,
    parent_region_id: next.parent_region_id,
    extra: next.extra,
  })
  ctx.changed()
  return next
}

async function ensureNoCycle(ctx: IdentityContext, id: string, parentId: string): Promise<void> {
  const seen = new Set<string>()
  let p: string | null = parentId
  while (p !== null && !seen.has(p)) {
    if (p === id) {
      throw new BadRequestError(
        `The specified parent region ${p} would create a circular region hierarchy.`,
      )
    }
    seen.add(p)
    p = (await repo.getRegion(ctx.db, p))?.parent_region_id ?? null
  }
}

/**
 * DELETE /regions/{id}: removes the region and its whole subtree, unless
 * any of them still has endpoints (Keystone's RegionDeletionError, 403).
 */
export async function deleteRegion(ctx: IdentityContext, id: string): Promise<void> {
  await getRegion(ctx, id)
  const all = await repo.listRegions(ctx.db)
  const subtree = [id]
  for (let i = 0; i < subtree.length; i++) {
    for (const r of all)
      if (r.parent_region_id === subtree[i] && !subtree.includes(r.id)) subtree.push(r.id)
  }
  if ((await repo.countEndpointsInRegions(ctx.db, subtree)) > 0) {
    throw new ForbiddenError(
      `Unable to delete region ${id} because it or its child regions have associated endpoints.`,
    )
  }
  await repo.deleteRegions(ctx.db, subtree)
  ctx.changed()
}
