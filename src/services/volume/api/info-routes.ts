import type { FastifyPluginAsync, FastifyRequest } from 'fastify'
import { isAdmin } from '../../../common/auth-context.js'
import {
  BadRequestError,
  ForbiddenError,
  NotFoundError,
  NotImplementedError,
} from '../../../common/errors.js'
import {
  listPoolRows,
  listServiceRows,
  setServiceDisabled,
} from '../../../db/repositories/volume/backends.js'
import { freezeHost, thawHost } from '../backend-freeze.js'
import { hostMatches } from '../host-match.js'
import { projectLimits, projectUsage } from '../quota.js'
import { callerProject } from '../volumes-service.js'
import type { VolumeContext } from '../volume-context.js'
import { availabilityZones } from '../zones.js'
import { boolParam, cinderTime, q1, type Query } from './common.js'
import { mv } from './microversion.js'

function requireAdmin(r: FastifyRequest): void {
  if (!isAdmin(r.auth)) throw new ForbiddenError('Policy does not allow this operation.')
}

const EXTENSIONS: [string, string, string][] = [
  ['os-admin-actions', 'AdminActions', 'Enable admin actions.'],
  ['os-availability-zone', 'AvailabilityZones', 'Describe Availability Zones.'],
  ['backups', 'Backups', 'Backups support.'],
  ['capabilities', 'Capabilities', 'Capabilities support.'],
  ['os-extended-services', 'ExtendedServices', 'Extended services support.'],
  [
    'os-extended-snapshot-attributes',
    'ExtendedSnapshotAttributes',
    'Extended SnapshotAttributes support.',
  ],
  ['os-quota-sets', 'Quotas', 'Quota management support.'],
  ['scheduler-stats', 'Scheduler_stats', 'Scheduler stats support.'],
  ['os-hosts', 'Hosts', 'Admin-only host administration.'],
  ['os-services', 'Services', 'Services support.'],
  ['os-snapshot-actions', 'SnapshotActions', 'Enable snapshot manager actions.'],
  ['os-types-extra-specs', 'TypesExtraSpecs', 'Type extra specs support.'],
  ['os-types-manage', 'TypesManage', 'Types manage support.'],
  ['os-used-limits', 'UsedLimits', 'Provide data on limited resources that are being used.'],
  ['os-vol-host-attr', 'VolumeHostAttribute', 'Expose host as an attribute of a volume.'],
  ['os-volume-actions', 'VolumeActions', 'Enable volume actions.'],
  ['os-vol-image-meta', 'VolumeImageMetadata', 'Show image metadata associated with the volume.'],
  [
    'os-vol-mig-status-attr',
    'VolumeMigStatusAttribute',
    'Expose migration_status as an attribute of a volume.',
  ],
  [
    'os-vol-tenant-attr',
    'VolumeTenantAttribute',
    'Expose the internal project_id as an attribute of a volume.',
  ],
  ['os-volume-transfer', 'VolumeTransfer', 'Volume transfer management support.'],
  ['os-volume-type-access', 'VolumeTypeAccess', 'Volume type access support.'],
  ['encryption', 'VolumeTypeEncryption', 'Encryption support for volume types.'],
]

