import { isAdmin, type AuthContext } from '../../common/auth-context.js'
import { BadRequestError, ForbiddenError } from '../../common/errors.js'
import { tagsOfMany } from '../../db/repositories/compute/instance-tags.js'
import {
  getInstance,
  parseInstanceFlavor,
  queryInstances,
  type InstanceRow,
  type InstanceSqlFilter,
} from '../../db/repositories/compute/instances.js'
import type { ComputeContext } from './compute-context.js'
import { networkInfoOf } from './servers-network-info.js'
import {
  pageParams,
  parseTime,
  searchOptions,
  sortSpec,
  strictBool,
  type RawQuery,
  type SortSpec,
} from './servers-list-query.js'
import { statesForStatus } from './states.js'

/** Nova's [api] max_limit. */
export const MAX_LIMIT = 1000

export interface ServerPage {
  readonly rows: InstanceRow[]
  /** The effective page size, for the servers_links rule. */
  readonly limit: number
}

function regex(field: string, v: string): RegExp {
  try {
    return new RegExp(v)
  } catch {
    throw new BadRequestError(
      `Invalid input for query parameters ${field}. Value: ${v}. '${v}' is not a 'regex'`,
    )
  }
}

const idOf = (ref: string): string => ref.split('?')[0]?.split('/').pop() ?? ref

/** Compares two rows on the sort spec (nulls first ascending, as in SQL's NULLS FIRST of sqlalchemy-utils paginate). */
function comparator(spec: SortSpec): (a: InstanceRow, b: InstanceRow) => number {
  return (a, b) => {
    for (const [i, key] of spec.keys.entries()) {
      const col = (key === 'instance_type_id' ? 'flavor' : key) as keyof InstanceRow
      const va = a[col] as string | number | null | undefined
      const vb = b[col] as string | number | null | undefined
      let c: number
      if (va === vb) c = 0
      else if (va === null || va === undefined) c = -1
      else if (vb === null || vb === undefined) c = 1
      else c = va < vb ? -1 : 1
      if (c !== 0) return spec.dirs[i] === 'desc' ? -c : c
    }
    return 0
  }
}

interface RowFilter {
  (row: InstanceRow): boolean
}

/**
 * GET /servers and /servers/detail (Nova's _get_servers + compute get_all):
 * filters, sort and marker/limit paging; regex filters run on the rows.
 */
