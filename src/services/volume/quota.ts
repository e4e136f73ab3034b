import { PostgresAdapter, sql } from 'kysely'
import { PayloadTooLargeError } from '../../common/errors.js'
import type { Db } from '../../db/database.js'
import type { VolumeContext } from './volume-context.js'

/** Cinder's quota resources (per-type ones are `<resource>_<type name>`). */
export const QUOTA_RESOURCES = [
  'volumes',
  'snapshots',
  'gigabytes',
  'backups',
  'backup_gigabytes',
  'groups',
  'per_volume_gigabytes',
] as const

export function defaultLimits(ctx: VolumeContext): Record<string, number> {
  const c = ctx.conf
  return {
    volumes: c.quota_volumes,
    snapshots: c.quota_snapshots,
    gigabytes: c.quota_gigabytes,
    backups: c.quota_backups,
    backup_gigabytes: c.quota_backup_gigabytes,
    groups: c.quota_groups,
    per_volume_gigabytes: c.per_volume_size_limit,
  }
}

/** The rows of a quota class, resource → limit. */
async function classRows(db: Db, className: string): Promise<Record<string, number>> {
  const rows = await db
    .selectFrom('volume_quota_classes')
    .select(['resource', 'hard_limit'])
    .where('class_name', '=', className)
    .execute()
  return Object.fromEntries(rows.map((r) => [r.resource, r.hard_limit]))
}

/**
 * Limits of a quota class (Cinder's get_class_quotas): the configured
 * defaults and per-type keys (-1), the `default` class over them, then the
 * class's own rows.
 */
export async function classLimits(
  ctx: VolumeContext,
  db: Db,
  className: string,
): Promise<Record<string, number>> {
  const out = defaultLimits(ctx)
  const types = await db.selectFrom('volume_types').select('name').execute()
  for (const t of types)
    for (const r of ['volumes', 'snapshots', 'gigabytes']) out[`${r}_${t.name}`] = -1
  Object.assign(out, await classRows(db, 'default'))
  if (className !== 'default') Object.assign(out, await classRows(db, className))
  return out
}

/** Limits of a project: the default class's, then its own rows. */
export async function projectLimits(
  ctx: VolumeContext,
  db: Db,
  projectId: string,
  withDefaultsOnly = false,
): Promise<Record<string, number>> {
  const out = await classLimits(ctx, db, 'default')
  if (withDefaultsOnly) return out
  const rows = await db
    .selectFrom('volume_quotas')
    .selectAll()
    .where('project_id', '=', projectId)
    .execute()
  for (const r of rows) out[r.resource] = r.hard_limit
  return out
}

/** What a project uses now, counted from the tables (never drifts). */
export async function projectUsage(
  ctx: VolumeContext,
  db: Db,
  projectId: string,
): Promise<Record<string, number>> {
  const vols = await db
    .selectFrom('volumes')
    .innerJoin('volume_types', 'volume_types.id', 'volumes.volume_type_id')
    .select(['volumes.size as size', 'volume_types.name as type'])
    .where('volumes.project_id', '=', projectId)
    .where('volumes.use_quota', '=', 1)
    .execute()
  const snaps = await db
    .selectFrom('volume_snapshots')
    .innerJoin('volume_types', 'volume_types.id', 'volume_snapshots.volume_type_id')
    .select(['volume_snapshots.size as size', 'volume_types.name as type'])
    .where('volume_snapshots.project_id', '=', projectId)
    .where('volume_snapshots.use_quota', '=', 1)
    .execute()
  const backups = await db
    .selectFrom('volume_backups')
    .select('size')
    .where('project_id', '=', projectId)
    .execute()
  const u: Record<string, number> = {
    volumes: vols.length,
    snapshots: snaps.length,
    gigabytes: 0,
    backups: backups.length,
    backup_gigabytes: 0,
    groups: 0,
    per_volume_gigabytes: 0,
  }
  const add = (k: string, n: number): void => {
    u[k] = (u[k] ?? 0) + n
  }
  for (const v of vols) {
    add('gigabytes', v.size)
    add(`volumes_${v.type}`, 1)
    add(`gigabytes_${v.type}`, v.size)
  }
  for (const s of snaps) {
    if (!ctx.conf.no_snapshot_gb_quota) {
      add('gigabytes', s.size)
      add(`gigabytes_${s.type}`, s.size)
    }
    add(`snapshots_${s.type}`, 1)
  }
  for (const b of backups) add('backup_gigabytes', b.size)
  return u
}

