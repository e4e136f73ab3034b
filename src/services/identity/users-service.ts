import type { AuthContext } from '../../common/auth-context.js'
import { BadRequestError, ConflictError, NotFoundError } from '../../common/errors.js'
import { newHexId } from '../../common/ids.js'
import { getDomain } from '../../db/repositories/identity/domains.js'
import { getProject } from '../../db/repositories/identity/projects.js'
import { fromBool, nowIso, parseJson, toBool } from '../../db/repositories/identity/rows.js'
import { isUniqueViolation } from '../../db/repositories/identity/unique-violation.js'
import {
  deleteUserCascade,
  getUser,
  getUserByName,
  insertUser,
  updateUser,
  type UserRow,
} from '../../db/repositories/identity/users.js'
import type { UserCreateBody, UserUpdateBody } from './api/users-schemas.js'
import {
  checkFederated,
  extraOf,
  mergeOptions,
  normalizeKeys,
  USER_ATTRIBUTES,
} from './entity-attributes.js'
import type { IdentityContext } from './identity-context.js'
import { PasswordPolicy } from './password-policy.js'

/** Users CRUD (the lifecycle of the `users` table); password changes are in password-change.ts. */
export class UsersService {
  readonly #ctx: IdentityContext
  readonly #policy: PasswordPolicy

  constructor(ctx: IdentityContext) {
    this.#ctx = ctx
    this.#policy = new PasswordPolicy(ctx)
  }

  async get(id: string): Promise<UserRow> {
    const user = await getUser(this.#ctx.db, id)
    if (!user) throw new NotFoundError(`Could not find user: ${id}.`)
    return user
  }

  async create(caller: AuthContext, body: UserCreateBody): Promise<UserRow> {
    const input = normalizeKeys(body)
    // A domain-scoped token creates in its domain; anything else in the default domain.
    const domainId =
      input.domain_id || caller.domain?.id || this.#ctx.config.identity.default_domain_id
    if ('password' in input) this.#policy.validate(input.password)
    const name = input.name.trim()
    if (!(await getDomain(this.#ctx.db, domainId)))
      throw new NotFoundError(`Could not find domain: ${domainId}.`)
    await this.#checkDefaultProject(input.default_project_id)
    checkFederated(input.federated)
    const extra = extraOf(input, USER_ATTRIBUTES)
    const options = mergeOptions('{}', input.options)
    const now = Date.now()
    const pw = input.password ?? null
    const fields =
      pw === null
        ? {}
        : await this.#policy.fields(pw, { selfService: false, userOptions: options, now })
    const id = newHexId()
    await this.#write(name, domainId, undefined, () =>
      insertUser(this.#ctx.db, {
        id,
        domain_id: domainId,
        name,
        enabled: toBool(input.enabled ?? true),
        default_project_id: input.default_project_id ?? null,
        description: typeof extra['description'] === 'string' ? extra['description'] : '',
        email: typeof extra['email'] === 'string' ? extra['email'] : null,
        extra: JSON.stringify(extra),
        options,
        created_at: new Date(now).toISOString(),
        last_active_at: null,
        password_hash: null,
        password_created_at: null,
        password_expires_at: null,
        failed_auth_count: 0,
        failed_auth_at: null,
        ...fields,
      }),
    )
    this.#ctx.changed()
    return this.get(id)
  }

  async update(id: string, body: UserUpdateBody): Promise<UserRow> {
    const user = await this.get(id)
    if (body['id'] !== undefined && body['id'] !== null && body['id'] !== id)
      throw new BadRequestError('Cannot change ID')
    if (body.domain_id !== undefined && body.domain_id !== user.domain_id)
      throw new BadRequestError('Cannot change Domain ID')
    if ('password' in body) this.#policy.validate(body.password)
    const name = body.name !== undefined ? body.name.trim() : user.name
    await this.#checkDefaultProject(body.default_project_id)
    checkFederated(body.federated)
    const extra = extraOf(body, USER_ATTRIBUTES, parseJson<Record<string, unknown>>(user.extra, {}))
    const options = mergeOptions(user.options, body.options)
    const now = Date.now()
    const wasEnabled = fromBool(user.enabled)
    const enabled = body.enabled ?? wasEnabled
    const patch = {
      name,
      enabled: toBool(enabled),
      default_project_id:
        body.default_project_id === undefined ? user.default_project_id : body.default_project_id,
      description: typeof extra['description'] === 'string' ? extra['description'] : '',
      email: typeof extra['email'] === 'string' ? extra['email'] : null,
      extra: JSON.stringify(extra),
      options,
      // Enabling a user clears a lockout, as Keystone's User.enabled setter does.
      ...(body.enabled === true ? { failed_auth_count: 0, failed_auth_at: null } : {}),
      ...('password' in body
        ? await this.#policy.fields(body.password ?? null, {
            selfService: false,
            userOptions: options,
            now,
          })
        : {}),
    }
    await this.#write(name, user.domain_id, id, () =>
      this.#ctx.db.transaction().execute(async (trx) => {
        if ('password' in body) await this.#policy.archive(trx, user, now)
        await updateUser(trx, id, patch)
      }),
    )
    if ((wasEnabled && !enabled) || typeof body.password === 'string')
      await this.#ctx.revoke({ userId: id })
    else this.#ctx.changed()
    return this.get(id)
  }

  async delete(id: string): Promise<void> {
    await this.get(id)
    const trusts = await deleteUserCascade(this.#ctx.db, id, nowIso())
    for (const trustId of trusts) await this.#ctx.revocations.add({ trustId })
    await this.#ctx.revoke({ userId: id })
  }

  /** Runs a write, turning a (domain, name) clash with another user into Keystone's 409. */
  async #write(
    name: string,
    domainId: string,
    selfId: string | undefined,
    write: () => Promise<unknown>,
  ): Promise<void> {
    const conflict = () =>
      new ConflictError(
        `Conflict occurred attempting to store user - Duplicate entry found with name ${name} at domain ID ${domainId}.`,
      )
    const existing = await getUserByName(this.#ctx.db, domainId, name)
    if (existing && existing.id !== selfId) throw conflict()
    try {
      await write()
    } catch (err) {
      if (isUniqueViolation(err)) throw conflict()
      throw err
    }
  }

  async #checkDefaultProject(projectId: string | null | undefined): Promise<void> {
    if (!projectId) return
    const p = await getProject(this.#ctx.db, projectId)
    // A missing project is accepted, as Keystone does (kept for backwards compatibility).
    if (p && fromBool(p.is_domain))
      throw new BadRequestError(`User's default project ID cannot be a domain ID: ${projectId}`)
  }
}
