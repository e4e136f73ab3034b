import { ForbiddenError } from '../../common/errors.js'
import type { Db } from '../../db/database.js'
import {
  effectiveRoles,
  expandImpliedRoles,
  getRoles,
  type RoleRow,
} from '../../db/repositories/identity/assignments.js'
import { fromBool } from '../../db/repositories/identity/rows.js'
import {
  getTrustRow,
  listTrustRoleIds,
  type TrustRow,
} from '../../db/repositories/identity/trusts.js'
import { getUser } from '../../db/repositories/identity/users.js'

/** Keystone's [trust] max_redelegation_count default. */
export const MAX_REDELEGATION_COUNT = 3

/** A trust with its role ids. */
export interface Trust extends TrustRow {
  readonly roleIds: readonly string[]
}

/**
 * Keystone's trust_api.get_trust: undefined when the trust is missing,
 * deleted, expired, or has no uses left (unless `ignoreUses`: a token already
 * issued from the last use stays valid). A redelegated trust is checked
 * against its whole chain; a broken chain is a 403 as in Keystone.
 */
export async function getTrust(
  db: Db,
  id: string,
  options: { ignoreUses?: boolean } = {},
): Promise<Trust | undefined> {
  const t = await loadLive(db, id, options.ignoreUses ?? false)
  if (!t || !t.redelegated_trust_id) return t
  let child: Trust = t
  while (child.redelegated_trust_id) {
    const parent = await loadLive(db, child.redelegated_trust_id, false)
    if (!parent) return undefined
    assertRedelegation(parent, child)
    const agent = await getUser(db, parent.trustee_user_id)
    if (!agent || !fromBool(agent.enabled))
      throw new ForbiddenError('One of the trust agents is disabled or deleted')
    child = parent
  }
  return t
}

/** The first trustor of a chain (the user whose roles every trust in it delegates). */
export async function originalTrustorId(db: Db, trust: TrustRow): Promise<string> {
  let t: TrustRow | undefined = trust
  let trustor = trust.trustor_user_id
  while (t?.redelegated_trust_id) {
    t = await getTrustRow(db, t.redelegated_trust_id, { deleted: true })
    if (t) trustor = t.trustor_user_id
  }
  return trustor
}

/**
 * Keystone's redelegation rules between a trust and the trust it was
 * redelegated from: depth left, no use limit, no later expiry, a subset of
 * the roles, and no impersonation unless the parent impersonates.
 */
export function assertRedelegation(
  parent: Trust,
  child: {
    remaining_uses: number | null
    expires_at: string | null
    roleIds: readonly string[]
    impersonation: number | boolean
  },
): void {
  const depth = parent.redelegation_count ?? 0
  if (!(depth > 0 && depth <= MAX_REDELEGATION_COUNT)) {
    throw new ForbiddenError(
      `Remaining redelegation depth of ${depth} out of allowed range of [0..${MAX_REDELEGATION_COUNT}]`,
    )
  }
  if (child.remaining_uses !== null) {
    throw new ForbiddenError(
      `Field "remaining_uses" is set to ${child.remaining_uses} while it must not be set in order to redelegate a trust`,
    )
  }
  if (
    child.expires_at &&
    parent.expires_at &&
    Date.parse(parent.expires_at) < Date.parse(child.expires_at)
  ) {
    throw new ForbiddenError('Requested expiration time is more than redelegated trust can provide')
  }
  const parentRoles = new Set(parent.roleIds)
  if (!child.roleIds.every((r) => parentRoles.has(r)))
    throw new ForbiddenError('Some of requested roles are not in redelegated trust')
  if (!fromBool(parent.impersonation) && fromBool(child.impersonation)) {
    throw new ForbiddenError(
      `Impersonation is not allowed because redelegated trust does not specify impersonation. Redelegated trust id: ${parent.id}`,
    )
  }
}

/**
 * The roles a trust-scoped token carries: the trust's roles plus the roles
 * they imply, all of which the (original) trustor must still hold on the
 * project; undefined when one was lost ("Trustee has no delegated roles.").
 * Domain-specific roles are left out, as Keystone does.
 */
export async function trustTokenRoles(db: Db, trust: Trust): Promise<RoleRow[] | undefined> {
  if (!trust.project_id) return []
  const wanted = await expandImpliedRoles(db, trust.roleIds)
  const trustor = await originalTrustorId(db, trust)
  const held = new Set(
    (await effectiveRoles(db, trustor, { type: 'project', id: trust.project_id })).map((r) => r.id),
  )
  for (const id of wanted) if (!held.has(id)) return undefined
  return (await getRoles(db, wanted)).filter((r) => r.domain_id === '')
}

async function loadLive(db: Db, id: string, ignoreUses: boolean): Promise<Trust | undefined> {
  const row = await getTrustRow(db, id)
  if (!row) return undefined
  if (row.expires_at && Date.parse(row.expires_at) < Date.now()) return undefined
  if (!ignoreUses && row.remaining_uses !== null && row.remaining_uses <= 0) return undefined
  return { ...row, roleIds: await listTrustRoleIds(db, id) }
}
