import type { AuthContext } from '../../common/auth-context.js'
import { BadRequestError } from '../../common/errors.js'
import {
  listImages,
  type ColumnFilter,
  type ImageColumn,
  type ImageListQuery,
} from '../../db/repositories/image/image-list.js'
import type { ImageRecord } from '../../db/repositories/image/rows.js'
import type { ImageContext } from './image-context.js'
import { isAdmin, projectOf } from './image-policy.js'

/** Raw query: Fastify gives an array for a repeated parameter. */
export type RawQuery = Readonly<Record<string, string | string[] | undefined>>

const SORT_KEYS = [
  'name',
  'status',
  'container_format',
  'disk_format',
  'size',
  'id',
  'created_at',
  'updated_at',
] as const
const OP_COLUMNS = ['name', 'id', 'status', 'container_format', 'disk_format'] as const
const TIME_COLUMNS = ['created_at', 'updated_at'] as const
const NUMERIC = ['size', 'virtual_size', 'min_disk', 'min_ram'] as const
const EQ_COLUMNS = ['owner', 'checksum', 'os_hash_value', ...NUMERIC] as const
const TIME_OPS = ['gt', 'gte', 'lt', 'lte', 'neq', 'eq'] as const

const all = (v: string | string[] | undefined): string[] =>
  v === undefined ? [] : Array.isArray(v) ? v : [v]
const last = (v: string | string[] | undefined): string | undefined => all(v).at(-1)
const bad = (msg: string): BadRequestError => new BadRequestError(msg)

function sorting(q: RawQuery): ImageListQuery['sort'] {
  const key = (k: string): ImageColumn => {
    if (!(SORT_KEYS as readonly string[]).includes(k)) {
      throw bad(`Invalid sort key: ${k}. It must be one of the following: ${SORT_KEYS.join(', ')}.`)
    }
    return k as ImageColumn
  }
  const dir = (d: string): 'asc' | 'desc' => {
    if (d !== 'asc' && d !== 'desc') throw bad(`Invalid sort direction: ${d}`)
    return d
  }
  if (q['sort'] !== undefined) {
    if (q['sort_key'] !== undefined || q['sort_dir'] !== undefined)
      throw bad('Old and new sorting syntax cannot be combined')
    return (last(q['sort']) ?? '')
      .trim()
      .split(',')
      .map((p) => {
        const [k = '', d] = p.split(':')
        return { key: key(k.trim()), dir: dir((d ?? 'desc').trim() || 'desc') }
      })
  }
  const keys = all(q['sort_key']).map((k) => key(k.trim()))
  const dirs = all(q['sort_dir']).map((d) => dir(d.trim()))
  if (dirs.length > 1 && dirs.length !== keys.length)
    throw bad('Number of sort dirs does not match the number of sort keys')
  const ks = keys.length ? keys : (['created_at'] as ImageColumn[])
  return ks.map((k, i) => ({ key: k, dir: dirs[dirs.length > 1 ? i : 0] ?? 'desc' }))
}

function splitOp(expr: string): [string, string] {
  const i = expr.indexOf(':')
  if (i < 0 || !Number.isNaN(Date.parse(expr))) return ['eq', expr]
  return [expr.slice(0, i), expr.slice(i + 1)]
}

function columnFilter(key: string, raw: string): ColumnFilter | undefined {
  if (key.endsWith('_min') || key.endsWith('_max')) {
    const column = key.slice(0, -4)
    if (!/^-?\d+$/.test(raw.trim()))
      throw bad('Unable to filter on a range with a non-numeric value.')
    if (!(NUMERIC as readonly string[]).includes(column))
      throw bad(`Unable to filter on a range of ${column}.`)
    return {
      column: column as ImageColumn,
      op: key.endsWith('_min') ? 'gte' : 'lte',
      value: Number(raw),
    }
  }
  if ((TIME_COLUMNS as readonly string[]).includes(key)) {
    const [op, time] = splitOp(raw)
    if (!(TIME_OPS as readonly string[]).includes(op))
      throw bad('Unable to filter on a unknown operator.')
    const t = Date.parse(time)
    if (Number.isNaN(t) || !/^\d{4}-\d{2}-\d{2}/.test(time))
      throw bad(`Bad "${key}" query filter format. Use ISO 8601 DateTime notation.`)
    return {
      column: key as ImageColumn,
      op: op as ColumnFilter['op'],
      value: new Date(t).toISOString(),
    }
  }
  if ((OP_COLUMNS as readonly string[]).includes(key)) {
    const [op, value] = raw.startsWith('in:') || raw.startsWith('eq:') ? splitOp(raw) : ['eq', raw]
    if (op === 'in') return { column: key as ImageColumn, op: 'in', value: splitIn(value) }
    return { column: key as ImageColumn, op: 'eq', value }
  }
  if ((EQ_COLUMNS as readonly string[]).includes(key)) {
    if ((NUMERIC as readonly string[]).includes(key)) {
      if (!/^-?\d+$/.test(raw.trim()))
        throw bad(`Invalid value '${raw}' for filter '${key}': it must be an integer.`)
      return { column: key as ImageColumn, op: 'eq', value: Number(raw) }
    }
    return { column: key as ImageColumn, op: 'eq', value: raw }
  }
  return undefined
}

