/**
 * Who is calling, as established from a validated token. Built by the
 * identity service, read by every service's policy checks.
 */
export interface AuthContext {
  readonly userId: string
  readonly userName: string
  readonly userDomainId: string
  readonly userDomainName: string
  /** Set for a project-scoped token. */
  readonly project?: {
    readonly id: string
    readonly name: string
    readonly domainId: string
    readonly domainName: string
  }
  /** Set for a domain-scoped token. */
  readonly domain?: { readonly id: string; readonly name: string }
  /** True for a system-scoped token (`system: {all: true}`). */
  readonly system: boolean
  /** Effective role names (implied roles included), lower-case as stored. */
  readonly roles: readonly string[]
  readonly roleIds: readonly string[]
  readonly methods: readonly string[]
  readonly auditIds: readonly string[]
  readonly issuedAt: string
  readonly expiresAt: string
  readonly applicationCredentialId?: string
  readonly trustId?: string
}

/** True when the context holds the role, by name. */
export function hasRole(ctx: AuthContext, role: string): boolean {
  return ctx.roles.includes(role)
}

/** Admin in the sense every service's default policy uses: the `admin` role, any scope. */
export function isAdmin(ctx: AuthContext): boolean {
  return ctx.roles.includes('admin')
}
