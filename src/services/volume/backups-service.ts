import type { AuthContext } from '../../common/auth-context.js'
import { isAdmin } from '../../common/auth-context.js'
import { BadRequestError, ForbiddenError, NotFoundError } from '../../common/errors.js'
import { newUuid } from '../../common/ids.js'
import type { Selectable } from 'kysely'
import type { VolumeBackupTable } from '../../db/volume-schema.js'
import { casSnapshotStatus, findSnapshot } from '../../db/repositories/volume/snapshots.js'
import { casVolumeStatus, type VolumeRow } from '../../db/repositories/volume/volumes.js'
import { backupStore } from './manager/backup-handlers.js'
import { backupLocation, validContainer } from './manager/backup-posix.js'
import { checkQuota } from './quota.js'
import { invalidBackup, invalidSnapshot, invalidVolume } from './states.js'
import { createVolume } from './volume-create.js'
import { callerProject, castManager, checkMetadata, findVisibleVolume } from './volumes-service.js'
import { nowIso, type VolumeContext } from './volume-context.js'

export type BackupRow = Selectable<VolumeBackupTable>

export async function findVisibleBackup(
  ctx: VolumeContext,
  auth: AuthContext,
  id: string,
): Promise<BackupRow> {
  const b = await ctx.db
    .selectFrom('volume_backups')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirst()
  if (!b || (!isAdmin(auth) && b.project_id !== auth.project?.id))
    throw new NotFoundError(`Backup ${id} could not be found.`)
  return b
}

export async function hasDependents(ctx: VolumeContext, id: string): Promise<boolean> {
  return (
    (await ctx.db
      .selectFrom('volume_backups')
      .select('id')
      .where('parent_id', '=', id)
      .executeTakeFirst()) !== undefined
  )
}

/**
 * POST /backups: full or incremental (parent = the volume's newest available
 * backup), from an in-use volume only with force. The volume (or snapshot) is
 * `backing-up` until the backend's manager has written the chunks.
 */
export async function createBackup(
  ctx: VolumeContext,
  auth: AuthContext,
  input: {
    volumeId: string
    name?: string | null | undefined
    description?: string | null | undefined
    incremental: boolean
    force: boolean
    snapshotId?: string | null | undefined
    metadata?: Record<string, unknown> | undefined
    container?: string | null | undefined
  },
): Promise<BackupRow> {
  callerProject(auth)
  if (input.container !== undefined && input.container !== null && !validContainer(input.container))
    throw new BadRequestError(
      `Invalid container name '${input.container}': a relative path of letters, digits and ._@+- segments.`,
    )
  const v = await findVisibleVolume(ctx, auth, input.volumeId)
  if (!v.host) throw invalidVolume('Volume has not been scheduled to any host.')
  let snapStatus: string | undefined
  if (input.snapshotId) {
    const s = await findSnapshot(ctx.db, input.snapshotId)
    if (!s || s.volume_id !== v.id)
      throw new NotFoundError(`Snapshot ${input.snapshotId} could not be found.`)
    if (s.status !== 'available')
      throw invalidSnapshot(
        `Snapshot to be backed up must be available, but the current status is "${s.status}".`,
      )
    snapStatus = s.status
  } else {
    const ok = input.force ? ['available', 'in-use'] : ['available']
    if (!ok.includes(v.status))
      throw invalidVolume(
        `Volume to be backed up must be available or in-use, but the current status is "${v.status}".`,
      )
  }
  let parentId: string | null = null
  if (input.incremental) {
    const parent = await ctx.db
      .selectFrom('volume_backups')
      .select('id')
      .where('volume_id', '=', v.id)
      .where('status', '=', 'available')
      .orderBy('data_timestamp', 'desc')
      .executeTakeFirst()
    if (!parent) throw invalidBackup('No backups available to do an incremental backup.')
    parentId = parent.id
  }
  const metadata = checkMetadata(input.metadata ?? {})
  const id = newUuid()
  const now = nowIso()
  const previous = v.status
  await ctx.db.transaction().execute(async (trx) => {
    await checkQuota(ctx, trx, v.project_id, { backups: 1, backup_gigabytes: v.size })
    if (snapStatus) {
      if (
        !(await casSnapshotStatus(trx, input.snapshotId!, ['available'], { status: 'backing-up' }))
      )
        throw invalidSnapshot('Snapshot to be backed up must be available.')
    } else if (!(await casVolumeStatus(trx, v.id, [previous], { status: 'backing-up' }))) {
      throw invalidVolume(
        `Volume to be backed up must be available or in-use, but the current status is "${v.status}".`,
      )
    }
    await trx
      .insertInto('volume_backups')
      .values({
        id,
        volume_id: v.id,
        snapshot_id: input.snapshotId ?? null,
        project_id: v.project_id,
        user_id: auth.userId,
        name: input.name ?? null,
        description: input.description ?? null,
        status: 'creating',
        size: v.size,
        object_count: 0,
        container: input.container ?? null,
        availability_zone: v.availability_zone,
        is_incremental: parentId ? 1 : 0,
        parent_id: parentId,
        host: v.host,
        fail_reason: null,
        metadata: JSON.stringify(metadata),
        data_timestamp: now,
        restore_volume_id: null,
        created_at: now,
        updated_at: null,
      })
      .execute()
  })
  await castManager(ctx, v.host, 'create_backup', {
    backupId: id,
    previousStatus: snapStatus ? v.status : previous,
  })
  return findVisibleBackup(ctx, auth, id)
}