/** `in:` values: comma separated, double quotes protect commas (api-wg). */
function splitIn(value: string): string[] {
  if ((value.match(/"/g) ?? []).length % 2 !== 0)
    throw bad('Invalid filter value: quotes are not closed.')
  const out: string[] = []
  const re = /"((?:[^"\\]|\\.)*)",?|([^,]+),?|,/g
  for (let m = re.exec(value); m && m[0] !== ''; m = re.exec(value)) out.push(m[1] ?? m[2] ?? '')
  return out
}

function bool(name: string, v: string | undefined): boolean | undefined {
  if (v === undefined) return undefined
  const l = v.toLowerCase()
  if (l !== 'true' && l !== 'false')
    throw bad(`Invalid value '${v}' for '${name}' filter. Valid values are 'true' or 'false'.`)
  return l === 'true'
}

/** GET /v2/images: Glance's deserializer + controller + image_get_all. */
export async function listImagesFor(
  ctx: ImageContext,
  auth: AuthContext,
  q: RawQuery,
): Promise<{ images: ImageRecord[]; nextMarker: string | undefined }> {
  const cfg = ctx.config.image
  const rawLimit = last(q['limit'])
  let limit = cfg.limit_param_default
  if (rawLimit !== undefined) {
    if (!/^-?\d+$/.test(rawLimit.trim())) throw bad('limit param must be an integer')
    limit = Number(rawLimit)
    if (limit < 0) throw bad('limit param must be positive')
  }
  limit = Math.min(cfg.api_limit_max, limit)
  const memberStatus = last(q['member_status']) ?? 'accepted'
  if (!['pending', 'accepted', 'rejected', 'all'].includes(memberStatus))
    throw bad(`Invalid status: ${memberStatus}`)
  const visibility = last(q['visibility'])
  if (visibility && !['community', 'public', 'private', 'shared', 'all'].includes(visibility)) {
    throw bad(`Invalid visibility value: ${visibility}`)
  }
  if (q['changes-since'] !== undefined)
    throw bad('The "changes-since" filter is no longer available on v2.')
  const osHidden = bool('os_hidden', last(q['os_hidden'])) ?? false
  const prot = bool('protected', last(q['protected']))
  const filters: ColumnFilter[] =
    prot === undefined ? [] : [{ column: 'protected', op: 'eq', value: prot ? 1 : 0 }]
  const properties: Record<string, string> = {}
  const skip = new Set([
    'limit',
    'marker',
    'member_status',
    'visibility',
    'os_hidden',
    'protected',
    'sort',
    'sort_key',
    'sort_dir',
    'tag',
  ])
  for (const [key, v] of Object.entries(q)) {
    const value = last(v)
    if (skip.has(key) || value === undefined) continue
    const f = columnFilter(key, value)
    if (f) filters.push(f)
    else properties[key] = value
  }
  const res = await listImages(ctx.db, {
    project: projectOf(auth),
    admin: isAdmin(auth),
    memberStatus,
    visibility: visibility || undefined,
    osHidden,
    filters,
    properties,
    tags: all(q['tag']).map((t) => t.trim()),
    sort: sorting(q),
    marker: last(q['marker']),
    limit,
  })
  if ('markerNotFound' in res) throw bad(`No image found with ID ${last(q['marker'])}`)
  // Glance offers a next page whenever the page is full, even if it will be empty.
  const nextMarker =
    res.images.length > 0 && res.images.length === limit ? res.images.at(-1)?.id : undefined
  return { images: res.images, nextMarker }
}
