import { catalogForToken, loadCatalog, type CatalogEntry } from '../catalog.js'
import type { IdentityContext } from '../identity-context.js'
import { keystoneTime, type TokenData } from '../token/token-data.js'

/** The catalog is the same for every token: cache it until the next identity change. */
export class CatalogCache {
  #value: Promise<CatalogEntry[]> | undefined
  constructor(readonly ctx: IdentityContext) {
    ctx.onChanged(() => (this.#value = undefined))
  }
  get(): Promise<CatalogEntry[]> {
    this.#value ??= loadCatalog(this.ctx.db).catch((err: unknown) => {
      this.#value = undefined
      throw err
    })
    return this.#value
  }
}

/** The `token` object of POST/GET /v3/auth/tokens. */
export function tokenView(
  d: TokenData,
  catalog: CatalogEntry[] | undefined,
): Record<string, unknown> {
  const t: Record<string, unknown> = {
    methods: d.payload.methods,
    user: {
      id: d.user.id,
      name: d.user.name,
      domain: { id: d.userDomain.id, name: d.userDomain.name },
      password_expires_at: d.user.password_expires_at
        ? keystoneTime(d.user.password_expires_at)
        : null,
    },
    audit_ids: d.payload.auditIds,
    expires_at: keystoneTime(d.payload.expiresAt),
    issued_at: keystoneTime(d.payload.issuedAt),
  }
  if (d.project && d.projectDomain) {
    t['project'] = {
      id: d.project.id,
      name: d.project.name,
      domain: { id: d.projectDomain.id, name: d.projectDomain.name },
    }
    // NOTE: Keystone's trust-scoped body has no is_domain.
    if (!d.trust) t['is_domain'] = false
  }
  if (d.trust) {
    t['OS-TRUST:trust'] = {
      id: d.trust.id,
      trustor_user: { id: d.trust.trustorId },
      trustee_user: { id: d.trust.trusteeId },
      impersonation: d.trust.impersonation,
    }
  }
  if (d.domain) t['domain'] = { id: d.domain.id, name: d.domain.name }
  if (d.payload.scope.type === 'system') t['system'] = { all: true }
  if (d.payload.scope.type !== 'unscoped')
    t['roles'] = d.roles.map((r) => ({
      id: r.id,
      name: r.name,
      ...(r.domain_id ? { domain_id: r.domain_id } : {}),
    }))
  if (d.appCred) {
    t['application_credential'] = {
      id: d.appCred.id,
      name: d.appCred.name,
      restricted: d.appCred.restricted,
      ...(d.appCred.accessRules?.length ? { access_rules: d.appCred.accessRules } : {}),
    }
  }
  if (catalog !== undefined && d.payload.scope.type !== 'unscoped')
    t['catalog'] = catalogForToken(catalog, { projectId: d.project?.id, userId: d.user.id })
  return t
}
