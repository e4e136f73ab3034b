import type { Logger } from 'pino'
import type { AuthContext } from '../../../common/auth-context.js'
import type { Subscription } from '../../../bus/bus.js'
import {
  heartbeat,
  releaseCapacity,
  reportPool,
  setAllocated,
} from '../../../db/repositories/volume/backends.js'
import {
  findSnapshot,
  deleteSnapshotRow,
  updateSnapshotRow,
} from '../../../db/repositories/volume/snapshots.js'
import {
  attachmentsOf,
  findVolume,
  updateVolumeRow,
} from '../../../db/repositories/volume/volumes.js'
import { openImageData } from '../../image/driver-access.js'
import type { Connector, VolumeDriver } from '../drivers/driver.js'
import { driverSnapshot, driverVolume } from './driver-refs.js'
import { typeById } from '../types-service.js'
import { forgetVolume } from '../volumes-service.js'
import { nowIso, VOLUME_TOPIC, type VolumeContext } from '../volume-context.js'
import { frontEndQos } from '../qos-specs-service.js'
import { backupHandlers } from './backup-handlers.js'
import { MessageEvent, recordMessage } from '../messages.js'

export interface VolumeManager {
  /** host@backend */
  readonly backend: string
  readonly driver: VolumeDriver
  reportNow(): Promise<void>
  close(): Promise<void>
}

function reason(err: unknown): string {
  return err instanceof Error ? err.message : String(err)
}

/**
 * cinder-volume for one backend: serves `volume.<host>@<backend>` on the
 * bus, runs its driver, and reports pool capacity and a heartbeat every
 * report_interval. Every failure leaves the resource in an error status with
 * the reason, never stuck in a transient one.
 */
