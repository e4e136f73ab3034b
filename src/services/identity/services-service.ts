/** Catalog services (identity, compute, …): Keystone catalog_api service calls. */
import { NotFoundError } from '../../common/errors.js'
import { newHexId } from '../../common/ids.js'
import * as repo from '../../db/repositories/identity/catalog.js'
import type { ServiceRow } from '../../db/repositories/identity/catalog.js'
import { fromBool, parseJson, toBool } from '../../db/repositories/identity/rows.js'
import { mergeExtra, normalizeKeys, requireMatchingId, type Ref } from './extras.js'
import type { IdentityContext } from './identity-context.js'

// NOTE: name and description are not columns: Keystone keeps them in extra, and so does bootstrap.
const COLUMNS = ['id', 'type', 'enabled'] as const

export async function getService(ctx: IdentityContext, id: string): Promise<ServiceRow> {
  const s = await repo.getService(ctx.db, id)
  if (!s) throw new NotFoundError(`Could not find service: ${id}.`)
  return s
}

/** GET /services?type=&name= (exact matches). */
export async function listServices(
  ctx: IdentityContext,
  filter: { type?: string; name?: string },
): Promise<ServiceRow[]> {
  const rows = await repo.listServices(
    ctx.db,
    filter.type === undefined ? {} : { type: filter.type },
  )
  if (filter.name === undefined) return rows
  return rows.filter((s) => (parseJson<Ref>(s.extra, {})['name'] ?? '') === filter.name)
}

/** POST /services: `enabled` defaults to true and `name` to ''. */
export async function createService(ctx: IdentityContext, body: Ref): Promise<ServiceRow> {
  const ref: Ref = { name: '', ...normalizeKeys(body) }
  const row: ServiceRow = {
    id: newHexId(),
    type: String(ref['type']),
    enabled: toBool((ref['enabled'] as boolean | undefined) ?? true),
    extra: mergeExtra('{}', ref, COLUMNS),
  }
  await repo.insertService(ctx.db, row)
  ctx.changed()
  return row
}

export async function updateService(
  ctx: IdentityContext,
  id: string,
  body: Ref,
): Promise<ServiceRow> {
  const ref = normalizeKeys(body)
  requireMatchingId(ref, id)
  const current = await getService(ctx, id)
  const next: ServiceRow = {
    id,
    type: typeof ref['type'] === 'string' ? ref['type'] : current.type,
    enabled:
      typeof ref['enabled'] === 'boolean'
        ? toBool(ref['enabled'])
        : toBool(fromBool(current.enabled)),
    extra: mergeExtra(current.extra, ref, COLUMNS),
  }
  await repo.updateService(ctx.db, id, {
    type: next.type,
    enabled: next.enabled,
    extra: next.extra,
  })
  ctx.changed()
  return next
}

/** DELETE /services/{id}: its endpoints go with it. */
export async function deleteService(ctx: IdentityContext, id: string): Promise<void> {
  await getService(ctx, id)
  await repo.deleteService(ctx.db, id)
  ctx.changed()
}
