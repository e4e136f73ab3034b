import type { FastifyRequest } from 'fastify'
import { isAdmin } from '../../../common/auth-context.js'
import { BadRequestError, NotFoundError } from '../../../common/errors.js'

/** Cinder's timestamps: ISO 8601 with microseconds and no zone suffix. */
export function cinderTime(iso: string | null | undefined): string | null {
  if (!iso) return null
  return iso.replace(/Z$/, '').replace(/\.(\d{3})$/, '.$1000')
}

/** http(s)://host/volume as the client reached us (for links). */
export function volumeBase(request: FastifyRequest): string {
  return `${request.protocol}://${request.host}/volume`
}

/** The project of the URL (or the token's, for 3.67 URLs without one). */
export function urlProject(request: FastifyRequest): string {
  const p = (request.params as { project_id?: string }).project_id
  return p ?? request.auth.project?.id ?? ''
}

export function selfLinks(request: FastifyRequest, collection: string, id: string) {
  const base = volumeBase(request)
  const project = urlProject(request)
  return [
    { href: `${base}/v3/${project}/${collection}/${id}`, rel: 'self' },
    { href: `${base}/${project}/${collection}/${id}`, rel: 'bookmark' },
  ]
}

export type Query = Record<string, string | string[] | undefined>

export function q1(query: Query, key: string): string | undefined {
  const v = query[key]
  return Array.isArray(v) ? v[v.length - 1] : v
}

/** Python's bool_from_string as Cinder applies it to query filters. */
export function boolParam(v: string): boolean | undefined {
  const l = v.trim().toLowerCase()
  if (['true', '1', 'yes', 'y', 't', 'on'].includes(l)) return true
  if (['false', '0', 'no', 'n', 'f', 'off'].includes(l)) return false
  return undefined
}

/** ?metadata={'k': 'v'} as Python clients send it (a dict's repr) or JSON. */
export function parseDictParam(v: string): Record<string, string> {
  for (const text of [v, v.replace(/'/g, '"')]) {
    try {
      const o = JSON.parse(text) as unknown
      if (o && typeof o === 'object' && !Array.isArray(o))
        return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, String(x)]))
    } catch {
      /* try the next spelling */
    }
  }
  throw new BadRequestError(`Invalid filter value: ${v}`)
}

export interface Page<T> {
  readonly items: T[]
  readonly next: boolean
  readonly total: number
}

type SortDir = 'asc' | 'desc'

/** Sort keys from ?sort=k1:asc,k2 or ?sort_key=&sort_dir= (Cinder's common.get_sort_params). */
export function sortParams(query: Query, defaults: [string, SortDir][]): [string, SortDir][] {
  const sort = q1(query, 'sort')
  const key = q1(query, 'sort_key')
  const dir = q1(query, 'sort_dir')
  if (sort && (key || dir))
    throw new BadRequestError(
      "The 'sort_key' and 'sort_dir' parameters are deprecated and cannot be used with the 'sort' parameter.",
    )
  const out: [string, SortDir][] = []
  if (sort) {
    for (const part of sort.split(',')) {
      const [k, d] = part.trim().split(':')
      if (!k) continue
      const dd = (d ?? dir ?? 'desc').toLowerCase()
      if (dd !== 'asc' && dd !== 'desc')
        throw new BadRequestError(`Unknown sort direction, must be 'desc' or 'asc'`)
      out.push([k, dd])
    }
  } else if (key || dir) {
    const dd = (dir ?? 'desc').toLowerCase()
    if (dd !== 'asc' && dd !== 'desc')
      throw new BadRequestError(`Unknown sort direction, must be 'desc' or 'asc'`)
    out.push([key ?? 'created_at', dd])
  }
  for (const [k, d] of defaults) if (!out.some(([x]) => x === k)) out.push([k, d])
  return out
}

function cmp(a: unknown, b: unknown): number {
  if (a === b) return 0
  if (a === null || a === undefined) return -1
  if (b === null || b === undefined) return 1
  if (typeof a === 'number' && typeof b === 'number') return a - b
  const x = typeof a === 'string' ? a : JSON.stringify(a)
  const y = typeof b === 'string' ? b : JSON.stringify(b)
  return x < y ? -1 : x > y ? 1 : 0
}

/**
 * Sorts, then applies marker/offset/limit like Cinder's paginate_query:
 * the marker is exclusive; `next` is true when the page is full.
 */
export function paginate<T extends { id: string }>(
  query: Query,
  rows: T[],
  key: (row: T, sortKey: string) => unknown,
  defaults: [string, SortDir][] = [
    ['created_at', 'desc'],
    ['id', 'desc'],
  ],
  /** sortable: the table's columns; resource: names the missing marker ("Volume"). */
  rules: { sortable?: ReadonlySet<string>; resource?: string } = {},
): Page<T> {
  const sorts = sortParams(query, defaults)
  const { sortable, resource } = rules
  // Cinder sorts in SQL: a key that is no column is a 400 (its paginate_query's InvalidInput).
  if (sortable)
    for (const [k] of sorts)
      if (!sortable.has(k)) throw new BadRequestError('Invalid input received: Invalid sort key')
  const sorted = [...rows].sort((a, b) => {
    for (const [k, d] of sorts) {
      const c = cmp(key(a, k), key(b, k))
      if (c !== 0) return d === 'asc' ? c : -c
    }
    return 0
  })
  let start = 0
  const marker = q1(query, 'marker')
  if (marker !== undefined) {
    const i = sorted.findIndex((r) => r.id === marker)
    // Cinder looks the marker up as the resource itself: a missing one is a 404.
    if (i < 0) throw new NotFoundError(`${resource ?? 'Marker'} ${marker} could not be found.`)
    start = i + 1
  }
  const offsetRaw = q1(query, 'offset')
  if (offsetRaw !== undefined) {
    const off = Number(offsetRaw)
    if (!Number.isInteger(off) || off < 0)
      throw new BadRequestError(`Invalid offset value: ${offsetRaw}`)
    start += off
  }
  const limitRaw = q1(query, 'limit')
  let limit: number | undefined
  if (limitRaw !== undefined) {
    const l = Number(limitRaw)
    if (!/^\d+$/.test(limitRaw) || !Number.isInteger(l))
      throw new BadRequestError('limit param must be an integer')
    limit = l
  }
  const max = 1000
  const eff = limit === undefined ? max : Math.min(limit, max)
  const items = sorted.slice(start, start + eff)
  return { items, next: eff > 0 && items.length === eff, total: rows.length }
}

/** The "next" link Cinder adds when a page is full (same path, marker = last id). */
export function nextLinks(
  request: FastifyRequest,
  page: Page<{ id: string }>,
  path: string,
): { href: string; rel: string }[] | undefined {
  if (!page.next || page.items.length === 0) return undefined
  const last = page.items[page.items.length - 1]!
  const params = new URLSearchParams()
  for (const [k, v] of Object.entries(request.query as Query)) {
    if (k === 'marker' || v === undefined) continue
    for (const x of Array.isArray(v) ? v : [v]) params.append(k, x)
  }
  params.append('marker', last.id)
  return [
    {
      href: `${volumeBase(request)}/v3/${urlProject(request)}/${path}?${params.toString()}`,
      rel: 'next',
    },
  ]
}

/** all_tenants=1 lets an admin list every project's resources. */
export function allTenants(request: FastifyRequest): boolean {
  const v = q1(request.query as Query, 'all_tenants')
  return v !== undefined && isAdmin(request.auth) && boolParam(v) !== false
}
