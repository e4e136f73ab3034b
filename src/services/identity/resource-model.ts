import type { DomainRow } from '../../db/repositories/identity/domains.js'
import type { ProjectRow } from '../../db/repositories/identity/projects.js'
import { fromBool, parseJson } from '../../db/repositories/identity/rows.js'

/** A domain as the API shows it. `extra` holds the free-form attributes (and `options`). */
export interface DomainRecord {
  readonly id: string
  readonly name: string
  readonly description: string
  readonly enabled: boolean
  readonly tags: readonly string[]
  readonly extra: Readonly<Record<string, unknown>>
}

/**
 * A project as the API shows it. Keystone stores domains as projects acting
 * as domains; we keep them in their own table, so the projects API maps a
 * domain to `isDomain: true`, `domainId: null`, `parentId: null`.
 */
export interface ProjectRecord {
  readonly id: string
  readonly name: string
  readonly domainId: string | null
  readonly parentId: string | null
  readonly description: string
  readonly enabled: boolean
  readonly isDomain: boolean
  readonly tags: readonly string[]
  readonly extra: Readonly<Record<string, unknown>>
}

export function domainRecord(row: DomainRow, tags: readonly string[]): DomainRecord {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    enabled: fromBool(row.enabled),
    tags,
    extra: parseJson(row.extra, {}),
  }
}

export function projectRecord(row: ProjectRow, tags: readonly string[]): ProjectRecord {
  return {
    id: row.id,
    name: row.name,
    domainId: row.domain_id,
    // NOTE: a root project's parent is its domain, as Keystone renders it.
    parentId: row.parent_id ?? row.domain_id,
    description: row.description,
    enabled: fromBool(row.enabled),
    isDomain: false,
    tags,
    extra: parseJson(row.extra, {}),
  }
}

export function domainAsProject(d: DomainRecord): ProjectRecord {
  return { ...d, domainId: null, parentId: null, isDomain: true }
}

/** Attributes Keystone names itself; anything else in a body is kept in `extra`. */
const KNOWN = new Set([
  'id',
  'name',
  'description',
  'enabled',
  'domain_id',
  'parent_id',
  'is_domain',
  'tags',
  'links',
  'explicit_domain_id',
])

/**
 * Splits the free-form attributes off a request body member, the way
 * Keystone's `_normalize_dict` and SQL `extra` column do (`:` and `-` in
 * keys become `_`). `options` is kept here too, merged with the old ones.
 */
export function mergeExtra(
  old: Readonly<Record<string, unknown>>,
  body: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...old }
  for (const [k, v] of Object.entries(body)) {
    const key = k.replaceAll(':', '_').replaceAll('-', '_')
    if (KNOWN.has(key)) continue
    if (key === 'options') {
      const opts: Record<string, unknown> = {
        ...((old['options'] as Record<string, unknown> | undefined) ?? {}),
      }
      for (const [ok, ov] of Object.entries((v as Record<string, unknown> | null) ?? {})) {
        if (ov === null) delete opts[ok]
        else opts[ok] = ov
      }
      out['options'] = opts
      continue
    }
    out[key] = v
  }
  return out
}

/** True when a resource carries `options.immutable = true`. */
export function isImmutable(extra: Readonly<Record<string, unknown>>): boolean {
  return (extra['options'] as Record<string, unknown> | undefined)?.['immutable'] === true
}
