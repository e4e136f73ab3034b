import type { AccessRuleRow } from '../../../db/repositories/identity/access-rules.js'
import type { RoleRow } from '../../../db/repositories/identity/assignments.js'
import { fromBool, parseJson } from '../../../db/repositories/identity/rows.js'
import type { AppCred } from '../app-cred-service.js'
import { isoMicros, naiveMicros } from '../expires-at.js'
import type { TrustView } from '../trust-service.js'

/** A role as Keystone's role_api.get_role returns it (global roles have domain_id null). */
export function roleRef(r: RoleRow): Record<string, unknown> {
  return {
    id: r.id,
    name: r.name,
    domain_id: r.domain_id === '' ? null : r.domain_id,
    description: r.description,
    options: parseJson(r.options, {}),
  }
}

/** A role with its self link, as the trust role endpoints show it. */
export function linkedRole(base: string, r: RoleRow): Record<string, unknown> {
  return { ...roleRef(r), links: { self: `${base}/roles/${r.id}` } }
}

/** `application_credential`: the secret only when just created; access_rules only when there are some. */
export function appCredView(base: string, c: AppCred): Record<string, unknown> {
  const r = c.row
  return {
    id: r.id,
    name: r.name,
    description: r.description === '' ? null : r.description,
    user_id: r.user_id,
    project_id: r.project_id,
    system: r.system,
    // NOTE: Keystone serialises this datetime with oslo's to_primitive: microseconds, no zone.
    expires_at: r.expires_at ? naiveMicros(r.expires_at) : null,
    unrestricted: fromBool(r.unrestricted),
    roles: c.roles.map(roleRef),
    ...(c.accessRules.length > 0 ? { access_rules: c.accessRules.map(ruleRef) } : {}),
    ...(c.secret !== undefined ? { secret: c.secret } : {}),
    links: { self: `${base}/users/${r.user_id}/application_credentials/${r.id}` },
  }
}

/** An access rule inside an application credential: exactly id, service, path, method. */
export function ruleRef(a: AccessRuleRow): Record<string, unknown> {
  return { id: a.id, service: a.service, path: a.path, method: a.method }
}

/** `access_rule` of /v3/users/{user_id}/access_rules. */
export function accessRuleView(base: string, a: AccessRuleRow): Record<string, unknown> {
  return { ...ruleRef(a), links: { self: `${base}/users/${a.user_id}/access_rules/${a.id}` } }
}

/** `trust`; a listed trust has no roles (as in Keystone). */
export function trustView(
  base: string,
  t: TrustView,
  options: { roles: boolean },
): Record<string, unknown> {
  const r = t.row
  const self = `${base}/OS-TRUST/trusts/${r.id}`
  return {
    ...parseJson(r.extra, {}),
    id: r.id,
    trustor_user_id: r.trustor_user_id,
    trustee_user_id: r.trustee_user_id,
    project_id: r.project_id,
    impersonation: fromBool(r.impersonation),
    expires_at: r.expires_at ? isoMicros(r.expires_at) : null,
    remaining_uses: r.remaining_uses,
    deleted_at: null,
    redelegated_trust_id: r.redelegated_trust_id,
    redelegation_count: r.redelegation_count,
    ...(options.roles
      ? {
          roles: t.roles.map((x) => linkedRole(base, x)),
          roles_links: { self: `${self}/roles`, previous: null, next: null },
        }
      : {}),
    links: { self },
  }
}
