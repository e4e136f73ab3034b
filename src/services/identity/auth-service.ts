import {
  BadRequestError,
  ForbiddenError,
  NotFoundError,
  UnauthorizedError,
} from '../../common/errors.js'
import {
  effectiveRoles,
  type RoleRow,
  type Scope,
} from '../../db/repositories/identity/assignments.js'
import {
  getDomain,
  getDomainByName,
  type DomainRow,
} from '../../db/repositories/identity/domains.js'
import {
  getProject,
  getProjectByName,
  type ProjectRow,
} from '../../db/repositories/identity/projects.js'
import { fromBool, nowIso, parseJson } from '../../db/repositories/identity/rows.js'
import { accessRulesByAppCred } from '../../db/repositories/identity/access-rules.js'
import { consumeTrustUse } from '../../db/repositories/identity/trusts.js'
import {
  getUser,
  getUserByName,
  recordAuthFailure,
  recordAuthSuccess,
  type UserRow,
} from '../../db/repositories/identity/users.js'
import type { IdentityContext } from './identity-context.js'
import { buildContext, type TokenData } from './token/token-data.js'
import type { TokenPayload, TokenScope } from './token/token-payload.js'
import { newAuditId, type TokenProvider } from './token/token-provider.js'
import { getTrust, trustTokenRoles } from './trust-lookup.js'

const AUTH_REQUIRED = 'The request you have made requires authentication.'

type Ref = { id?: string; name?: string; domain?: { id?: string; name?: string } }

/** The body of POST /v3/auth/tokens after schema validation. */
export interface AuthRequest {
  identity: {
    methods: string[]
    password?: { user: Ref & { password: string } }
    token?: { id: string }
    application_credential?: { id?: string; name?: string; secret: string; user?: Ref }
  }
  scope?:
    | { project: Ref }
    | { domain: { id?: string; name?: string } }
    | { system: { all?: boolean } }
    | { 'OS-TRUST:trust': { id: string } }
    | Record<string, never>
    | string
}

/** What a trust-scoped token resolves to. */
interface TrustScope {
  id: string
  trustorId: string
  impersonation: boolean
  roles: RoleRow[]
  /** The user the token body names: the trustor when impersonating, else the trustee. */
  shown: UserRow
  shownDomain: DomainRow
}

/** Who authenticated, before scoping. */
interface Identified {
  user: UserRow
  methods: string[]
  /** Set when the token method re-used an existing token. */
  parent?: TokenData
  appCred?: {
    id: string
    name: string
    projectId: string | null
    roleIds: string[]
    unrestricted: boolean
    expiresAt: string | null
  }
}

/**
 * Issues and validates tokens. Validation is the hot path of every API call
 * in every service: a validated token is cached (until any identity change
 * or its expiry) so repeated validation costs a decrypt and a map lookup.
 */
export class AuthService {
  readonly #ctx: IdentityContext
  readonly #tokens: TokenProvider
  readonly #cache = new Map<string, TokenData>()

