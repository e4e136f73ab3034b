import type { Logger } from 'pino'
import type { Subscription } from '../../../bus/bus.js'
import {
  heartbeat,
  listPoolRows,
  reserveCapacity,
} from '../../../db/repositories/volume/backends.js'
import { findSnapshot } from '../../../db/repositories/volume/snapshots.js'
import { findVolume, updateVolumeRow } from '../../../db/repositories/volume/volumes.js'
import { MessageEvent, recordMessage } from '../messages.js'
import { typeById } from '../types-service.js'
import { castManager } from '../volumes-service.js'
import { VOLUME_SCHEDULER_TOPIC, type VolumeContext } from '../volume-context.js'
import {
  allocationLimit,
  availabilityZoneFilter,
  capabilitiesFilter,
  capacityFilter,
  freeCapacityWeight,
  type PoolState,
  type VolumeRequestSpec,
} from './filters.js'

const FILTERS = [availabilityZoneFilter, capacityFilter, capabilitiesFilter]

/** Pools of backends whose cinder-volume service is up and enabled. */
export async function livePools(ctx: VolumeContext): Promise<PoolState[]> {
  const cutoff = new Date(Date.now() - ctx.conf.service_down_time * 1000).toISOString()
  const services = await ctx.db
    .selectFrom('volume_services')
    .selectAll()
    .where('binary', '=', 'cinder-volume')
    .execute()
  const up = new Set(
    services.filter((s) => s.disabled === 0 && s.updated_at >= cutoff).map((s) => s.host),
  )
  return (await listPoolRows(ctx.db))
    .filter((p) => up.has(p.backend))
    .map((row) => ({ row, capabilities: JSON.parse(row.capabilities) as Record<string, unknown> }))
}

/**
 * Filters, weighs and reserves: the first weighed pool whose atomic
 * reservation succeeds wins, so concurrent creates never overfill a pool.
 * Returns host@backend#pool, or undefined when no pool fits.
 */
export async function selectPool(
  ctx: VolumeContext,
  spec: VolumeRequestSpec,
): Promise<string | undefined> {
  const pools = (await livePools(ctx))
    .filter((p) => spec.backend === undefined || p.row.backend === spec.backend)
    .filter((p) => FILTERS.every((f) => f(p, spec)))
    .sort((a, b) => freeCapacityWeight(b) - freeCapacityWeight(a))
  for (const p of pools) {
    if (await reserveCapacity(ctx.db, p.row.name, spec.sizeGb, allocationLimit(p.row)))
      return p.row.name
  }
  return undefined
}

async function scheduleCreate(ctx: VolumeContext, volumeId: string, auth: unknown): Promise<void> {
  const vol = await findVolume(ctx.db, volumeId)
  if (!vol || vol.status !== 'creating') return
  const type = await typeById(ctx, vol.volume_type_id)
  let backend: string | undefined
  if (vol.snapshot_id) {
    const snap = await findSnapshot(ctx.db, vol.snapshot_id)
    const src = snap ? await findVolume(ctx.db, snap.volume_id) : undefined
    backend = src?.host?.split('#')[0]
  } else if (vol.source_volid) {
    backend = (await findVolume(ctx.db, vol.source_volid))?.host?.split('#')[0]
  }
  const pool = await selectPool(ctx, {
    sizeGb: vol.size,
    availabilityZone: vol.availability_zone,
    typeSpecs: type?.extraSpecs ?? {},
    backend,
  })
  if (!pool) {
    const why = 'No valid backend was found. No weighed backends available'
    await updateVolumeRow(ctx.db, volumeId, { status: 'error', status_reason: why })
    await recordMessage(ctx, {
      projectId: vol.project_id,
      resourceType: 'VOLUME',
      resourceUuid: volumeId,
      eventId: MessageEvent.scheduleAllocateVolume,
      message: 'schedule allocate volume:Could not find any available weighted backend.',
    })
    return
  }
  await updateVolumeRow(ctx.db, volumeId, { host: pool })
  await castManager(ctx, pool, 'create_volume', { volumeId, auth })
}

/** cinder-scheduler: places new volumes and heartbeats. */
export async function startVolumeScheduler(
  ctx: VolumeContext,
  logger: Logger,
): Promise<{ close(): Promise<void> }> {
  const host = ctx.conf.host
  const beat = (): Promise<void> =>
    heartbeat(ctx.db, 'cinder-scheduler', host, ctx.conf.storage_availability_zone).catch(
      (err: unknown) => logger.warn({ err }, 'scheduler heartbeat failed'),
    )
  await beat()
  const timer = setInterval(() => void beat(), ctx.conf.report_interval * 1000)
  timer.unref()
  const sub: Subscription = await ctx.bus.listen(
    { topic: VOLUME_SCHEDULER_TOPIC, server: host },
    async (method, args) => {
      const a = args as { volumeId: string; auth?: unknown }
      if (method === 'create_volume') {
        try {
          await scheduleCreate(ctx, a.volumeId, a.auth)
        } catch (err) {
          logger.error({ err, volumeId: a.volumeId }, 'scheduling failed')
          await updateVolumeRow(ctx.db, a.volumeId, {
            status: 'error',
            status_reason: String((err as Error).message),
          })
        }
      }
      return null
    },
  )
  return {
    async close() {
      clearInterval(timer)
      await sub.close()
    },
  }
}
