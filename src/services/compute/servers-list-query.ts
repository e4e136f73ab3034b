import { isAdmin, type AuthContext } from '../../common/auth-context.js'
import { BadRequestError, ForbiddenError } from '../../common/errors.js'

/** Query values as Fastify parses them: repeated keys become arrays. */
export type RawQuery = Readonly<Record<string, string | string[] | undefined>>

export const all = (q: RawQuery, key: string): string[] => {
  const v = q[key]
  return v === undefined ? [] : Array.isArray(v) ? v : [v]
}
export const last = (q: RawQuery, key: string): string | undefined => all(q, key).at(-1)

const PAGING_SORTING = ['sort_key', 'sort_dir', 'limit', 'marker']
/** Joined-table names Nova's schema accepts only to refuse them in the API. */
export const JOINED_TABLES = [
  'block_device_mapping',
  'services',
  'metadata',
  'system_metadata',
  'info_cache',
  'security_groups',
  'pci_devices',
]
export const TAG_FILTERS = ['tags', 'tags-any', 'not-tags', 'not-tags-any']

/** Nova's _get_server_search_options: what non-admins may filter on. */
function nonAdminOptions(mv: number): string[] {
  const opts = [
    'reservation_id',
    'name',
    'status',
    'image',
    'flavor',
    'ip',
    'changes-since',
    'all_tenants',
  ]
  if (mv >= 5) opts.push('ip6')
  if (mv >= 26) opts.push(...TAG_FILTERS)
  if (mv >= 66) opts.push('changes-before')
  if (mv >= 73) opts.push('locked')
  return opts
}

const IGNORED_SORT_KEYS = new Set([
  'architecture',
  'cell_name',
  'cleaned',
  'default_ephemeral_device',
  'default_swap_device',
  'deleted',
  'deleted_at',
  'disable_terminate',
  'ephemeral_gb',
  'ephemeral_key_uuid',
  'id',
  'key_data',
  'launched_on',
  'locked',
  'memory_mb',
  'os_type',
  'reservation_id',
  'root_gb',
  'shutdown_terminate',
  'user_data',
  'vcpus',
  'vm_mode',
])
/** Sort keys Nova accepts (VALID_SORT_KEYS) that map to our columns. */
const SORT_COLUMNS = new Set([
  'access_ip_v4',
  'access_ip_v6',
  'auto_disk_config',
  'availability_zone',
  'config_drive',
  'created_at',
  'display_description',
  'display_name',
  'host',
  'hostname',
  'image_ref',
  'instance_type_id',
  'kernel_id',
  'key_name',
  'launch_index',
  'launched_at',
  'locked_by',
  'node',
  'power_state',
  'progress',
  'project_id',
  'ramdisk_id',
  'root_device_name',
  'task_state',
  'terminated_at',
  'updated_at',
  'user_id',
  'uuid',
  'vm_state',
])

/** The filters left after Nova's remove_invalid_options (paging and sorting excluded). */
export function searchOptions(auth: AuthContext, mv: number, q: RawQuery): Map<string, string[]> {
  const allowed = isAdmin(auth) ? undefined : nonAdminOptions(mv)
  const out = new Map<string, string[]>()
  for (const key of Object.keys(q)) {
    if (PAGING_SORTING.includes(key)) continue
    if (allowed && !allowed.includes(key)) continue
    if (JOINED_TABLES.includes(key) || key.startsWith('_'))
      throw new BadRequestError(`Invalid filter field: ${key}.`)
    out.set(key, all(q, key))
  }
  return out
}

/** oslo strutils.bool_from_string(strict=True). */
export function strictBool(v: string): boolean {
  const s = v.trim().toLowerCase()
  if (['1', 't', 'true', 'on', 'y', 'yes'].includes(s)) return true
  if (['0', 'f', 'false', 'off', 'n', 'no'].includes(s)) return false
  throw new BadRequestError(
    `Unrecognized value '${v}', acceptable values are: '0', '1', 'f', 'false', 'n', 'no', 'off', 'on', 't', 'true', 'y', 'yes'`,
  )
}

export interface SortSpec {
  readonly keys: string[]
  readonly dirs: ('asc' | 'desc')[]
}

/** get_sort_params + remove_invalid_sort_keys + process_sort_params (defaults created_at, id). */
export function sortSpec(auth: AuthContext, q: RawQuery, mv = 1): SortSpec {
  const keys = all(q, 'sort_key').map((k) => k.trim())
  const dirs = all(q, 'sort_dir').map((d) => d.trim())
  // 2.73 made `locked` a real sort key (before, Nova ignored it).
  const sortable = (k: string) => SORT_COLUMNS.has(k) || (k === 'locked' && mv >= 73)
  // 2.75 closed the schema: the keys Nova used to ignore are now refused.
  const ignored = (k: string) => mv < 75 && IGNORED_SORT_KEYS.has(k) && !sortable(k)
  for (const k of keys)
    if (!sortable(k) && !ignored(k))
      throw new BadRequestError(
        `Invalid input for query parameters sort_key. Value: ${k}. '${k}' is not one of the valid sort keys`,
      )
  const kept: string[] = []
  const keptDirs: string[] = []
  keys.forEach((k, i) => {
    if (ignored(k)) return
    if ((k === 'host' || k === 'node') && !isAdmin(auth))
      throw new ForbiddenError(`Only administrators can sort servers by ${k}`)
    kept.push(k)
    if (dirs[i] !== undefined) keptDirs.push(dirs[i])
  })
  for (const d of dirs)
    if (d !== 'asc' && d !== 'desc')
      throw new BadRequestError("Unknown sort direction, must be 'desc' or 'asc'")
  if (kept.length === 0) kept.push('created_at')
  const defaultDir = (keptDirs[0] ?? (dirs.length === 0 ? 'desc' : dirs[0])) as 'asc' | 'desc'
  if (keptDirs.length > kept.length)
    throw new BadRequestError('Sort direction size exceeds sort key size')
  const outDirs = [...keptDirs] as ('asc' | 'desc')[]
  while (outDirs.length < kept.length) outDirs.push(defaultDir)
  for (const k of ['created_at', 'uuid'])
    if (!kept.includes(k)) {
      kept.push(k)
      outDirs.push(defaultDir)
    }
  return { keys: kept, dirs: outDirs }
}

/** limit (≤ max) and marker of a list request. */
export function pageParams(q: RawQuery, maxLimit: number): { limit: number; marker?: string } {
  const raw = last(q, 'limit')
  let limit = maxLimit
  if (raw !== undefined) {
    if (!/^[0-9]+$/.test(raw))
      throw new BadRequestError(
        `Invalid input for query parameters limit. Value: ${raw}. '${raw}' does not match '^[0-9]*$'`,
      )
    limit = Math.min(maxLimit, Number(raw))
  }
  const marker = last(q, 'marker')
  return { limit, ...(marker !== undefined ? { marker } : {}) }
}

/** An ISO 8601 time parameter (changes-since), normalised; 400 when unparsable. */
export function parseTime(field: string, v: string): string {
  const d = new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(v) || !/T/.test(v) ? v : `${v}Z`)
  if (Number.isNaN(d.getTime()) || !/^\d{4}-\d\d-\d\d/.test(v))
    throw new BadRequestError(`Invalid filter field: ${field}.`)
  return d.toISOString()
}
