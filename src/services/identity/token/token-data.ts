import type { AuthContext } from '../../../common/auth-context.js'
import type { RoleRow } from '../../../db/repositories/identity/assignments.js'
import type { DomainRow } from '../../../db/repositories/identity/domains.js'
import type { ProjectRow } from '../../../db/repositories/identity/projects.js'
import type { UserRow } from '../../../db/repositories/identity/users.js'
import type { TokenPayload } from './token-payload.js'

/** A validated token with everything its body and its AuthContext need. */
export interface TokenData {
  readonly payload: TokenPayload
  readonly user: UserRow
  readonly userDomain: DomainRow
  readonly project?: ProjectRow
  readonly projectDomain?: DomainRow
  readonly domain?: DomainRow
  readonly roles: readonly RoleRow[]
  readonly appCred?: {
    readonly id: string
    readonly name: string
    readonly restricted: boolean
    readonly accessRules?: ReadonlyArray<{
      readonly id: string
      readonly service: string
      readonly path: string
      readonly method: string
    }>
  }
  readonly trust?: {
    readonly id: string
    readonly trustorId: string
    readonly trusteeId: string
    readonly impersonation: boolean
  }
  readonly context: AuthContext
}

/** Keystone prints times with microseconds: 2015-11-05T22:00:11.000000Z. */
export function keystoneTime(ms: number | string): string {
  const d = typeof ms === 'number' ? new Date(ms) : new Date(ms)
  return d.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z')
}

export function buildContext(d: Omit<TokenData, 'context'>): AuthContext {
  const p = d.payload
  const ctx: { -readonly [K in keyof AuthContext]: AuthContext[K] } = {
    userId: d.user.id,
    userName: d.user.name,
    userDomainId: d.userDomain.id,
    userDomainName: d.userDomain.name,
    system: p.scope.type === 'system',
    roles: d.roles.map((r) => r.name),
    roleIds: d.roles.map((r) => r.id),
    methods: p.methods,
    auditIds: p.auditIds,
    issuedAt: keystoneTime(p.issuedAt),
    expiresAt: keystoneTime(p.expiresAt),
  }
  if (d.project && d.projectDomain) {
    ctx.project = {
      id: d.project.id,
      name: d.project.name,
      domainId: d.projectDomain.id,
      domainName: d.projectDomain.name,
    }
  }
  if (d.domain) ctx.domain = { id: d.domain.id, name: d.domain.name }
  if (d.appCred) ctx.applicationCredentialId = d.appCred.id
  if (d.trust) ctx.trustId = d.trust.id
  return ctx
}
