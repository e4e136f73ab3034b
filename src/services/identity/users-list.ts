import type { AuthContext } from '../../common/auth-context.js'
import { BadRequestError } from '../../common/errors.js'
import {
  listUsers,
  type UserListFilter,
  type UserRow,
} from '../../db/repositories/identity/users.js'
import {
  boolFromString,
  inexactFilters,
  matchesInexact,
  queryValue,
  type Query,
} from './api/list-query.js'
import { userView } from './api/users-views.js'
import type { IdentityContext } from './identity-context.js'

const OPERATORS = { lt: '<', lte: '<=', gt: '>', gte: '>=', eq: '=', neq: '<>' } as const
const FEDERATED = ['idp_id', 'protocol_id', 'unique_id']
const ISO = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?(?:Z|[+-]\d{2}:?\d{2})?$/i

/** Keystone's `password_expires_at` filter: `[op:]timestamp`, op one of lt, lte, gt, gte, eq, neq. */
export function parseExpiryFilter(value: string): NonNullable<UserListFilter['passwordExpires']> {
  let op = 'eq'
  let stamp = value
  // Keystone looks for the ':' in the 3rd or 4th character only.
  const colon = value.slice(2, 4).indexOf(':')
  if (colon >= 0) {
    op = value.slice(0, colon + 2)
    stamp = value.slice(colon + 3)
  }
  let iso = stamp.replace(' ', 'T')
  if (!iso.includes('T')) iso += 'T00:00:00'
  // iso8601.parse_date takes a zone-less time as UTC.
  if (!/(?:Z|[+-]\d{2}:?\d{2})$/i.test(iso)) iso += 'Z'
  const ms = ISO.test(stamp) ? Date.parse(iso) : NaN
  if (Number.isNaN(ms)) {
    throw new BadRequestError(
      'Timestamp not in expected format. The server could not comply with the request since it is either malformed or otherwise incorrect. The client is assumed to be in error.',
    )
  }
  const sqlOp = (OPERATORS as Record<string, (typeof OPERATORS)[keyof typeof OPERATORS]>)[op]
  if (!sqlOp) {
    throw new BadRequestError(
      `The given operator ${op} is not valid. It must be one of the following: 'eq', 'neq', 'lt', 'lte', 'gt', or 'gte'.`,
    )
  }
  return { op: sqlOp, at: new Date(ms).toISOString() }
}

/**
 * GET /v3/users and GET /v3/groups/{id}/users: exact filters in SQL,
 * `attr__contains`-style ones on the rendered rows, and a domain-scoped
 * caller sees only its domain.
 */
export async function listUsersFiltered(
  ctx: IdentityContext,
  caller: AuthContext,
  q: Query,
  supported: readonly string[],
  groupId?: string,
): Promise<UserRow[]> {
  // We have no federated users, so filtering on their attributes finds none.
  if (FEDERATED.some((k) => supported.includes(k) && queryValue(q, k) !== undefined)) return []
  const f: { -readonly [K in keyof UserListFilter]: UserListFilter[K] } = {}
  const get = (k: string) => (supported.includes(k) ? queryValue(q, k) : undefined)
  const domainId = get('domain_id')
  const name = get('name')
  const enabled = get('enabled')
  const expires = get('password_expires_at')
  if (domainId !== undefined) f.domainId = domainId
  if (name !== undefined) f.name = name
  if (enabled !== undefined) f.enabled = boolFromString(enabled)
  if (expires !== undefined) f.passwordExpires = parseExpiryFilter(expires)
  if (groupId !== undefined) f.groupId = groupId
  let rows = await listUsers(ctx.db, f)
  if (caller.domain) rows = rows.filter((r) => r.domain_id === caller.domain?.id)
  const inexact = inexactFilters(q, supported)
  return inexact.length === 0 ? rows : rows.filter((r) => matchesInexact(userView(r, ''), inexact))
}
