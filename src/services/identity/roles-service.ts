import {
  BadRequestError,
  ConflictError,
  ForbiddenError,
  NotFoundError,
} from '../../common/errors.js'
import { newHexId } from '../../common/ids.js'
import type { Db } from '../../db/database.js'
import { getDomain } from '../../db/repositories/identity/domains.js'
import {
  deleteRoleCascade,
  findRoleByName,
  getRole,
  insertRole,
  listRoles,
  updateRoleRow,
} from '../../db/repositories/identity/roles.js'
import { parseJson } from '../../db/repositories/identity/rows.js'
import { isUniqueViolation } from '../../db/repositories/identity/unique-violation.js'
import type { RoleTable } from '../../db/schema.js'
import type { IdentityContext } from './identity-context.js'

export type RoleRow = RoleTable

/** A role body as the API takes it: known fields plus any extra attributes (Keystone keeps those). */
export interface RoleBody {
  readonly [key: string]: unknown
  readonly id?: unknown
  readonly name?: string
  readonly description?: string
  readonly domain_id?: string | null
  readonly options?: { readonly immutable?: boolean | null }
}

/** Fields with columns of their own; everything else in a body goes to `extra`. */
const COLUMNS = new Set(['id', 'name', 'description', 'domain_id', 'options', 'links'])

export async function getRoleOr404(db: Db, id: string): Promise<RoleRow> {
  const role = await getRole(db, id)
  if (!role) throw new NotFoundError(`Could not find role: ${id}.`)
  return role
}

/** GET /v3/roles: global roles unless a domain is named (Keystone filters domain_id=None by default). */
export function findRoles(
  db: Db,
  filters: { name?: string | undefined; domainId?: string | undefined },
): Promise<RoleRow[]> {
  return listRoles(db, { name: filters.name, domainId: filters.domainId ?? '' })
}

export async function createRole(ctx: IdentityContext, body: RoleBody): Promise<RoleRow> {
  const domainId = typeof body.domain_id === 'string' ? body.domain_id : ''
  // NOTE: Keystone stores any domain_id; we refuse a dangling one instead of creating an orphan role.
  if (domainId !== '' && !(await getDomain(ctx.db, domainId)))
    throw new NotFoundError(`Could not find domain: ${domainId}.`)
  const name = String(body.name)
  const dup = duplicate(name, typeof body.domain_id === 'string' ? domainId : undefined)
  if (await findRoleByName(ctx.db, name, domainId)) throw dup
  const row: RoleRow = {
    id: newHexId(),
    name,
    domain_id: domainId,
    description: body.description ?? '',
    options: JSON.stringify(mergeOptions({}, body.options)),
    extra: JSON.stringify(extraOf(body)),
  }
  await insertRole(ctx.db, row).catch((err: unknown) => {
    throw isUniqueViolation(err) ? dup : err
  })
  ctx.changed()
  return row
}

export async function updateRole(
  ctx: IdentityContext,
  id: string,
  body: RoleBody,
): Promise<RoleRow> {
  const role = await getRoleOr404(ctx.db, id)
  const options = parseJson<Record<string, unknown>>(role.options, {})
  if (options.immutable === true) {
    const wanted = body.options?.immutable
    if (
      Object.keys(body).length > 1 ||
      body.options === undefined ||
      !('immutable' in body.options) ||
      (wanted !== false && wanted !== null)
    ) {
      throw new ForbiddenError(
        `Unable to update immutable role resource: \`${id}. Set resource option "immutable" to false first.`,
      )
    }
  }
  if ('domain_id' in body && (body.domain_id ?? '') !== role.domain_id)
    throw new BadRequestError('Update of `domain_id` is not allowed.')
  if (body.id !== undefined && body.id !== null && body.id !== id)
    throw new BadRequestError('Cannot change ID')
  const patch: Partial<Omit<RoleRow, 'id'>> = {}
  if (body.name !== undefined && body.name !== role.name) {
    if (await findRoleByName(ctx.db, body.name, role.domain_id))
      throw duplicate(body.name, undefined)
    patch.name = body.name
  }
  if (body.description !== undefined) patch.description = body.description
  if (body.options !== undefined)
    patch.options = JSON.stringify(mergeOptions(options, body.options))
  const extra = extraOf(body)
  if (Object.keys(extra).length > 0)
    patch.extra = JSON.stringify({ ...parseJson(role.extra, {}), ...extra })
  await updateRoleRow(ctx.db, id, patch).catch((err: unknown) => {
    throw isUniqueViolation(err) ? duplicate(patch.name ?? role.name, undefined) : err
  })
  ctx.changed()
  return { ...role, ...patch }
}

/**
 * Deletes a role with its grants and inference rules. Tokens are not
 * revoked: as in Keystone, every validation recomputes the roles, so the
 * role simply disappears from them (and a token left with no role on its
 * scope stops validating); changed() drops the cached validations.
 */
export async function deleteRole(ctx: IdentityContext, id: string): Promise<void> {
  const role = await getRoleOr404(ctx.db, id)
  if (parseJson<Record<string, unknown>>(role.options, {}).immutable === true) {
    throw new ForbiddenError(
      `Unable to delete immutable role resource: \`${id}. Set resource option "immutable" to false first.`,
    )
  }
  await deleteRoleCascade(ctx.db, id)
  ctx.changed()
}

function duplicate(name: string, domainId: string | undefined): ConflictError {
  const details = domainId
    ? `Duplicate entry found with name ${name} at domain ID ${domainId}`
    : `Duplicate entry found with name ${name}`
  return new ConflictError(`Conflict occurred attempting to store role - ${details}.`)
}

/** Resource options: a null value removes the option (Keystone semantics). */
function mergeOptions(
  current: Record<string, unknown>,
  update: RoleBody['options'],
): Record<string, unknown> {
  const out = { ...current }
  for (const [k, v] of Object.entries(update ?? {})) {
    if (v === null) delete out[k]
    else out[k] = v
  }
  return out
}

/** Extra attributes, with Keystone's key normalisation (`:` and `-` become `_`). */
function extraOf(body: RoleBody): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(body)) {
    const key = k.replaceAll(':', '_').replaceAll('-', '_')
    if (!COLUMNS.has(key)) out[key] = v
  }
  return out
}
