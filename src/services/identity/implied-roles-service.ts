import { ConflictError, ForbiddenError, NotFoundError } from '../../common/errors.js'
import type { Db } from '../../db/database.js'
import { getRoles } from '../../db/repositories/identity/assignments.js'
import {
  deleteImpliedRole,
  getImpliedRole,
  insertImpliedRole,
  listAllImpliedRoles,
  listImpliedRoles,
} from '../../db/repositories/identity/roles.js'
import type { IdentityContext } from './identity-context.js'
import { getRoleOr404, type RoleRow } from './roles-service.js'

/** Keystone's [assignment] prohibited_implied_role default: nothing may imply admin. */
const PROHIBITED_IMPLIED = new Set(['admin'])

/** A prior role and the roles it implies directly. */
export interface RoleInference {
  readonly prior: RoleRow
  readonly implies: readonly RoleRow[]
}

/** Both roles of a rule, looked up in Keystone's order (prior first), 404 for either. */
async function pair(
  db: Db,
  priorId: string,
  impliedId: string,
): Promise<{ prior: RoleRow; implied: RoleRow }> {
  const prior = await getRoleOr404(db, priorId)
  const implied = await getRoleOr404(db, impliedId)
  return { prior, implied }
}

function notImplied(priorId: string, impliedId: string): NotFoundError {
  return new NotFoundError(`${priorId} does not imply ${impliedId}.`)
}

export async function createImpliedRole(
  ctx: IdentityContext,
  priorId: string,
  impliedId: string,
): Promise<RoleInference> {
  const { prior, implied } = await pair(ctx.db, priorId, impliedId)
  if (PROHIBITED_IMPLIED.has(implied.name))
    throw new ForbiddenError(`${impliedId} cannot be an implied roles.`)
  // A domain role may imply a global one (or one of another domain), never the other way round.
  if (prior.domain_id === '' && implied.domain_id !== '')
    throw new ForbiddenError('Global role cannot imply a domain-specific role')
  if (await getImpliedRole(ctx.db, priorId, impliedId)) {
    throw new ConflictError('Conflict occurred attempting to store implied_role - Duplicate entry.')
  }
  await insertImpliedRole(ctx.db, { prior_role_id: priorId, implied_role_id: impliedId })
  ctx.changed()
  return { prior, implies: [implied] }
}

export async function getImpliedRoleOr404(
  db: Db,
  priorId: string,
  impliedId: string,
): Promise<RoleInference> {
  const { prior, implied } = await pair(db, priorId, impliedId)
  if (!(await getImpliedRole(db, priorId, impliedId))) throw notImplied(priorId, impliedId)
  return { prior, implies: [implied] }
}

export async function deleteImpliedRoleRule(
  ctx: IdentityContext,
  priorId: string,
  impliedId: string,
): Promise<void> {
  await pair(ctx.db, priorId, impliedId)
  if (!(await deleteImpliedRole(ctx.db, priorId, impliedId))) throw notImplied(priorId, impliedId)
  ctx.changed()
}

/** GET /v3/roles/{prior}/implies: direct rules only. */
export async function listImpliedRolesOf(db: Db, priorId: string): Promise<RoleInference> {
  const prior = await getRoleOr404(db, priorId)
  const rules = await listImpliedRoles(db, priorId)
  const implies = await rolesById(
    db,
    rules.map((r) => r.implied_role_id),
  )
  return { prior, implies: rules.flatMap((r) => implies.get(r.implied_role_id) ?? []) }
}

/** GET /v3/role_inferences: every rule, grouped by prior role. */
export async function listRoleInferences(db: Db): Promise<RoleInference[]> {
  const rules = await listAllImpliedRoles(db)
  const roles = await rolesById(
    db,
    rules.flatMap((r) => [r.prior_role_id, r.implied_role_id]),
  )
  const grouped = new Map<string, RoleRow[]>()
  for (const r of rules) {
    const implied = roles.get(r.implied_role_id)
    if (!roles.has(r.prior_role_id) || !implied) continue
    const list = grouped.get(r.prior_role_id) ?? []
    list.push(implied)
    grouped.set(r.prior_role_id, list)
  }
  return [...grouped].map(([priorId, implies]) => ({
    prior: roles.get(priorId) as RoleRow,
    implies,
  }))
}

async function rolesById(db: Db, ids: readonly string[]): Promise<Map<string, RoleRow>> {
  const unique = new Set(ids)
  return new Map((await getRoles(db, unique)).map((r) => [r.id, r]))
}