export async function listServers(
  ctx: ComputeContext,
  auth: AuthContext,
  mv: number,
  q: RawQuery,
  detail = false,
): Promise<ServerPage> {
  const admin = isAdmin(auth)
  const opts = searchOptions(auth, mv, q)
  const one = (k: string): string | undefined => opts.get(k)?.at(-1)
  const sql: { -readonly [K in keyof InstanceSqlFilter]: InstanceSqlFilter[K] } = {}
  const rowFilters: RowFilter[] = []

  if (opts.has('status')) {
    const vm: string[] = []
    const task: string[] = []
    let any = false
    for (const s of opts.get('status') ?? []) {
      const st = statesForStatus(s)
      if (!st) continue
      any = true
      vm.push(...st.vmStates)
      if (st.taskStates) task.push(...st.taskStates)
    }
    if (!any) {
      if (mv >= 38) throw new BadRequestError('Invalid status value')
      return { rows: [], limit: pageParams(q, MAX_LIMIT).limit }
    }
    sql.vmStates = [...new Set(vm)]
    if (task.length > 0) sql.taskStates = [...new Set(task)]
  } else if (opts.has('vm_state')) sql.vmStates = opts.get('vm_state') ?? []
  if (!opts.has('status') && opts.has('task_state')) sql.taskStates = opts.get('task_state') ?? []

  const since = one('changes-since')
  // Before 2.66 an unknown filter, which Nova ignores.
  const before = mv >= 66 ? one('changes-before') : undefined
  if (since !== undefined) sql.changesSince = parseTime('changes-since', since)
  if (before !== undefined) {
    sql.changesBefore = parseTime('changes-before', before)
    if (sql.changesSince && sql.changesBefore < sql.changesSince)
      throw new BadRequestError(
        'The value of changes-since must be less than or equal to changes-before.',
      )
  }
  const deleted = one('deleted')
  if (deleted !== undefined) sql.deleted = strictBoolOr(deleted, false)
  else if (since === undefined && before === undefined) sql.deleted = false
  if (sql.vmStates?.length === 1 && sql.vmStates[0] === 'deleted') {
    if (!admin) throw new ForbiddenError('Only administrators may list deleted instances')
    sql.deleted = true
  }

  const allTenants = opts.has('all_tenants')
    ? one('all_tenants') === '' || strictBool(one('all_tenants') ?? '')
    : false
  if (allTenants) {
    if (!admin)
      throw new ForbiddenError(
        `Policy doesn't allow os_compute_api:servers:${detail ? 'detail' : 'index'}:get_all_tenants to be performed.`,
      )
    const project = one('project_id') ?? one('tenant_id')
    if (project !== undefined) sql.projectId = project
  } else if (auth.project) sql.projectId = auth.project.id
  else sql.userId = auth.userId
  if (admin && one('user_id') !== undefined) sql.userId = one('user_id') as string

  const image = one('image') ?? one('image_ref')
  if (image !== undefined) sql.imageRefs = [idOf(image)]
  const host = one('host')
  if (host !== undefined) sql.host = host
  const resv = one('reservation_id')
  if (resv !== undefined) sql.reservationId = resv
  if (opts.has('uuid')) sql.uuids = opts.get('uuid') ?? []

  const locked = mv >= 73 ? one('locked') : undefined
  if (locked !== undefined) {
    const want = strictBool(locked) ? 1 : 0
    rowFilters.push((r) => r.locked === want)
  }
  const flavor = one('flavor')
  if (flavor !== undefined) rowFilters.push((r) => parseInstanceFlavor(r.flavor).id === flavor)
  for (const [param, col] of [
    ['name', 'display_name'],
    ['display_name', 'display_name'],
    ['description', 'display_description'],
    ['display_description', 'display_description'],
    ['node', 'node'],
    ['hostname', 'hostname'],
    ['key_name', 'key_name'],
    ['availability_zone', 'availability_zone'],
    ['locked_by', 'locked_by'],
    ['config_drive', 'config_drive'],
  ] as const) {
    const v = one(param)
    if (v === undefined) continue
    const re = regex(param, v)
    rowFilters.push((r) => r[col] !== null && re.test(String(r[col])))
  }

  const sort = sortSpec(auth, q, mv)
  const page = pageParams(q, MAX_LIMIT)
  let rows = (await queryInstances(ctx.db, sql)).filter((r) => rowFilters.every((f) => f(r)))
  rows = await filterByIps(ctx, rows, opts.get('ip')?.at(-1), opts.get('ip6')?.at(-1))
  if (mv >= 26) rows = await filterByTags(ctx, rows, opts)
  const cmp = comparator(sort)
  rows.sort(cmp)
  if (page.marker !== undefined) {
    const marker = await getInstance(ctx.db, page.marker)
    if (!marker || (!admin && marker.project_id !== auth.project?.id))
      throw new BadRequestError(`marker [${page.marker}] not found`)
    rows = rows.filter((r) => cmp(r, marker) > 0)
  }
  return { rows: rows.slice(0, page.limit), limit: page.limit }
}

/** Nova returns non-deleted servers when `deleted` is not a boolean. */
function strictBoolOr(v: string, fallback: boolean): boolean {
  try {
    return strictBool(v)
  } catch {
    return fallback
  }
}

/** Nova's _ip_filter: a fixed address matching either regex from its start (re.match). */
async function filterByIps(
  ctx: ComputeContext,
  rows: InstanceRow[],
  ip: string | undefined,
  ip6: string | undefined,
): Promise<InstanceRow[]> {
  if (ip === undefined && ip6 === undefined) return rows
  const anchored = (field: string, v: string | undefined) =>
    v === undefined ? undefined : regex(field, `^(?:${v})`)
  const re4 = anchored('ip', ip)
  const re6 = anchored('ip6', ip6)
  const info = await networkInfoOf(
    ctx.db,
    rows.map((r) => r.uuid),
  )
  return rows.filter((r) =>
    [...(info.get(r.uuid)?.addresses.values() ?? [])]
      .flat()
      .some(
        (a) =>
          a.type === 'fixed' &&
          ((a.version === 4 && re4?.test(a.addr) === true) ||
            (a.version === 6 && re6?.test(a.addr) === true)),
      ),
  )
}

async function filterByTags(
  ctx: ComputeContext,
  rows: InstanceRow[],
  opts: Map<string, string[]>,
): Promise<InstanceRow[]> {
  const list = (k: string): string[] | undefined => opts.get(k)?.at(-1)?.split(',')
  const tags = list('tags')
  const tagsAny = list('tags-any')
  const notTags = list('not-tags')
  const notTagsAny = list('not-tags-any')
  if (!tags && !tagsAny && !notTags && !notTagsAny) return rows
  const byUuid = await tagsOfMany(
    ctx.db,
    rows.map((r) => r.uuid),
  )
  return rows.filter((r) => {
    const have = new Set(byUuid.get(r.uuid) ?? [])
    if (tags && !tags.every((t) => have.has(t))) return false
    if (tagsAny && !tagsAny.some((t) => have.has(t))) return false
    if (notTags && notTags.every((t) => have.has(t))) return false
    if (notTagsAny && notTagsAny.some((t) => have.has(t))) return false
    return true
  })
}