export interface QuotaDelta {
  readonly volumes?: number
  readonly snapshots?: number
  readonly gigabytes?: number
  readonly backups?: number
  readonly backup_gigabytes?: number
  /** Volume type name for the per-type resources. */
  readonly typeName?: string
  /** Retype: only the new type's per-type limits apply (the totals do not change). */
  readonly perTypeOnly?: boolean
}

/**
 * Throws Cinder's 413 when adding `delta` would pass a limit. Run inside the
 * transaction that inserts the resource: SQLite serialises writers; on
 * PostgreSQL a per-project advisory lock makes count-then-insert atomic.
 */
export async function checkQuota(
  ctx: VolumeContext,
  trx: Db,
  projectId: string,
  delta: QuotaDelta,
): Promise<void> {
  if (trx.getExecutor().adapter instanceof PostgresAdapter)
    await sql`select pg_advisory_xact_lock(hashtext(${`volume-quota:${projectId}`}))`.execute(trx)
  const limits = await projectLimits(ctx, trx, projectId)
  const used = await projectUsage(ctx, trx, projectId)
  const over = (key: string, n: number | undefined): boolean => {
    if (!n) return false
    if (delta.perTypeOnly && !key.includes('_')) return false
    const limit = limits[key]
    return limit !== undefined && limit >= 0 && (used[key] ?? 0) + n > limit
  }
  const t = delta.typeName
  if (over('gigabytes', delta.gigabytes) || (t && over(`gigabytes_${t}`, delta.gigabytes))) {
    const key = over('gigabytes', delta.gigabytes) ? 'gigabytes' : `gigabytes_${t}`
    throw new PayloadTooLargeError(
      `Requested volume or snapshot exceeds allowed ${key} quota. ` +
        `Requested ${delta.gigabytes}G, quota is ${limits[key]}G and ${used[key] ?? 0}G has been consumed.`,
    )
  }
  if (over('volumes', delta.volumes) || (t && over(`volumes_${t}`, delta.volumes))) {
    const key = over('volumes', delta.volumes) ? 'volumes' : `volumes_${t}`
    throw new PayloadTooLargeError(
      `Maximum number of volumes allowed (${limits[key]}) exceeded for quota '${key}'.`,
    )
  }
  if (over('snapshots', delta.snapshots) || (t && over(`snapshots_${t}`, delta.snapshots))) {
    const key = over('snapshots', delta.snapshots) ? 'snapshots' : `snapshots_${t}`
    throw new PayloadTooLargeError(`Maximum number of snapshots allowed (${limits[key]}) exceeded`)
  }
  if (over('backups', delta.backups))
    throw new PayloadTooLargeError(
      `Maximum number of backups allowed (${limits['backups']}) exceeded`,
    )
  if (over('backup_gigabytes', delta.backup_gigabytes))
    throw new PayloadTooLargeError(
      `Requested backup exceeds allowed Backup gigabytes quota. ` +
        `Requested ${delta.backup_gigabytes}G, quota is ${limits['backup_gigabytes']}G and ${used['backup_gigabytes'] ?? 0}G has been consumed.`,
    )
}

/** per_volume_gigabytes is a limit on one volume, checked outside the counting. */
export async function checkPerVolumeSize(
  ctx: VolumeContext,
  projectId: string,
  sizeGb: number,
): Promise<void> {
  const limits = await projectLimits(ctx, ctx.db, projectId)
  const l = limits['per_volume_gigabytes'] ?? -1
  if (l >= 0 && sizeGb > l)
    throw new PayloadTooLargeError(
      `Requested volume size ${sizeGb}G is larger than maximum allowed limit ${l}G.`,
    )
}
