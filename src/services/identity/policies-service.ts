/** Policy blobs (Keystone's deprecated /v3/policies): stored and served, never enforced. */
import { BadRequestError, NotFoundError } from '../../common/errors.js'
import { newHexId } from '../../common/ids.js'
import * as repo from '../../db/repositories/identity/policies.js'
import type { PolicyRow } from '../../db/repositories/identity/policies.js'
import { mergeExtra, normalizeKeys, type Ref } from './extras.js'
import type { IdentityContext } from './identity-context.js'

const COLUMNS = ['id', 'type', 'blob'] as const

export async function getPolicy(ctx: IdentityContext, id: string): Promise<PolicyRow> {
  const p = await repo.getPolicy(ctx.db, id)
  if (!p) throw new NotFoundError(`Could not find policy: ${id}.`)
  return p
}

export function listPolicies(
  ctx: IdentityContext,
  filter: { type?: string },
): Promise<PolicyRow[]> {
  return repo.listPolicies(ctx.db, filter)
}

export async function createPolicy(ctx: IdentityContext, body: Ref): Promise<PolicyRow> {
  const ref = normalizeKeys(body)
  const row: PolicyRow = {
    id: newHexId(),
    type: String(ref['type']),
    blob: String(ref['blob']),
    extra: mergeExtra('{}', ref, COLUMNS),
  }
  await repo.insertPolicy(ctx.db, row)
  ctx.changed()
  return row
}

export async function updatePolicy(
  ctx: IdentityContext,
  id: string,
  body: Ref,
): Promise<PolicyRow> {
  // NOTE: Keystone refuses any `id` here that differs, null included, and does not normalize keys.
  if ('id' in body && body['id'] !== id) throw new BadRequestError('Cannot change policy ID')
  const current = await getPolicy(ctx, id)
  const next: PolicyRow = {
    id,
    type: typeof body['type'] === 'string' ? body['type'] : current.type,
    blob: typeof body['blob'] === 'string' ? body['blob'] : current.blob,
    extra: mergeExtra(current.extra, body, COLUMNS),
  }
  await repo.updatePolicy(ctx.db, id, { type: next.type, blob: next.blob, extra: next.extra })
  ctx.changed()
  return next
}

export async function deletePolicy(ctx: IdentityContext, id: string): Promise<void> {
  await getPolicy(ctx, id)
  await repo.deletePolicy(ctx.db, id)
  ctx.changed()
}