const CINDER_HOST = /^[a-zA-Z0-9-._#@:/+[\]]*$/

/**
 * The host of a freeze/thaw body (Cinder's freeze_and_thaw schema and
 * get_cluster_host). From 3.26 a cluster may be named instead; there are no
 * clusters here, so naming one finds no service.
 */
function freezeTarget(r: FastifyRequest): string {
  const body = r.body ?? {}
  if (typeof body !== 'object' || Array.isArray(body))
    throw new BadRequestError('Invalid input for field/attribute body. Value: {}. Not an object')
  const b = body as Record<string, unknown>
  for (const k of Object.keys(b))
    if (k !== 'host' && k !== 'cluster')
      throw new BadRequestError(
        `Invalid input for field/attribute body. Additional properties are not allowed ('${k}' was unexpected)`,
      )
  const { host, cluster } = b
  if (
    cluster !== undefined &&
    cluster !== null &&
    (typeof cluster !== 'string' || cluster.length > 255)
  )
    throw new BadRequestError('Invalid input for field/attribute cluster.')
  if (
    host !== undefined &&
    host !== null &&
    (typeof host !== 'string' || host.length < 1 || host.length > 255 || !CINDER_HOST.test(host))
  )
    throw new BadRequestError('Invalid input for field/attribute host.')
  const clustered = mv(r, 26)
  const clusterName = clustered ? cluster || undefined : undefined
  if (Boolean(clusterName) === Boolean(host))
    throw new BadRequestError(
      clustered ? 'One and only one of cluster and host must be set.' : 'Host field is missing.',
    )
  if (clusterName) throw new BadRequestError(`No service found with cluster=${clusterName}`)
  return host as string
}

/** limits, availability zones, services, pools, extensions. */
export function infoRoutes(ctx: VolumeContext): FastifyPluginAsync {
  return async (app) => {
    app.get('/limits', async (r) => {
      const project = callerProject(r.auth)
      const l = await projectLimits(ctx, ctx.db, project)
      const u = await projectUsage(ctx, ctx.db, project)
      return {
        limits: {
          rate: [],
          absolute: {
            totalSnapshotsUsed: u['snapshots'] ?? 0,
            maxTotalBackups: l['backups'],
            maxTotalVolumeGigabytes: l['gigabytes'],
            maxTotalSnapshots: l['snapshots'],
            maxTotalBackupGigabytes: l['backup_gigabytes'],
            totalBackupGigabytesUsed: u['backup_gigabytes'] ?? 0,
            maxTotalVolumes: l['volumes'],
            totalVolumesUsed: u['volumes'] ?? 0,
            totalBackupsUsed: u['backups'] ?? 0,
            totalGigabytesUsed: u['gigabytes'] ?? 0,
          },
        },
      }
    })

    app.get('/os-availability-zone', async () => ({
      availabilityZoneInfo: (await availabilityZones(ctx)).map((z) => ({
        zoneName: z,
        zoneState: { available: true },
      })),
    }))

    app.get('/os-services', async (r) => {
      requireAdmin(r)
      const q = r.query as Query
      const cutoff = new Date(Date.now() - ctx.conf.service_down_time * 1000).toISOString()
      const rows = (await listServiceRows(ctx.db)).filter(
        (s) =>
          (q1(q, 'host') === undefined || hostMatches(q1(q, 'host')!, s.host)) &&
          (q1(q, 'binary') === undefined || s.binary === q1(q, 'binary')),
      )
      return {
        services: rows.map((s) => {
          const up = s.updated_at >= cutoff
          return {
            binary: s.binary,
            host: s.host,
            zone: s.availability_zone,
            status: s.disabled ? 'disabled' : 'enabled',
            state: up ? 'up' : 'down',
            updated_at: cinderTime(s.updated_at),
            disabled_reason: s.disabled_reason,
            ...(s.binary === 'cinder-volume'
              ? { replication_status: 'disabled', active_backend_id: null, frozen: s.frozen === 1 }
              : {}),
            ...(mv(r, 7) ? { cluster: null } : {}),
            ...(mv(r, 49) && s.binary === 'cinder-volume'
              ? { backend_state: up ? 'up' : 'down' }
              : {}),
          }
        }),
      }
    })
    app.put<{ Params: { action: string } }>('/os-services/:action', async (r, reply) => {
      requireAdmin(r)
      const b = (r.body ?? {}) as { host?: string; binary?: string; disabled_reason?: string }
      const action = r.params.action
      if (action === 'freeze' || action === 'thaw') {
        const host = freezeTarget(r)
        await (action === 'freeze' ? freezeHost(ctx, host) : thawHost(ctx, host))
        // Cinder's action returns None: 200 with no body.
        return reply.code(200).send()
      }
      if (!['enable', 'disable', 'disable-log-reason'].includes(action))
        throw new NotImplementedError(`Service action ${action} is not supported.`)
      if (!b.host) throw new BadRequestError('Missing required element host in request body.')
      if (
        action === 'disable-log-reason' &&
        (typeof b.disabled_reason !== 'string' ||
          b.disabled_reason.trim() === '' ||
          b.disabled_reason.length > 255)
      )
        throw new BadRequestError(
          "Invalid input for field/attribute disabled_reason. 'disabled_reason' is a required property",
        )
      const binary = b.binary ?? 'cinder-volume'
      const disabled = action !== 'enable'
      const reason = action === 'disable-log-reason' ? (b.disabled_reason ?? null) : null
      if ((await setServiceDisabled(ctx.db, binary, b.host, disabled, reason)) === 0)
        throw new NotFoundError(`Service ${b.host} could not be found.`)
      return {
        host: b.host,
        binary,
        status: disabled ? 'disabled' : 'enabled',
        disabled,
        ...(reason ? { disabled_reason: reason } : {}),
      }
    })

    app.get('/scheduler-stats/get_pools', async (r) => {
      requireAdmin(r)
      const detail = boolParam(q1(r.query as Query, 'detail') ?? 'false') === true
      const pools = await listPoolRows(ctx.db)
      return {
        pools: pools.map((p) =>
          detail
            ? {
                name: p.name,
                capabilities: {
                  ...(JSON.parse(p.capabilities) as Record<string, unknown>),
                  total_capacity_gb: p.total_capacity_gb,
                  free_capacity_gb: p.free_capacity_gb,
                  allocated_capacity_gb: p.allocated_capacity_gb,
                  provisioned_capacity_gb: p.allocated_capacity_gb,
                  reserved_percentage: p.reserved_percentage,
                  max_over_subscription_ratio: p.max_over_subscription_ratio,
                  QoS_support: false,
                  timestamp: cinderTime(p.updated_at),
                },
              }
            : { name: p.name },
        ),
      }
    })
    app.get<{ Params: { host: string } }>('/capabilities/:host', async (r) => {
      requireAdmin(r)
      const pool = (await listPoolRows(ctx.db)).find(
        (p) => p.backend === r.params.host || p.name === r.params.host,
      )
      if (!pool) throw new NotFoundError(`Service ${r.params.host} could not be found.`)
      const caps = JSON.parse(pool.capabilities) as Record<string, unknown>
      return {
        namespace: `OS::Storage::Capabilities::${r.params.host}`,
        vendor_name: caps['vendor_name'],
        volume_backend_name: caps['volume_backend_name'],
        pool_name: caps['pool_name'] ?? null,
        driver_version: caps['driver_version'],
        storage_protocol: caps['storage_protocol'],
        display_name: null,
        description: null,
        visibility: null,
        replication_targets: [],
        properties: {},
      }
    })

    app.get('/extensions', async () => ({
      extensions: EXTENSIONS.map(([alias, name, description]) => ({
        alias,
        name,
        description,
        updated: '2023-01-01T00:00:00+00:00',
        links: [],
      })),
    }))
  }
}
