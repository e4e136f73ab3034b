import { join } from 'node:path'
import type { Logger } from 'pino'
import { findSnapshot, updateSnapshotRow } from '../../../db/repositories/volume/snapshots.js'
import {
  findVolume,
  parseMap,
  updateVolumeRow,
  type VolumeRow,
} from '../../../db/repositories/volume/volumes.js'
import type { VolumeDriver } from '../drivers/driver.js'
import type { VolumeContext } from '../volume-context.js'
import { MessageEvent, recordMessage } from '../messages.js'
import {
  backupLocation,
  defaultContainer,
  PosixBackupStore,
  type VolumeMeta,
} from './backup-posix.js'
import { driverSnapshot, driverVolume } from './driver-refs.js'

/** The posix backup store of this cloud ([volume] backup_posix_path). */
export function backupStore(ctx: VolumeContext): PosixBackupStore {
  const root =
    ctx.conf.backup_posix_path !== '' ? ctx.conf.backup_posix_path : join(ctx.dataDir, 'backups')
  return new PosixBackupStore(root, ctx.conf.backup_file_size)
}

/** The store location of a backup row (undefined: no such backup). */
async function locationOf(ctx: VolumeContext, id: string): Promise<string | undefined> {
  const b = await ctx.db
    .selectFrom('volume_backups')
    .select(['id', 'container'])
    .where('id', '=', id)
    .executeTakeFirst()
  return b ? backupLocation(b) : undefined
}

function volumeMetaOf(v: VolumeRow): VolumeMeta {
  return {
    name: v.name,
    description: v.description,
    metadata: parseMap(v.metadata),
    imageMetadata: v.image_metadata === null ? null : parseMap(v.image_metadata),
  }
}

/**
 * Cinder's restore of backed-up metadata: the user and image metadata
 * replace the target's; the name and description come along only when the
 * target is the volume the restore made (named restore_backup_*) or has no name.
 */
function restoredFields(target: VolumeRow, meta: VolumeMeta) {
  const takeName = !!meta.name && (!target.name || target.name.startsWith('restore_backup_'))
  return {
    metadata: JSON.stringify(meta.metadata),
    image_metadata: meta.imageMetadata === null ? null : JSON.stringify(meta.imageMetadata),
    ...(takeName ? { name: meta.name, description: meta.description } : {}),
  }
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err)
}

/**
 * cinder-backup's work, run by the manager of the volume's backend because
 * only its driver can read the volume: create (full or incremental), restore
 * into a volume, delete.
 */
export function backupHandlers(ctx: VolumeContext, driver: VolumeDriver, logger: Logger) {
  const store = backupStore(ctx)

  const restoreInto = async (
    backupId: string,
    volumeId: string,
    previous: string | null,
  ): Promise<void> => {
    const vol = await findVolume(ctx.db, volumeId)
    if (!vol) throw new Error(`Volume ${volumeId} could not be found.`)
    try {
      const loc = await locationOf(ctx, backupId)
      if (!loc) throw new Error(`Backup ${backupId} could not be found.`)
      await driver.restoreBackup(await driverVolume(ctx, vol), store.read(loc))
      const meta = await store.volumeMeta(loc)
      await updateVolumeRow(ctx.db, volumeId, {
        ...(meta ? restoredFields(vol, meta) : {}),
        status: previous ?? 'available',
      })
      await ctx.db
        .updateTable('volume_backups')
        .set({ status: 'available', restore_volume_id: null })
        .where('id', '=', backupId)
        .execute()
    } catch (err) {
      logger.error({ err, backupId, volumeId }, 'restore failed')
      await updateVolumeRow(ctx.db, volumeId, {
        status: 'error_restoring',
        status_reason: message(err),
      })
      await recordMessage(ctx, {
        projectId: vol.project_id,
        resourceType: 'VOLUME',
        resourceUuid: volumeId,
        eventId: MessageEvent.restoreBackup,
        message: message(err),
      })
      await ctx.db
        .updateTable('volume_backups')
        .set({ status: 'available', restore_volume_id: null })
        .where('id', '=', backupId)
        .execute()
    }
  }

  const handlers = {
    async create_backup(a: Record<string, unknown>) {
      const id = String(a['backupId'])
      const b = await ctx.db
        .selectFrom('volume_backups')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirst()
      if (!b) return null
      const vol = await findVolume(ctx.db, b.volume_id)
      // The user's container, else Cinder's posix default; the row shows it once written.
      const container = b.container ?? defaultContainer(id)
      const previous = typeof a['previousStatus'] === 'string' ? a['previousStatus'] : 'available'
      const snap = b.snapshot_id ? await findSnapshot(ctx.db, b.snapshot_id) : undefined
      // The volume (or snapshot) is usable again before the backup shows available.
      const settle = async (): Promise<void> => {
        if (vol) await updateVolumeRow(ctx.db, vol.id, { status: previous })
        if (snap) await updateSnapshotRow(ctx.db, snap.id, { status: 'available' })
      }
      try {
        if (!vol) throw new Error(`Volume ${b.volume_id} could not be found.`)
        const data = await driver.backupSource(
          await driverVolume(ctx, vol),
          snap ? driverSnapshot(snap) : undefined,
        )
        try {
          const parentLoc = b.parent_id ? await locationOf(ctx, b.parent_id) : undefined
          if (b.parent_id && !parentLoc)
            throw new Error(`Backup ${b.parent_id} could not be found.`)
          const meta = await store.write(
            id,
            backupLocation({ id, container }),
            data.open(),
            b.parent_id && parentLoc ? { id: b.parent_id, loc: parentLoc } : null,
          )
          await store.saveVolumeMeta(backupLocation({ id, container }), volumeMetaOf(vol))
          await settle()
          const own = meta.chunks.filter(
            (c) => c.object?.startsWith(`${backupLocation({ id, container })}/`) === true,
          ).length
          await ctx.db
            .updateTable('volume_backups')
            .set({
              status: 'available',
              object_count: own,
              container,
              updated_at: new Date().toISOString(),
            })
            .where('id', '=', id)
            .execute()
        } finally {
          await data.release()
        }
      } catch (err) {
        logger.error({ err, backupId: id }, 'backup failed')
        await store.delete(backupLocation({ id, container })).catch(() => undefined)
        await settle()
        await ctx.db
          .updateTable('volume_backups')
          .set({ status: 'error', fail_reason: message(err) })
          .where('id', '=', id)
          .execute()
        await recordMessage(ctx, {
          projectId: b.project_id,
          resourceType: 'VOLUME_BACKUP',
          resourceUuid: id,
          eventId: MessageEvent.backupCreate,
          message: message(err),
        })
      }
      return null
    },

    async restore_backup(a: Record<string, unknown>) {
      await restoreInto(String(a['backupId']), String(a['volumeId']), null)
      return null
    },

    async delete_backup(a: Record<string, unknown>) {
      const id = String(a['backupId'])
      try {
        const loc = await locationOf(ctx, id)
        if (loc) await store.delete(loc)
        await ctx.db.deleteFrom('volume_backups').where('id', '=', id).execute()
      } catch (err) {
        await ctx.db
          .updateTable('volume_backups')
          .set({ status: 'error_deleting', fail_reason: message(err) })
          .where('id', '=', id)
          .execute()
      }
      return null
    },
  }
  return { handlers, restoreInto }
}
