import { randomBytes } from 'node:crypto'
import type { AuthContext } from '../../common/auth-context.js'
import {
  BadRequestError,
  ConflictError,
  ForbiddenError,
  NotFoundError,
} from '../../common/errors.js'
import { newHexId } from '../../common/ids.js'
import {
  accessRuleInUse,
  accessRulesByAppCred,
  deleteAccessRule,
  getAccessRule,
  listAccessRules,
  type AccessRuleRow,
} from '../../db/repositories/identity/access-rules.js'
import {
  deleteAppCred,
  getAppCred,
  getAppCredByName,
  insertAppCred,
  listAppCreds,
  type AccessRuleInput,
  type AppCredRow,
} from '../../db/repositories/identity/app-creds.js'
import { getRoles, type RoleRow } from '../../db/repositories/identity/assignments.js'
import { nowIso, parseJson, toBool } from '../../db/repositories/identity/rows.js'
import { parseExpiresAt } from './expires-at.js'
import type { IdentityContext } from './identity-context.js'
import { findGlobalRoleByName } from './role-lookup.js'

/** The body of POST /v3/users/{user_id}/application_credentials after schema validation. */
export interface AppCredCreate {
  readonly name: string
  readonly description?: string | null
  readonly secret?: string | null
  readonly expires_at?: string | null
  readonly roles?: ReadonlyArray<{ readonly id?: string; readonly name?: string }>
  readonly unrestricted?: boolean
  readonly access_rules?: readonly AccessRuleInput[]
}

/** An application credential with what its views show. */
export interface AppCred {
  readonly row: AppCredRow
  readonly roles: readonly RoleRow[]
  readonly accessRules: readonly AccessRuleRow[]
  /** Only right after creation: Keystone shows the secret once. */
  readonly secret?: string
}

const invalid = (detail: string): BadRequestError =>
  new BadRequestError(`Invalid application credential: ${detail}`)

/** Application credentials and access rules (/v3/users/{user_id}/application_credentials, …/access_rules). */
export class AppCredService {
  readonly #ctx: IdentityContext

  constructor(ctx: IdentityContext) {
    this.#ctx = ctx
  }

  /**
   * Creates a credential for the caller on the caller's project, delegating
   * the given roles (by id or name), which must all be in the caller's token
   * (default: all of them).
   */
  async create(caller: AuthContext, userId: string, input: AppCredCreate): Promise<AppCred> {
    const db = this.#ctx.db
    if (caller.userId !== userId) {
      throw new ForbiddenError(
        'You are not authorized to perform the requested action: Cannot create an application credential for another user.',
      )
    }
    if (!caller.project)
      throw invalid('an application credential can only be created with a project-scoped token')
    let roleIds: string[]
    if (input.roles && input.roles.length > 0) {
      roleIds = []
      for (const r of input.roles)
        roleIds.push(r.id ?? (await findGlobalRoleByName(db, r.name ?? '')).id)
      if (roleIds.some((id) => !caller.roleIds.includes(id)))
        throw invalid('Cannot create an application credential with unassigned role')
    } else {
      roleIds = [...caller.roleIds]
    }
    roleIds = [...new Set(roleIds)]
    const expiresAt = input.expires_at ? parseExpiresAt(input.expires_at) : null
    if (await getAppCredByName(db, userId, input.name)) {
      throw new ConflictError(
        `Conflict occurred attempting to store application_credential - Duplicate entry found with name ${input.name}.`,
      )
    }
    const secret = input.secret ? input.secret : randomBytes(64).toString('base64url')
    const row: AppCredRow = {
      id: newHexId(),
      name: input.name,
      user_id: userId,
      project_id: caller.project.id,
      system: null,
      secret_hash: await this.#ctx.hasher.hash(secret),
      description: input.description ?? '',
      expires_at: expiresAt,
      unrestricted: toBool(input.unrestricted ?? false),
      roles: JSON.stringify(roleIds.map((id) => ({ id }))),
      created_at: nowIso(),
    }
    let rules: AccessRuleRow[]
    try {
      rules = await insertAppCred(db, row, input.access_rules ?? [], newHexId)
    } catch (err) {
      if (await getAppCredByName(db, userId, input.name)) {
        throw new ConflictError(
          `Conflict occurred attempting to store application_credential - Duplicate entry found with name ${input.name}.`,
        )
      }
      if (err instanceof Error && err.message.startsWith('access rule')) throw invalid(err.message)
      throw err
    }
    this.#ctx.changed()
    return { row, roles: await getRoles(db, roleIds), accessRules: rules, secret }
  }

  async list(userId: string, name?: string): Promise<AppCred[]> {
    return this.#expand(await listAppCreds(this.#ctx.db, userId, name))
  }

  /** The credential, or undefined (the route decides 404 after its policy check). */
  async find(id: string): Promise<AppCred | undefined> {
    const row = await getAppCred(this.#ctx.db, id)
    return row ? (await this.#expand([row]))[0] : undefined
  }

  /** Deletes a credential and revokes the tokens made with it. */
  async delete(id: string): Promise<void> {
    if (!(await deleteAppCred(this.#ctx.db, id))) throw notFound(id)
    await this.#ctx.revoke({ appCredId: id })
  }

  listAccessRules(
    userId: string,
    filters: { service?: string; path?: string; method?: string },
  ): Promise<AccessRuleRow[]> {
    return listAccessRules(this.#ctx.db, userId, filters)
  }

  /** A rule of this user; 404 for another user's rule too. */
  async getAccessRule(userId: string, id: string): Promise<AccessRuleRow> {
    const rule = await getAccessRule(this.#ctx.db, id)
    if (!rule || rule.user_id !== userId)
      throw new NotFoundError(`Could not find Access Rule: ${id}.`)
    return rule
  }

  /** Deletes a rule no application credential uses (Keystone: 403 while in use). */
  async deleteAccessRule(userId: string, id: string): Promise<void> {
    await this.getAccessRule(userId, id)
    if (await accessRuleInUse(this.#ctx.db, id))
      throw new ForbiddenError('May not delete access rule in use')
    await deleteAccessRule(this.#ctx.db, id)
    this.#ctx.changed()
  }

  async #expand(rows: AppCredRow[]): Promise<AppCred[]> {
    const rules = await accessRulesByAppCred(
      this.#ctx.db,
      rows.map((r) => r.id),
    )
    const out: AppCred[] = []
    for (const row of rows) {
      const ids = parseJson<Array<{ id: string }>>(row.roles, []).map((r) => r.id)
      out.push({
        row,
        roles: await getRoles(this.#ctx.db, ids),
        accessRules: rules.get(row.id) ?? [],
      })
    }
    return out
  }
}

export function notFound(id: string): NotFoundError {
  return new NotFoundError(`Could not find Application Credential: ${id}.`)
}
