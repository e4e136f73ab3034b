import type { FastifyRequest } from 'fastify'
import { BadRequestError } from '../../../common/errors.js'

/** A parsed query string as Fastify gives it (repeated keys become arrays). */
export type Query = Record<string, string | string[] | undefined>

const RESERVED = new Set([
  'fields',
  'sort_key',
  'sort_dir',
  'limit',
  'marker',
  'page_reverse',
  'tags',
  'tags-any',
  'not-tags',
  'not-tags-any',
])

const values = (v: string | string[] | undefined): string[] =>
  v === undefined ? [] : Array.isArray(v) ? v : [v]

/** How a stored value is compared with a filter's string: Neutron compares after conversion. */
function matches(actual: unknown, wanted: string): boolean {
  if (actual === null || actual === undefined)
    return wanted === '' || wanted === 'None' || wanted === 'null'
  if (typeof actual === 'boolean')
    return actual === ['true', '1', 'yes', 'on', 't'].includes(wanted.toLowerCase())
  if (Array.isArray(actual)) return actual.some((x) => matches(x, wanted))
  if (typeof actual === 'object') return false
  // eslint-disable-next-line @typescript-eslint/no-base-to-string -- only scalars reach here
  return String(actual) === wanted
}

export interface ListOptions<T> {
  /** Attributes a filter may name; others are ignored as Neutron's API does for unknown ones. */
  readonly filterable?: readonly string[]
  /** Custom filters (e.g. fixed_ips=ip_address=…): return true to keep the item. */
  readonly custom?: Record<string, (item: T, values: string[]) => boolean>
  /** Collection name for the `<collection>_links` block, e.g. `networks`. */
  readonly collection: string
}

export interface ListResult {
  readonly items: Record<string, unknown>[]
  readonly links?: Array<{ rel: string; href: string }>
}

/**
 * Neutron's list semantics on already-visible views: attribute filters
 * (repeated = any of), tags filters, sort_key/sort_dir, limit/marker with
 * next/previous links, and `fields` to narrow each item.
 */
export function applyListQuery<T extends Record<string, unknown>>(
  request: FastifyRequest,
  views: readonly T[],
  options: ListOptions<T>,
): ListResult {
  const q = request.query as Query
  let items = views.filter((item) => {
    for (const [key, raw] of Object.entries(q)) {
      if (RESERVED.has(key)) continue
      const wanted = values(raw)
      const custom = options.custom?.[key]
      if (custom) {
        if (!custom(item, wanted)) return false
        continue
      }
      if (options.filterable && !options.filterable.includes(key)) continue
      if (!(key in item)) continue
      if (!wanted.some((w) => matches(item[key], w))) return false
    }
    const tags = (item['tags'] as string[] | undefined) ?? []
    const csv = (k: string): string[] =>
      values(q[k])
        .flatMap((v) => v.split(','))
        .filter((t) => t !== '')
    const all = csv('tags')
    const any = csv('tags-any')
    const notAll = csv('not-tags')
    const notAny = csv('not-tags-any')
    if (all.length && !all.every((t) => tags.includes(t))) return false
    if (any.length && !any.some((t) => tags.includes(t))) return false
    if (notAll.length && notAll.every((t) => tags.includes(t))) return false
    if (notAny.length && notAny.some((t) => tags.includes(t))) return false
    return true
  })

  const keys = values(q['sort_key'])
  const dirs = values(q['sort_dir'])
  if (dirs.length > 0 && keys.length === 0) throw new BadRequestError('sort_dir requires sort_key')
  for (const d of dirs)
    if (d !== 'asc' && d !== 'desc') throw new BadRequestError(`Invalid sort direction: ${d}`)
  const sortKeys = keys.length ? keys : ['id']
  items = [...items].sort((a, b) => {
    for (const [i, k] of sortKeys.entries()) {
      const dir = (dirs[i] ?? dirs[0] ?? 'asc') === 'desc' ? -1 : 1
      const x = a[k] as string | number | boolean | null
      const y = b[k] as string | number | boolean | null
      if (x === y) continue
      if (x === null || x === undefined) return -dir
      if (y === null || y === undefined) return dir
      return (x < y ? -1 : 1) * dir
    }
    return 0
  })

  let links: Array<{ rel: string; href: string }> | undefined
  const limitRaw = values(q['limit'])[0]
  if (limitRaw !== undefined) {
    const limit = Number(limitRaw)
    if (!Number.isInteger(limit) || limit < 0)
      throw new BadRequestError(`Limit must be an integer 0 or greater and not '${limitRaw}'`)
    const marker = values(q['marker'])[0]
    const reverse =
      values(q['page_reverse'])[0] === 'True' || values(q['page_reverse'])[0] === 'true'
    let start = 0
    if (marker !== undefined) {
      const i = items.findIndex((x) => x['id'] === marker)
      start = i < 0 ? 0 : reverse ? Math.max(0, i - (limit || items.length)) : i + 1
      if (reverse && i >= 0) items = items.slice(start, i)
    }
    const page =
      reverse && marker !== undefined
        ? items
        : limit > 0
          ? items.slice(start, start + limit)
          : items.slice(start)
    links = []
    const base = `${request.protocol}://${request.host}${request.url.split('?')[0] ?? ''}`
    const params = (m: string, rev: boolean): string => {
      const p = new URLSearchParams()
      for (const [k, v] of Object.entries(q))
        if (k !== 'marker' && k !== 'page_reverse') for (const x of values(v)) p.append(k, x)
      p.set('marker', m)
      if (rev) p.set('page_reverse', 'True')
      return `${base}?${p.toString()}`
    }
    const last = page.at(-1)
    if (limit > 0 && last && start + limit < items.length)
      links.push({ rel: 'next', href: params(String(last['id']), false) })
    const first = page[0]
    if (marker !== undefined && first)
      links.push({ rel: 'previous', href: params(String(first['id']), true) })
    items = page
  }

  const fields = values(q['fields'])
    .flatMap((f) => f.split(','))
    .filter((f) => f !== '')
  const narrowed = fields.length
    ? items.map((item) =>
        Object.fromEntries(fields.filter((f) => f in item).map((f) => [f, item[f]])),
      )
    : items
  return { items: narrowed, ...(links && links.length ? { links } : {}) }
}

/** `{ networks: [...], networks_links: [...] }` */
export function listBody(collection: string, r: ListResult): Record<string, unknown> {
  return { [collection]: r.items, ...(r.links ? { [`${collection}_links`]: r.links } : {}) }
}

/** `fields=` on a show: narrows one item. */
export function showFields(
  request: FastifyRequest,
  item: Record<string, unknown>,
): Record<string, unknown> {
  const fields = values((request.query as Query)['fields'])
    .flatMap((f) => f.split(','))
    .filter((f) => f !== '')
  return fields.length
    ? Object.fromEntries(fields.filter((f) => f in item).map((f) => [f, item[f]]))
    : item
}
