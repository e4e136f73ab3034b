import { fromBool, parseJson } from '../../../db/repositories/identity/rows.js'
import type { GroupRow } from '../../../db/repositories/identity/groups.js'
import type { UserRow } from '../../../db/repositories/identity/users.js'

/** Keystone renders datetimes with oslo's strtime: microseconds, no zone. */
export function keystoneDateTime(iso: string): string {
  return new Date(iso).toISOString().replace(/\.(\d{3})Z$/, '.$1000')
}

/**
 * A user as Keystone renders it: the `extra` attributes flattened in (email,
 * description and anything else the client stored), then the real ones.
 * The password hash never leaves the server.
 */
export function userView(row: UserRow, base: string): Record<string, unknown> {
  const extra = parseJson<Record<string, unknown>>(row.extra, {})
  // Rows written by other code (bootstrap) keep these in columns only.
  if (!('description' in extra) && row.description !== '') extra['description'] = row.description
  if (!('email' in extra) && row.email !== null) extra['email'] = row.email
  const v: Record<string, unknown> = {
    ...extra,
    id: row.id,
    name: row.name,
    domain_id: row.domain_id,
    enabled: fromBool(row.enabled),
    password_expires_at: row.password_expires_at ? keystoneDateTime(row.password_expires_at) : null,
    options: parseJson<Record<string, unknown>>(row.options, {}),
    links: { self: `${base}/users/${row.id}` },
  }
  if (row.default_project_id) v['default_project_id'] = row.default_project_id
  return v
}

/** A group; `description` is always present ('' by default, null if set so). */
export function groupView(row: GroupRow, base: string): Record<string, unknown> {
  const extra = parseJson<Record<string, unknown>>(row.extra, {})
  return {
    ...extra,
    id: row.id,
    name: row.name,
    domain_id: row.domain_id,
    description: 'description' in extra ? extra['description'] : row.description,
    links: { self: `${base}/groups/${row.id}` },
  }
}