export async function deleteBackup(
  ctx: VolumeContext,
  auth: AuthContext,
  id: string,
  force: boolean,
): Promise<void> {
  const b = await findVisibleBackup(ctx, auth, id)
  if (force && !isAdmin(auth))
    throw new ForbiddenError('Policy does not allow backup:force_delete to be performed.')
  const ok = force
    ? ['available', 'error', 'creating', 'restoring', 'error_deleting']
    : ['available', 'error']
  if (!ok.includes(b.status)) throw invalidBackup('Backup status must be available or error')
  if (await hasDependents(ctx, id))
    throw invalidBackup('Incremental backups exist for this backup.')
  await ctx.db
    .updateTable('volume_backups')
    .set({ status: 'deleting' })
    .where('id', '=', id)
    .execute()
  const v = await ctx.db
    .selectFrom('volumes')
    .select('host')
    .where('id', '=', b.volume_id)
    .executeTakeFirst()
  const host = v?.host ?? b.host
  if (!host) {
    // No backend to ask (an imported backup whose volume is gone): the store is ours to clean.
    await backupStore(ctx).delete(backupLocation(b))
    await ctx.db.deleteFrom('volume_backups').where('id', '=', id).execute()
    return
  }
  await castManager(ctx, host, 'delete_backup', { backupId: id })
}

/** POST /backups/{id}/restore: into a new volume (made from the backup) or an existing available one. */
export async function restoreBackup(
  ctx: VolumeContext,
  auth: AuthContext,
  id: string,
  input: { volumeId?: string | null | undefined; name?: string | null | undefined },
): Promise<{ backup_id: string; volume_id: string; volume_name: string | null }> {
  const b = await findVisibleBackup(ctx, auth, id)
  if (b.status !== 'available') throw invalidBackup('Backup status must be available')
  if (!input.volumeId) {
    const v = await createVolume(ctx, auth, {
      size: b.size,
      name: input.name ?? `restore_backup_${b.id}`,
      backupId: b.id,
    })
    return { backup_id: b.id, volume_id: v.id, volume_name: v.name }
  }
  const v: VolumeRow = await findVisibleVolume(ctx, auth, input.volumeId)
  if (v.status !== 'available') throw invalidVolume(`Volume to be restored to must be available`)
  if (v.size < b.size)
    throw invalidVolume(`volume size ${v.size} is too small to restore backup of size ${b.size}.`)
  if (!v.host) throw invalidVolume('Volume has not been scheduled to any host.')
  if (!(await casVolumeStatus(ctx.db, v.id, ['available'], { status: 'restoring-backup' })))
    throw invalidVolume(`Volume to be restored to must be available`)
  await ctx.db
    .updateTable('volume_backups')
    .set({ status: 'restoring', restore_volume_id: v.id })
    .where('id', '=', id)
    .execute()
  await castManager(ctx, v.host, 'restore_backup', { backupId: id, volumeId: v.id })
  return { backup_id: b.id, volume_id: v.id, volume_name: v.name }
}
