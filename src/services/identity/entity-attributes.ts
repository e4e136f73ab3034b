import { BadRequestError } from '../../common/errors.js'
import { parseJson } from '../../db/repositories/identity/rows.js'
import type { UserOptions } from './api/users-schemas.js'

/**
 * Keystone keeps every attribute a model does not know in its `extra`
 * column and renders it back flattened. These helpers split a request body
 * accordingly (users, groups and credentials share the scheme).
 */

/** Keystone's `_normalize_dict` on create: `OS-X:y` → `OS_X_y`. */
export function normalizeKeys<T extends Record<string, unknown>>(d: T): T {
  return Object.fromEntries(Object.entries(d).map(([k, v]) => [k.replace(/[:-]/g, '_'), v])) as T
}

/** `base` updated with every key of `body` that is not one of `attributes`. */
export function extraOf(
  body: Record<string, unknown>,
  attributes: ReadonlySet<string>,
  base: Record<string, unknown> = {},
): Record<string, unknown> {
  const extra = { ...base }
  for (const [k, v] of Object.entries(body)) if (!attributes.has(k)) extra[k] = v
  return extra
}

/** Keystone's User.attributes (+ what never goes to `extra`). */
export const USER_ATTRIBUTES: ReadonlySet<string> = new Set([
  'id',
  'name',
  'domain_id',
  'password',
  'enabled',
  'default_project_id',
  'password_expires_at',
  'options',
  'federated',
  'extra',
  'links',
])

/** Merges user options into the stored JSON; null removes one (resource_options semantics). */
export function mergeOptions(current: string, update: UserOptions | undefined): string {
  const out = parseJson<Record<string, unknown>>(current, {})
  for (const [k, v] of Object.entries(update ?? {})) {
    if (v === null || v === undefined) delete out[k]
    else out[k] = v
  }
  return JSON.stringify(out)
}

/** We have no identity providers, so any federated object names an unknown one. */
export function checkFederated(fed: ReadonlyArray<{ idp_id: string }> | undefined): void {
  const first = fed?.[0]
  if (first) throw new BadRequestError(`Could not find Identity Provider: ${first.idp_id}`)
}