  constructor(ctx: IdentityContext, tokens: TokenProvider) {
    this.#ctx = ctx
    this.#tokens = tokens
    ctx.onChanged(() => this.#cache.clear())
  }

  /** POST /v3/auth/tokens */
  async issue(req: AuthRequest): Promise<{ token: string; data: TokenData }> {
    const who = await this.#identify(req)
    const scope = await this.#resolveScope(req, who)
    const now = Date.now()
    const lifetime = this.#ctx.config.identity.token_expiration * 1000
    let expiresAt = who.parent ? who.parent.payload.expiresAt : now + lifetime
    if (who.appCred?.expiresAt) expiresAt = Math.min(expiresAt, Date.parse(who.appCred.expiresAt))
    const trust = scope.type === 'trust' ? await getTrust(this.#ctx.db, scope.id) : undefined
    if (trust?.expires_at) expiresAt = Math.min(expiresAt, Date.parse(trust.expires_at))
    const passwordExpiry = who.user.password_expires_at
      ? Date.parse(who.user.password_expires_at)
      : undefined
    if (passwordExpiry !== undefined && who.methods.includes('password'))
      expiresAt = Math.min(expiresAt, Math.max(passwordExpiry, now + 1000))
    const auditIds = who.parent
      ? [newAuditId(), who.parent.payload.auditIds.at(-1) as string]
      : [newAuditId()]
    const payload: TokenPayload = {
      userId: who.user.id,
      methods: who.methods,
      scope,
      issuedAt: now,
      expiresAt,
      auditIds,
      ...(who.appCred ? { appCredId: who.appCred.id } : {}),
    }
    const data = await this.#resolve(payload, false)
    if (!data) throw new UnauthorizedError(AUTH_REQUIRED)
    const token = this.#tokens.issue(payload)
    // Keystone consumes a use of a limited trust only once the token is made.
    if (trust && trust.remaining_uses !== null) {
      if (!(await consumeTrustUse(this.#ctx.db, trust.id)))
        throw new ForbiddenError(`No remaining uses for trust: ${trust.id}.`)
      this.#ctx.changed()
    }
    this.#remember(token, data)
    return { token, data }
  }

  /**
   * Validates a token: signature, expiry, revocation, and that its user,
   * scope and roles still exist and are enabled. Throws NotFoundError (the
   * subject-token form GET /v3/auth/tokens answers 404 with).
   */
  async validate(token: string, options: { allowExpired?: boolean } = {}): Promise<TokenData> {
    const cached = this.#cache.get(token)
    if (cached && cached.payload.expiresAt > Date.now()) return cached
    const payload = this.#tokens.open(token)
    if (!payload) throw new NotFoundError('Could not recognize Fernet token')
    const now = Date.now()
    const expired = payload.expiresAt <= now
    if (
      expired &&
      (!options.allowExpired ||
        payload.expiresAt + this.#ctx.config.identity.allow_expired_window * 1000 < now)
    ) {
      throw new NotFoundError('The token has expired.')
    }
    const data = await this.#resolve(payload, true)
    if (!data) throw new NotFoundError('The token is not valid.')
    if (!expired) this.#remember(token, data)
    return data
  }

  /** For X-Auth-Token: any failure is 401. */
  async authenticate(token: string): Promise<TokenData> {
    try {
      return await this.validate(token)
    } catch (err) {
      if (err instanceof NotFoundError) throw new UnauthorizedError(AUTH_REQUIRED)
      throw err
    }
  }

  /** DELETE /v3/auth/tokens: revokes this token (by audit id). */
  async revoke(token: string): Promise<void> {
    const data = await this.validate(token)
    await this.#ctx.revoke({ auditId: data.payload.auditIds[0] as string })
  }

  #remember(token: string, data: TokenData): void {
    const max = this.#ctx.config.identity.validation_cache_size
    if (max === 0) return
    if (this.#cache.size >= max) {
      const first = this.#cache.keys().next()
      if (!first.done) this.#cache.delete(first.value)
    }
    this.#cache.set(token, data)
  }

  async #identify(req: AuthRequest): Promise<Identified> {
    const methods = req.identity.methods
    if (!Array.isArray(methods) || methods.length === 0)
      throw new BadRequestError('Expecting to find identity methods in the request.')
    for (const m of methods) {
      if (!['password', 'token', 'application_credential'].includes(m)) {
        throw new UnauthorizedError(`Attempted to authenticate with an unsupported method.`)
      }
    }
    if (methods.includes('application_credential')) {
      const ac = req.identity.application_credential
      if (!ac) throw new BadRequestError('Expecting to find application_credential in identity.')
      return this.#identifyAppCred(ac)
    }
    if (methods.includes('password')) {
      const pw = req.identity.password
      if (!pw?.user) throw new BadRequestError('Expecting to find user in password.')
      const user = await this.#identifyPassword(pw.user)
      return { user, methods: [...new Set(methods)] }
    }
    const tk = req.identity.token
    if (!tk?.id) throw new BadRequestError('Expecting to find id in token.')
    let parent: TokenData
    try {
      parent = await this.validate(tk.id)
    } catch (err) {
      // Keystone: an invalid, expired or revoked token is TokenNotFound (404) here too.
      if (err instanceof NotFoundError) throw new NotFoundError('Failed to validate token')
      throw new UnauthorizedError(AUTH_REQUIRED)
    }
    if (parent.trust) {
      throw new ForbiddenError(
        'You are not authorized to perform the requested action: Using trust-scoped token to create another token. Create a new trust-scoped token instead.',
      )
    }
    if (parent.appCred) {
      throw new ForbiddenError(
        'You are not authorized to perform the requested action: Using a delegated token to create another token is not allowed.',
      )
    }
    const merged = [...new Set(['token', ...parent.payload.methods])]
    return { user: parent.user, methods: merged, parent }
  }

  async #findUser(ref: Ref): Promise<UserRow | undefined> {
    if (ref.id) return getUser(this.#ctx.db, ref.id)
    if (!ref.name) throw new BadRequestError('Expecting to find either id or name of the user.')
    const domain = await this.#findDomain(ref.domain, 'user')
    return domain ? getUserByName(this.#ctx.db, domain.id, ref.name) : undefined
  }

  async #findDomain(
    ref: { id?: string; name?: string } | undefined,
    what: string,
  ): Promise<DomainRow | undefined> {
    if (!ref || (!ref.id && !ref.name))
      throw new BadRequestError(`Expecting to find domain in ${what}.`)
    return ref.id
      ? getDomain(this.#ctx.db, ref.id)
      : getDomainByName(this.#ctx.db, ref.name as string)
  }

  async #identifyPassword(ref: Ref & { password: string }): Promise<UserRow> {
    if (typeof ref.password !== 'string')
      throw new BadRequestError('Expecting to find password in user.')
    const user = await this.#findUser(ref)
    if (!user || !user.password_hash) {
      await this.#ctx.hasher.verifyDecoy(ref.password)
      throw new UnauthorizedError(AUTH_REQUIRED)
    }
    const sec = this.#ctx.config.security
    const now = Date.now()
    const locked =
      sec.lockout_failure_attempts > 0 &&
      user.failed_auth_count >= sec.lockout_failure_attempts &&
      user.failed_auth_at !== null &&
      Date.parse(user.failed_auth_at) + sec.lockout_duration * 1000 > now
    if (locked) {
      await this.#ctx.hasher.verifyDecoy(ref.password)
      throw new UnauthorizedError(`The account is locked for user: ${user.id}.`)
    }
    if (!(await this.#ctx.hasher.verify(ref.password, user.password_hash))) {
      if (sec.lockout_failure_attempts > 0) {
        // A lockout that has run out starts counting again from zero.
        const stale =
          user.failed_auth_at !== null &&
          Date.parse(user.failed_auth_at) + sec.lockout_duration * 1000 <= now
        if (stale) await recordAuthSuccessCountOnly(this, user.id)
        await recordAuthFailure(this.#ctx.db, user.id, nowIso())
        this.#ctx.changed()
      }
      throw new UnauthorizedError(AUTH_REQUIRED)
    }
    await this.#checkUserUsable(user)
    if (user.password_expires_at && Date.parse(user.password_expires_at) <= now) {
      throw new UnauthorizedError(
        `The password is expired and needs to be changed for user: ${user.id}.`,
      )
    }
    if (user.failed_auth_count > 0 || sec.lockout_failure_attempts > 0) {
      await recordAuthSuccess(this.#ctx.db, user.id, nowIso())
    }
    return user
  }

  async #identifyAppCred(
    ac: NonNullable<AuthRequest['identity']['application_credential']>,
  ): Promise<Identified> {
    const db = this.#ctx.db
    let row
    if (ac.id) {
      row = await db
        .selectFrom('application_credentials')
        .selectAll()
        .where('id', '=', ac.id)
        .executeTakeFirst()
    } else if (ac.name && ac.user) {
      const user = await this.#findUser(ac.user)
      row = user
        ? await db
            .selectFrom('application_credentials')
            .selectAll()
            .where('user_id', '=', user.id)
            .where('name', '=', ac.name)
            .executeTakeFirst()
        : undefined
    } else {
      throw new BadRequestError(
        'Expecting to find id, or name and user, of the application credential.',
      )
    }
    if (!row || typeof ac.secret !== 'string') {
      await this.#ctx.hasher.verifyDecoy(String(ac.secret ?? ''))
      throw new UnauthorizedError(AUTH_REQUIRED)
    }
    if (!(await this.#ctx.hasher.verify(ac.secret, row.secret_hash)))
      throw new UnauthorizedError(AUTH_REQUIRED)
    if (row.expires_at && Date.parse(row.expires_at) <= Date.now())
      throw new UnauthorizedError(AUTH_REQUIRED)
    const user = await getUser(db, row.user_id)
    if (!user) throw new UnauthorizedError(AUTH_REQUIRED)
    await this.#checkUserUsable(user)
    const roles = parseJson<Array<{ id: string }>>(row.roles, []).map((r) => r.id)
    return {
      user,
      methods: ['application_credential'],
      appCred: {
        id: row.id,
        name: row.name,
        projectId: row.project_id,
        roleIds: roles,
        unrestricted: fromBool(row.unrestricted),
        expiresAt: row.expires_at,
      },
    }
  }

  async #checkUserUsable(user: UserRow): Promise<void> {
    if (!fromBool(user.enabled)) throw new UnauthorizedError(AUTH_REQUIRED)
    const d = await getDomain(this.#ctx.db, user.domain_id)
    if (!d || !fromBool(d.enabled)) throw new UnauthorizedError(AUTH_REQUIRED)
  }

  async #resolveScope(req: AuthRequest, who: Identified): Promise<TokenScope> {
    const s = req.scope
    if (who.appCred) {
      // Keystone: an application credential's scope is fixed; asking for any scope is an error.
      if (s !== undefined && s !== null) {
        throw new UnauthorizedError(
          'Error authenticating with application credential: Application credentials cannot request a scope.',
        )
      }
      return who.appCred.projectId
        ? { type: 'project', id: who.appCred.projectId }
        : { type: 'system' }
    }
    if (s === 'unscoped') return { type: 'unscoped' }
    if (s === undefined || s === null || (typeof s === 'object' && Object.keys(s).length === 0)) {
      if (who.parent) return { type: 'unscoped' }
      const dp = who.user.default_project_id
      if (dp) {
        const p = await getProject(this.#ctx.db, dp)
        if (
          p &&
          fromBool(p.enabled) &&
          (await effectiveRoles(this.#ctx.db, who.user.id, { type: 'project', id: dp })).length > 0
        ) {
          return { type: 'project', id: dp }
        }
      }
      return { type: 'unscoped' }
    }
    if (typeof s !== 'object') throw new BadRequestError('Invalid scope.')
    if ('project' in s) {
      const ref = s.project
      let project: ProjectRow | undefined
      if (ref.id) project = await getProject(this.#ctx.db, ref.id)
      else if (ref.name) {
        const d = await this.#findDomain(ref.domain, 'project')
        project = d ? await getProjectByName(this.#ctx.db, d.id, ref.name) : undefined
      } else throw new BadRequestError('Expecting to find either id or name of the project.')
      if (!project) throw new UnauthorizedError(`Could not find project: ${ref.id ?? ref.name}.`)
      return { type: 'project', id: project.id }
    }
    if ('domain' in s) {
      const d = await this.#findDomain(s.domain, 'scope')
      if (!d) throw new UnauthorizedError(`Could not find domain: ${s.domain.id ?? s.domain.name}.`)
      return { type: 'domain', id: d.id }
    }
    if ('system' in s) {
      if (s.system?.all !== true) throw new BadRequestError('Only system scope "all" is supported.')
      return { type: 'system' }
    }
    if ('OS-TRUST:trust' in s) {
      const ref = s['OS-TRUST:trust'] as unknown
      const id = ref && typeof ref === 'object' ? (ref as { id?: unknown }).id : undefined
      if (typeof id !== 'string' || id === '') {
        throw new BadRequestError(
          'Expecting to find trust_id in trust. The server could not comply with the request since it is either malformed or otherwise incorrect. The client is assumed to be in error.',
        )
      }
      const trust = await getTrust(this.#ctx.db, id)
      if (!trust) throw new UnauthorizedError(`Could not find trust: ${id}.`)
      if (trust.trustee_user_id !== who.user.id) throw new ForbiddenError('User is not a trustee.')
      return { type: 'trust', id, projectId: trust.project_id }
    }
    throw new BadRequestError('Invalid scope.')
  }

  /**
   * Loads what a payload refers to and checks it is all still valid.
   * Returns undefined when it is not (disabled, deleted, no roles, revoked).
   * `forValidation` adds the revocation check (new tokens are never revoked).
   */
  async #resolve(p: TokenPayload, forValidation: boolean): Promise<TokenData | undefined> {
    const db = this.#ctx.db
    const user = await getUser(db, p.userId)
    if (!user || !fromBool(user.enabled)) return undefined
    const userDomain = await getDomain(db, user.domain_id)
    if (!userDomain || !fromBool(userDomain.enabled)) return undefined
    let project: ProjectRow | undefined
    let projectDomain: DomainRow | undefined
    let domain: DomainRow | undefined
    let roles: RoleRow[] = []
    let scope: Scope | undefined
    let trust: TrustScope | undefined
    const projectId =
      p.scope.type === 'project' ? p.scope.id : p.scope.type === 'trust' ? p.scope.projectId : null
    if (projectId !== null) {
      project = await getProject(db, projectId)
      if (!project || !fromBool(project.enabled))
        return this.#scopeFailure(forValidation, `Project ${projectId} is disabled or missing.`)
      projectDomain = await getDomain(db, project.domain_id)
      if (!projectDomain || !fromBool(projectDomain.enabled))
        return this.#scopeFailure(forValidation, `Domain of project ${projectId} is disabled.`)
    }
    if (p.scope.type === 'project') {
      scope = { type: 'project', id: projectId as string }
    } else if (p.scope.type === 'trust') {
      trust = await this.#resolveTrust(p.scope.id, user, forValidation)
      if (!trust) return undefined
      roles = trust.roles
    } else if (p.scope.type === 'domain') {
      domain = await getDomain(db, p.scope.id)
      if (!domain || !fromBool(domain.enabled))
        return this.#scopeFailure(forValidation, `Domain ${p.scope.id} is disabled or missing.`)
      scope = { type: 'domain', id: domain.id }
    } else if (p.scope.type === 'system') {
      scope = { type: 'system' }
    }
    let appCred: TokenData['appCred']
    if (scope) {
      roles = await effectiveRoles(db, user.id, scope)
      if (p.appCredId) {
        const row = await db
          .selectFrom('application_credentials')
          .selectAll()
          .where('id', '=', p.appCredId)
          .executeTakeFirst()
        if (!row) return undefined
        const allowed = new Set(parseJson<Array<{ id: string }>>(row.roles, []).map((r) => r.id))
        roles = roles.filter((r) => allowed.has(r.id))
        const rules = (await accessRulesByAppCred(db, [row.id])).get(row.id) ?? []
        appCred = {
          id: row.id,
          name: row.name,
          restricted: !fromBool(row.unrestricted),
          accessRules: rules.map((r) => ({
            id: r.id,
            service: r.service,
            path: r.path,
            method: r.method,
          })),
        }
      }
      if (roles.length === 0) {
        const target =
          p.scope.type === 'system'
            ? 'the system'
            : `${p.scope.type} ${'id' in p.scope ? p.scope.id : ''}`
        return this.#scopeFailure(forValidation, `User ${user.id} has no access to ${target}.`)
      }
    }
    if (forValidation) {
      const revoked = this.#ctx.revocations.isRevoked({
        // Keystone matches a user event against a trust token's trustee and trustor alike.
        userIds: trust ? [user.id, trust.shown.id, trust.trustorId] : [user.id],
        projectId: project?.id,
        domainIds: [
          user.domain_id,
          ...(project ? [project.domain_id] : []),
          ...(domain ? [domain.id] : []),
        ],
        roleIds: roles.map((r) => r.id),
        appCredId: p.appCredId,
        trustId: trust?.id,
        auditIds: p.auditIds,
        issuedAt: p.issuedAt,
      })
      if (revoked) return undefined
    }
    const base = {
      payload: p,
      // A trust token speaks for the trustor when the trust impersonates.
      user: trust ? trust.shown : user,
      userDomain: trust ? trust.shownDomain : userDomain,
      roles,
      ...(project ? { project } : {}),
      ...(projectDomain ? { projectDomain } : {}),
      ...(domain ? { domain } : {}),
      ...(appCred ? { appCred } : {}),
      ...(trust
        ? {
            trust: {
              id: trust.id,
              trustorId: trust.trustorId,
              trusteeId: user.id,
              impersonation: trust.impersonation,
            },
          }
        : {}),
    }
    return { ...base, context: buildContext(base) }
  }

  /**
   * The trust behind a trust-scoped token, checked as Keystone mints and
   * validates one: the trust is live, the token's user is its trustee, the
   * trustor is enabled and still holds every delegated role. When issuing,
   * failures throw Keystone's errors; when validating they make the token invalid.
   */
  async #resolveTrust(
    trustId: string,
    trustee: UserRow,
    forValidation: boolean,
  ): Promise<TrustScope | undefined> {
    const db = this.#ctx.db
    const fail = (err: Error): undefined => {
      if (forValidation) return undefined
      throw err
    }
    let t
    try {
      t = await getTrust(db, trustId, { ignoreUses: forValidation })
    } catch (err) {
      return fail(err as Error)
    }
    if (!t) return fail(new UnauthorizedError(`Could not find trust: ${trustId}.`))
    if (t.trustee_user_id !== trustee.id) return fail(new ForbiddenError('User is not a trustee.'))
    const trustor = await getUser(db, t.trustor_user_id)
    if (!trustor || !fromBool(trustor.enabled))
      return fail(new ForbiddenError('Trustor is disabled.'))
    const trustorDomain = await getDomain(db, trustor.domain_id)
    if (!trustorDomain || !fromBool(trustorDomain.enabled))
      return fail(new UnauthorizedError('Trustor domain is disabled.'))
    const roles = await trustTokenRoles(db, t)
    if (!roles) return fail(new ForbiddenError('Trustee has no delegated roles.'))
    const impersonation = fromBool(t.impersonation)
    let shownDomain: DomainRow | undefined = trustorDomain
    if (!impersonation) shownDomain = await getDomain(db, trustee.domain_id)
    if (!shownDomain) return fail(new UnauthorizedError(AUTH_REQUIRED))
    return {
      id: t.id,
      trustorId: trustor.id,
      impersonation,
      roles,
      shown: impersonation ? trustor : trustee,
      shownDomain,
    }
  }

  #scopeFailure(forValidation: boolean, message: string): undefined {
    if (forValidation) return undefined
    throw new UnauthorizedError(message)
  }

  /** Exposed for the lockout reset helper below. */
  get db(): IdentityContext['db'] {
    return this.#ctx.db
  }
}

async function recordAuthSuccessCountOnly(svc: AuthService, userId: string): Promise<void> {
  await svc.db.updateTable('users').set({ failed_auth_count: 0 }).where('id', '=', userId).execute()
}