export async function startVolumeManager(
  ctx: VolumeContext,
  backendName: string,
  driver: VolumeDriver,
  logger: Logger,
): Promise<VolumeManager> {
  const backend = `${ctx.conf.host}@${backendName}`
  await driver.start()
  const reportNow = async (): Promise<void> => {
    const stats = await driver.getPoolStats()
    const now = nowIso()
    for (const p of stats) {
      await reportPool(ctx.db, {
        name: `${backend}#${p.poolName}`,
        backend,
        availability_zone: ctx.conf.storage_availability_zone,
        total_capacity_gb: p.totalCapacityGb,
        free_capacity_gb: p.freeCapacityGb,
        reserved_percentage: p.reservedPercentage,
        max_over_subscription_ratio: p.maxOverSubscriptionRatio,
        thin_provisioning: p.thinProvisioningSupport ? 1 : 0,
        capabilities: JSON.stringify({ ...p.capabilities, pool_name: p.poolName }),
        updated_at: now,
      })
    }
    await heartbeat(ctx.db, 'cinder-volume', backend, ctx.conf.storage_availability_zone)
  }
  await reportNow()
  // Reconcile the scheduler's allocation with the volumes actually on each pool.
  for (const p of await driver.getPoolStats()) {
    const name = `${backend}#${p.poolName}`
    const rows = await ctx.db
      .selectFrom('volumes')
      .select('size')
      .where('host', '=', name)
      .execute()
    await setAllocated(
      ctx.db,
      name,
      rows.reduce((n, r) => n + r.size, 0),
    )
  }
  const timer = setInterval(() => {
    reportNow().catch((err: unknown) => logger.warn({ err }, 'capacity report failed'))
  }, ctx.conf.report_interval * 1000)
  timer.unref()

  const failVolume = async (
    id: string,
    status: string,
    err: unknown,
    eventId: string,
  ): Promise<void> => {
    logger.error({ err, volumeId: id }, `volume operation failed (${status})`)
    await updateVolumeRow(ctx.db, id, { status, status_reason: reason(err) })
    const v = await findVolume(ctx.db, id)
    if (v)
      await recordMessage(ctx, {
        projectId: v.project_id,
        resourceType: 'VOLUME',
        resourceUuid: id,
        eventId,
        message: reason(err),
      })
  }

  const handlers: Record<string, (a: Record<string, unknown>) => Promise<unknown>> = {
    async create_volume(a) {
      const v = await findVolume(ctx.db, String(a['volumeId']))
      if (!v || v.status !== 'creating') return null
      const dv = await driverVolume(ctx, v)
      try {
        let update
        if (v.snapshot_id) {
          const s = await findSnapshot(ctx.db, v.snapshot_id)
          if (!s) throw new Error(`Snapshot ${v.snapshot_id} could not be found.`)
          update = await driver.createVolumeFromSnapshot(dv, driverSnapshot(s))
        } else if (v.source_volid) {
          const src = await findVolume(ctx.db, v.source_volid)
          if (!src) throw new Error(`Volume ${v.source_volid} could not be found.`)
          update = await driver.createCloneVolume(dv, await driverVolume(ctx, src))
        } else if (v.image_id) {
          await updateVolumeRow(ctx.db, v.id, { status: 'downloading' })
          const data = await openImageData(ctx.image.ctx, ctx.image.cache, v.image_id)
          update = await driver.copyImageToVolume(dv, {
            id: data.id,
            diskFormat: data.diskFormat,
            sizeBytes: data.size,
            open: () => data.open(),
          })
        } else {
          update = await driver.createVolume(dv)
        }
        await updateVolumeRow(ctx.db, v.id, {
          provider_location: update.providerLocation,
          launched_at: nowIso(),
          ...(v.backup_id ? {} : { status: 'available' }),
        })
        if (v.backup_id) await backups.restoreInto(v.backup_id, v.id, null)
      } catch (err) {
        await driver.deleteVolume(dv).catch(() => undefined)
        await releaseCapacity(ctx.db, v.host ?? '', v.size)
        await updateVolumeRow(ctx.db, v.id, { host: null })
        await failVolume(v.id, 'error', err, MessageEvent.createVolumeFromBackend)
      }
      return null
    },

    async delete_volume(a) {
      const v = await findVolume(ctx.db, String(a['volumeId']))
      if (!v) return null
      try {
        if (a['cascade'] === true) {
          const snaps = await ctx.db
            .selectFrom('volume_snapshots')
            .selectAll()
            .where('volume_id', '=', v.id)
            .execute()
          for (const s of snaps) await driver.deleteSnapshot(driverSnapshot(s))
        }
        await driver.deleteVolume(await driverVolume(ctx, v))
        await forgetVolume(ctx, v)
      } catch (err) {
        await failVolume(v.id, 'error_deleting', err, MessageEvent.deleteVolume)
      }
      return null
    },

    async create_snapshot(a) {
      const s = await findSnapshot(ctx.db, String(a['snapshotId']))
      if (!s || s.status !== 'creating') return null
      const v = await findVolume(ctx.db, s.volume_id)
      try {
        if (!v) throw new Error(`Volume ${s.volume_id} could not be found.`)
        const u = await driver.createSnapshot(driverSnapshot(s), await driverVolume(ctx, v))
        await updateSnapshotRow(ctx.db, s.id, {
          provider_location: u.providerLocation,
          status: 'available',
          progress: '100%',
        })
      } catch (err) {
        logger.error({ err, snapshotId: s.id }, 'snapshot failed')
        await updateSnapshotRow(ctx.db, s.id, { status: 'error' })
        await recordMessage(ctx, {
          projectId: s.project_id,
          resourceType: 'VOLUME_SNAPSHOT',
          resourceUuid: s.id,
          eventId: MessageEvent.snapshotCreate,
          message: reason(err),
        })
      }
      return null
    },

    async delete_snapshot(a) {
      const s = await findSnapshot(ctx.db, String(a['snapshotId']))
      if (!s) return null
      try {
        await driver.deleteSnapshot(driverSnapshot(s))
        await deleteSnapshotRow(ctx.db, s.id)
      } catch (err) {
        logger.error({ err, snapshotId: s.id }, 'snapshot delete failed')
        await updateSnapshotRow(ctx.db, s.id, { status: 'error_deleting' })
      }
      return null
    },

    async extend_volume(a) {
      const v = await findVolume(ctx.db, String(a['volumeId']))
      if (!v || v.status !== 'extending') return null
      const newSize = Number(a['newSize'])
      try {
        await driver.extendVolume(await driverVolume(ctx, v), newSize)
        await updateVolumeRow(ctx.db, v.id, {
          size: newSize,
          status: typeof a['previousStatus'] === 'string' ? a['previousStatus'] : 'available',
        })
        const servers = (await attachmentsOf(ctx.db, [v.id]))
          .filter((x) => x.attach_status === 'attached' && x.instance_uuid)
          .map((x) => x.instance_uuid!)
        if (servers.length && ctx.events.volumeExtended)
          await ctx.events
            .volumeExtended(v.id, servers, newSize)
            .catch((err: unknown) =>
              logger.warn({ err, volumeId: v.id }, 'volume-extended event not delivered'),
            )
      } catch (err) {
        await releaseCapacity(ctx.db, v.host ?? '', newSize - v.size)
        await failVolume(v.id, 'error_extending', err, MessageEvent.extendVolume)
      }
      return null
    },

    async retype(a) {
      const v = await findVolume(ctx.db, String(a['volumeId']))
      if (!v || v.status !== 'retyping') return null
      const previous = typeof a['previousStatus'] === 'string' ? a['previousStatus'] : 'available'
      const newType = await typeById(ctx, String(a['newTypeId']))
      try {
        if (!newType) throw new Error(`Volume type ${String(a['newTypeId'])} could not be found.`)
        const done = await driver.retype(await driverVolume(ctx, v), newType.extraSpecs)
        if (!done)
          throw new Error('Retype requires a migration, which this backend cannot do in place.')
        await updateVolumeRow(ctx.db, v.id, { volume_type_id: newType.id, status: previous })
      } catch (err) {
        logger.error({ err, volumeId: v.id }, 'retype failed')
        await updateVolumeRow(ctx.db, v.id, { status: previous, status_reason: reason(err) })
      }
      return null
    },

    async copy_volume_to_image(a) {
      const v = await findVolume(ctx.db, String(a['volumeId']))
      if (!v) return null
      const auth = a['auth'] as AuthContext
      const imageId = String(a['imageId'])
      const previous = typeof a['previousStatus'] === 'string' ? a['previousStatus'] : 'available'
      try {
        const data = await driver.copyVolumeToImage(
          await driverVolume(ctx, v),
          String(a['diskFormat']),
        )
        try {
          await ctx.image.upload(auth, imageId, data.open())
        } finally {
          await data.release()
        }
        await updateVolumeRow(ctx.db, v.id, { status: previous })
      } catch (err) {
        logger.error({ err, volumeId: v.id, imageId }, 'upload to image failed')
        await ctx.image.delete(auth, imageId).catch(() => undefined)
        await updateVolumeRow(ctx.db, v.id, { status: previous, status_reason: reason(err) })
        await recordMessage(ctx, {
          projectId: v.project_id,
          resourceType: 'VOLUME',
          resourceUuid: v.id,
          eventId: MessageEvent.copyVolumeToImage,
          message: reason(err),
        })
      }
      return null
    },

    async initialize_connection(a) {
      const v = await findVolume(ctx.db, String(a['volumeId']))
      if (!v) throw new Error(`Volume ${String(a['volumeId'])} could not be found.`)
      const info = await driver.initializeConnection(
        await driverVolume(ctx, v),
        (a['connector'] ?? {}) as Connector,
      )
      const adminMd = JSON.parse(v.admin_metadata) as Record<string, string>
      return {
        driver_volume_type: info.driver_volume_type,
        data: {
          ...info.data,
          access_mode: adminMd['readonly'] === 'True' ? 'ro' : 'rw',
          // Cinder hands the hypervisor the type's front-end QoS specs (null otherwise).
          qos_specs: await frontEndQos(ctx.db, v.volume_type_id),
        },
      }
    },

    async terminate_connection(a) {
      const v = await findVolume(ctx.db, String(a['volumeId']))
      if (!v) return null
      await driver.terminateConnection(
        await driverVolume(ctx, v),
        (a['connector'] ?? null) as Connector | null,
      )
      return null
    },
  }
  const backups = backupHandlers(ctx, driver, logger)
  Object.assign(handlers, backups.handlers)

  const sub: Subscription = await ctx.bus.listen(
    { topic: VOLUME_TOPIC, server: backend },
    async (method, args) => {
      const h = handlers[method]
      if (!h) throw new Error(`volume manager has no method ${method}`)
      return (await h((args ?? {}) as Record<string, unknown>)) as never
    },
  )
  return {
    backend,
    driver,
    reportNow,
    async close() {
      clearInterval(timer)
      await sub.close()
      await driver.close()
    },
  }
}
