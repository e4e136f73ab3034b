import type { AuthContext } from '../../common/auth-context.js'
import { BadRequestError, ForbiddenError, NotFoundError } from '../../common/errors.js'
import { newHexId } from '../../common/ids.js'
import {
  effectiveRoles,
  getRoles,
  type RoleRow,
} from '../../db/repositories/identity/assignments.js'
import { getProject } from '../../db/repositories/identity/projects.js'
import { toBool } from '../../db/repositories/identity/rows.js'
import {
  insertTrust,
  listTrustRows,
  softDeleteTrust,
  type TrustRow,
} from '../../db/repositories/identity/trusts.js'
import { getUser } from '../../db/repositories/identity/users.js'
import { parseExpiresAt } from './expires-at.js'
import type { IdentityContext } from './identity-context.js'
import { findGlobalRoleByName } from './role-lookup.js'
import { assertRedelegation, getTrust, MAX_REDELEGATION_COUNT, type Trust } from './trust-lookup.js'

/** The body of POST /v3/OS-TRUST/trusts after schema validation (unknown keys are kept as extras). */
export interface TrustCreate {
  readonly trustor_user_id: string
  readonly trustee_user_id: string
  readonly impersonation: boolean
  readonly project_id?: string | null
  readonly remaining_uses?: number | null
  readonly expires_at?: string | null
  readonly allow_redelegation?: boolean | null
  readonly redelegation_count?: number | null
  readonly roles?: ReadonlyArray<{ readonly id?: string; readonly name?: string }>
  readonly [extra: string]: unknown
}

/** A trust and its roles, for the views. */
export interface TrustView {
  readonly row: TrustRow
  readonly roles: readonly RoleRow[]
}

const KNOWN = new Set([
  'id',
  'trustor_user_id',
  'trustee_user_id',
  'impersonation',
  'project_id',
  'remaining_uses',
  'expires_at',
  'allow_redelegation',
  'redelegation_count',
  'roles',
  'deleted_at',
  'redelegated_trust_id',
  'links',
  'roles_links',
])
const forbidden = (action: string): ForbiddenError =>
  new ForbiddenError(`You are not authorized to perform the requested action: ${action}.`)

/** OS-TRUST: trusts, their redelegation chains and their deletion. */
export class TrustService {
  readonly #ctx: IdentityContext

  constructor(ctx: IdentityContext) {
    this.#ctx = ctx
  }

  /** Keystone's POST /v3/OS-TRUST/trusts; a trust-scoped caller redelegates its trust. */
  async create(caller: AuthContext, input: TrustCreate): Promise<TrustView> {
    const db = this.#ctx.db
    if (input.project_id && !input.roles?.length)
      throw forbidden('At least one role should be specified')
    if (caller.userId !== input.trustor_user_id)
      throw forbidden('The authenticated user should match the trustor')
    if (!(await getUser(db, input.trustee_user_id)))
      throw new NotFoundError(`Could not find user: ${input.trustee_user_id}.`)
    const roleIds: string[] = []
    for (const r of input.roles ?? [])
      roleIds.push(r.id ?? (await findGlobalRoleByName(db, r.name ?? '')).id)
    let held = new Set<string>()
    if (input.project_id) {
      if (!(await getProject(db, input.project_id)))
        throw new NotFoundError(`Could not find project: ${input.project_id}.`)
      held = new Set(
        (
          await effectiveRoles(db, input.trustor_user_id, { type: 'project', id: input.project_id })
        ).map((r) => r.id),
      )
    }
    const missing = roleIds.find((id) => !held.has(id))
    if (missing !== undefined) throw new NotFoundError(`Could not find role: ${missing}.`)
    let expiresAt = input.expires_at ? parseExpiresAt(input.expires_at) : null
    let parent: Trust | undefined
    if (caller.trustId) {
      parent = await getTrust(db, caller.trustId)
      if (!parent) throw new NotFoundError(`Could not find trust: ${caller.trustId}.`)
    }
    const remainingUses = input.remaining_uses ?? null
    let count = input.redelegation_count ?? null
    const redelegatable = input.allow_redelegation === true && count !== 0
    if (!redelegatable) {
      count = 0
      if (remainingUses !== null && remainingUses <= 0)
        throw new BadRequestError('remaining_uses must be a positive integer or null.')
    } else {
      if (count !== null && count > MAX_REDELEGATION_COUNT) {
        throw new ForbiddenError(
          `Requested redelegation depth of ${count} is greater than allowed ${MAX_REDELEGATION_COUNT}`,
        )
      }
      if (remainingUses !== null)
        throw new BadRequestError('remaining_uses must not be set if redelegation is allowed')
    }
    if (parent) {
      const left = (parent.redelegation_count ?? 0) - 1
      if (redelegatable && count !== null && count !== left) {
        throw new ForbiddenError(
          'Modifying "redelegation_count" upon redelegation is forbidden. Omitting this parameter is advised.',
        )
      }
      count ??= left
      expiresAt ??= parent.expires_at
      // The whole chain must allow it, not just the direct parent.
      for (
        let t: Trust | undefined = parent;
        t;
        t = t.redelegated_trust_id ? await getTrust(db, t.redelegated_trust_id) : undefined
      ) {
        assertRedelegation(t, {
          remaining_uses: remainingUses,
          expires_at: expiresAt,
          roleIds,
          impersonation: input.impersonation,
        })
      }
    }
    const extra = Object.fromEntries(Object.entries(input).filter(([k]) => !KNOWN.has(k)))
    const row: TrustRow = {
      id: newHexId(),
      trustor_user_id: input.trustor_user_id,
      trustee_user_id: input.trustee_user_id,
      project_id: input.project_id ?? null,
      impersonation: toBool(input.impersonation),
      expires_at: expiresAt,
      remaining_uses: remainingUses,
      redelegated_trust_id: parent?.id ?? null,
      redelegation_count: count ?? MAX_REDELEGATION_COUNT,
      deleted_at: null,
      extra: JSON.stringify(extra),
    }
    await insertTrust(db, row, roleIds)
    this.#ctx.changed()
    return { row, roles: await getRoles(db, roleIds) }
  }

  /** A usable trust (Keystone's get_trust), else 404. */
  async get(id: string): Promise<Trust> {
    const t = await getTrust(this.#ctx.db, id)
    if (!t) throw new NotFoundError(`Could not find trust: ${id}.`)
    return t
  }

  async view(t: Trust): Promise<TrustView> {
    return { row: t, roles: await getRoles(this.#ctx.db, t.roleIds) }
  }

  async list(filters: { trustorId?: string; trusteeId?: string }): Promise<TrustView[]> {
    const rows = await listTrustRows(this.#ctx.db, filters)
    return rows.map((row) => ({ row, roles: [] }))
  }

  /** Soft-deletes the trust and every trust redelegated from it, and revokes their tokens. */
  async delete(id: string): Promise<void> {
    const ids = [id]
    for (let i = 0; i < ids.length; i++) {
      for (const child of await listTrustRows(this.#ctx.db, { redelegatedFrom: ids[i] as string }))
        ids.push(child.id)
    }
    const at = new Date().toISOString()
    for (const t of ids.reverse()) {
      await softDeleteTrust(this.#ctx.db, t, at)
      await this.#ctx.revoke({ trustId: t })
    }
  }
}
