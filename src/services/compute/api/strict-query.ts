import type { FastifyRequest } from 'fastify'
import { BadRequestError } from '../../../common/errors.js'
import { JOINED_TABLES, TAG_FILTERS } from '../servers-list-query.js'

/**
 * Microversion 2.75 closed the query schemas of the APIs below: before it,
 * Nova dropped unknown query parameters; from it, each one is a 400. The
 * allowed names are Nova's 2.75 query schemas (nova/api/openstack/compute/
 * schemas/*.py), keyed by `METHOD route` below /compute/v2.1.
 */

const PAGINATION = ['limit', 'marker']

const SERVER_FILTERS = [
  'user_id',
  'project_id',
  'tenant_id',
  'launch_index',
  'image_ref',
  'image',
  'kernel_id',
  'ramdisk_id',
  'hostname',
  'key_name',
  'power_state',
  'vm_state',
  'task_state',
  'host',
  'node',
  'flavor',
  'reservation_id',
  'launched_at',
  'terminated_at',
  'availability_zone',
  'name',
  'display_name',
  'description',
  'display_description',
  'locked_by',
  'uuid',
  'root_device_name',
  'config_drive',
  'access_ip_v4',
  'access_ip_v6',
  'auto_disk_config',
  'progress',
  'sort_key',
  'sort_dir',
  'all_tenants',
  'soft_deleted',
  'deleted',
  'status',
  'changes-since',
  'ip',
  'ip6',
  'created_at',
  ...JOINED_TABLES,
  ...PAGINATION,
  ...TAG_FILTERS,
  'changes-before',
  'locked',
]

const FLAVOR_QUERY = [...PAGINATION, 'is_public', 'minRam', 'minDisk', 'sort_key', 'sort_dir']
const USER_ONLY = ['user_id']

const ALLOWED_275: Readonly<Record<string, readonly string[]>> = {
  'GET /servers': SERVER_FILTERS,
  'GET /servers/detail': SERVER_FILTERS,
  'GET /flavors': FLAVOR_QUERY,
  'GET /flavors/detail': FLAVOR_QUERY,
  'GET /os-keypairs': ['user_id', ...PAGINATION],
  'GET /os-keypairs/:name': USER_ONLY,
  'DELETE /os-keypairs/:name': USER_ONLY,
  'GET /limits': ['tenant_id'],
  'GET /os-quota-sets/:id': USER_ONLY,
  'GET /os-quota-sets/:id/detail': USER_ONLY,
  'PUT /os-quota-sets/:id': USER_ONLY,
  'DELETE /os-quota-sets/:id': USER_ONLY,
  'GET /os-server-groups': ['all_projects', 'limit', 'offset'],
  'GET /os-services': ['host', 'binary'],
  'GET /os-simple-tenant-usage': ['start', 'end', 'detailed', ...PAGINATION],
  'GET /os-simple-tenant-usage/:id': ['start', 'end', ...PAGINATION],
  'GET /servers/:id/os-volume_attachments': ['limit', 'offset'],
}

const SETS = new Map(Object.entries(ALLOWED_275).map(([k, v]) => [k, new Set(v)]))

/** Refuses, from 2.75, a query parameter the route's Nova schema does not name. */
export function checkStrictQuery(request: FastifyRequest): void {
  if (request.computeMicroversion < 75) return
  const url = request.routeOptions.url
  if (url === undefined) return
  // Route urls carry the mount point (/compute/v2.1/…); the table does not.
  const allowed = SETS.get(`${request.method} ${url.replace(/^.*?\/v2\.1(?=\/)/, '')}`)
  if (!allowed) return
  for (const key of Object.keys(request.query as Record<string, unknown>))
    if (!allowed.has(key))
      throw new BadRequestError(
        `Invalid input for query parameters ${key}. Value: ${key}. Additional properties are not allowed ('${key}' was unexpected)`,
      )
}
