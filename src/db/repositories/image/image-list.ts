import { type ExpressionBuilder, type Expression, type SqlBool } from 'kysely'
import type { Db } from '../../database.js'
import type { Database } from '../../schema.js'
import { withDetails } from './images.js'
import type { ImageRecord, ImageRow } from './rows.js'

/** Columns a list may filter and sort on. */
export type ImageColumn =
  | 'id'
  | 'name'
  | 'status'
  | 'container_format'
  | 'disk_format'
  | 'owner'
  | 'checksum'
  | 'os_hash_value'
  | 'size'
  | 'virtual_size'
  | 'min_disk'
  | 'min_ram'
  | 'protected'
  | 'created_at'
  | 'updated_at'

export type FilterOp = 'eq' | 'neq' | 'in' | 'gt' | 'gte' | 'lt' | 'lte'

export interface ColumnFilter {
  readonly column: ImageColumn
  readonly op: FilterOp
  readonly value: string | number | readonly (string | number)[]
}

/** Glance's image_get_all inputs, already validated by the service. */
export interface ImageListQuery {
  /** Project of the caller (Glance's context.owner); undefined for unscoped tokens. */
  readonly project: string | undefined
  /** Admins see every image, not only their own, shared and public ones. */
  readonly admin: boolean
  /** Which memberships make a shared image appear: pending, accepted, rejected or all. */
  readonly memberStatus: string
  /** public, community, shared, private or all; undefined: the default view. */
  readonly visibility: string | undefined
  readonly osHidden: boolean
  readonly filters: readonly ColumnFilter[]
  readonly properties: Readonly<Record<string, string>>
  readonly tags: readonly string[]
  readonly sort: readonly { readonly key: ImageColumn; readonly dir: 'asc' | 'desc' }[]
  readonly marker: string | undefined
  readonly limit: number
}

export type ListResult = { images: ImageRecord[]; more: boolean } | { markerNotFound: true }

type Eb = ExpressionBuilder<Database, 'images'>

function scope(eb: Eb, q: ImageListQuery): Expression<SqlBool> {
  const all: Expression<SqlBool>[] = [
    eb('images.deleted', '=', 0),
    eb('images.status', '!=', 'killed'),
  ]
  if (!q.admin) {
    const member = eb.exists(
      eb
        .selectFrom('image_members')
        .select('image_members.image_id')
        .whereRef('image_members.image_id', '=', 'images.id')
        .where('image_members.member', '=', q.project ?? '')
        .$if(q.memberStatus !== 'all', (s) => s.where('image_members.status', '=', q.memberStatus)),
    )
    const branches = [eb('images.visibility', 'in', ['public', 'community'])]
    if (q.project !== undefined) {
      branches.push(
        eb('images.owner', '=', q.project),
        eb.and([eb('images.visibility', '=', 'shared'), member]),
      )
    }
    all.push(eb.or(branches))
  }
  if (q.visibility !== undefined) {
    if (q.visibility !== 'all') all.push(eb('images.visibility', '=', q.visibility))
  } else if (q.project === undefined) {
    all.push(eb('images.visibility', '!=', 'community'))
  } else {
    all.push(
      eb.or([eb('images.owner', '=', q.project), eb('images.visibility', '!=', 'community')]),
    )
  }
  all.push(eb('images.os_hidden', '=', q.osHidden ? 1 : 0))
  for (const f of q.filters) {
    const col = `images.${f.column}` as const
    if (f.op === 'in') all.push(eb(col, 'in', [...(f.value as (string | number)[])]))
    else all.push(eb(col, OPS[f.op], f.value as string | number))
  }
  for (const [name, value] of Object.entries(q.properties)) {
    all.push(
      eb.exists(
        eb
          .selectFrom('image_properties')
          .select('image_properties.image_id')
          .whereRef('image_properties.image_id', '=', 'images.id')
          .where('image_properties.name', '=', name)
          .where('image_properties.value', '=', value),
      ),
    )
  }
  for (const tag of q.tags) {
    all.push(
      eb.exists(
        eb
          .selectFrom('image_tags')
          .select('image_tags.image_id')
          .whereRef('image_tags.image_id', '=', 'images.id')
          .where('image_tags.value', '=', tag),
      ),
    )
  }
  return eb.and(all)
}

const OPS = { eq: '=', neq: '!=', gt: '>', gte: '>=', lt: '<', lte: '<=' } as const

/** Orders like MySQL (Glance's reference database): NULL sorts before any value. */
function compare(a: ImageRow, b: ImageRow, sort: ImageListQuery['sort']): number {
  for (const { key, dir } of sort) {
    const x = a[key]
    const y = b[key]
    let c: number
    if (x === null || y === null) c = x === y ? 0 : x === null ? -1 : 1
    else if (
      typeof x === 'number' ||
      typeof y === 'number' ||
      key === 'size' ||
      key === 'virtual_size'
    )
      c = Number(x) - Number(y)
    else c = x < y ? -1 : x > y ? 1 : 0
    if (c !== 0) return dir === 'asc' ? c : -c
  }
  return 0
}

/**
 * One page of images. Filtering and visibility run in SQL; ordering and the
 * marker run here so that NULLs order the same on SQLite and PostgreSQL.
 * `created_at` and `id` are appended as tie-breakers (Glance does the same).
 */
export async function listImages(db: Db, q: ImageListQuery): Promise<ListResult> {
  const rows = await db
    .selectFrom('images')
    .selectAll()
    .where((eb) => scope(eb, q))
    .execute()
  const defaultDir = q.sort[0]?.dir ?? 'desc'
  const sort = [...q.sort]
  for (const key of ['created_at', 'id'] as const)
    if (!sort.some((s) => s.key === key)) sort.push({ key, dir: defaultDir })
  rows.sort((a, b) => compare(a, b, sort))
  let start = 0
  if (q.marker !== undefined) {
    const marker = rows.find((r) => r.id === q.marker) ?? (await markerRow(db, q))
    if (!marker) return { markerNotFound: true }
    start = rows.findIndex((r) => compare(r, marker, sort) > 0)
    if (start < 0) start = rows.length
  }
  const page = rows.slice(start, start + q.limit)
  return { images: await withDetails(db, page), more: start + q.limit < rows.length }
}

/** The marker image when the filters exclude it: it must still be one the caller may see. */
async function markerRow(db: Db, q: ImageListQuery): Promise<ImageRow | undefined> {
  const visible: ImageListQuery = {
    ...q,
    filters: [],
    properties: {},
    tags: [],
    visibility: 'all',
    memberStatus: 'all',
  }
  return db
    .selectFrom('images')
    .selectAll()
    .where('images.id', '=', q.marker ?? '')
    .where((eb) => scope(eb, visible))
    .executeTakeFirst()
}
