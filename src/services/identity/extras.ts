/**
 * Keystone keeps unknown request attributes of regions, services, endpoints,
 * policies and consumers in an `extra` JSON column and renders them back
 * (ModelDictMixinWithExtras). These helpers do the same for our rows.
 */
import { BadRequestError } from '../../common/errors.js'
import { parseJson } from '../../db/repositories/identity/rows.js'

export type Ref = Record<string, unknown>

/** Keystone's _normalize_dict: ':' and '-' in top-level keys become '_'. */
export function normalizeKeys(body: Ref): Ref {
  return Object.fromEntries(
    Object.entries(body).map(([k, v]) => [k.replaceAll(':', '_').replaceAll('-', '_'), v]),
  )
}

/** The attributes that are not columns, merged over the row's current extra. */
export function mergeExtra(
  current: string | null | undefined,
  ref: Ref,
  columns: readonly string[],
): string {
  const extra = parseJson<Ref>(current, {})
  for (const [k, v] of Object.entries(ref)) if (!columns.includes(k)) extra[k] = v
  return JSON.stringify(extra)
}

/** A row's extra attributes, under its columns (columns win, as in Keystone's to_dict). */
export function withExtra(extra: string | null | undefined, columns: Ref): Ref {
  return { ...parseJson<Ref>(extra, {}), ...columns }
}

/** Keystone's _require_matching_id: a body may repeat the id of the URL but not change it. */
export function requireMatchingId(ref: Ref, urlId: string, message = 'Cannot change ID'): void {
  if (ref['id'] !== undefined && ref['id'] !== null && ref['id'] !== urlId)
    throw new BadRequestError(message)
}

/** Keystone's ValidationError text: "Expecting to find X in Y. …" (400). */
export function expectingToFind(attribute: string, target: string): BadRequestError {
  return new BadRequestError(
    `Expecting to find ${attribute} in ${target}. The server could not comply with the request since it is either ` +
      'malformed or otherwise incorrect. The client is assumed to be in error.',
  )
}
