import { diskConfigForImage, sysMetaWithDiskConfig, type DiskConfig } from '../disk-config.js'
import { certsNeedAnImage } from '../trusted-certs.js'
import { BadRequestError } from '../../../common/errors.js'
import { findKeypair } from '../../../db/repositories/compute/keypairs.js'
import type { InstanceTable } from '../../../db/compute-schema.js'
import type { ComputeContext } from '../compute-context.js'
import { TaskState, VmState } from '../states.js'
import { castCompute, recordAction, saveExpecting, type ActionCaller } from './action-start.js'
import {
  checkHost,
  checkLock,
  checkState,
  loadInstance,
  type InstanceRow,
} from './instance-guard.js'
import { createSnapshotImage } from './snapshot-image.js'

export const SNAPSHOT_STATES = [VmState.ACTIVE, VmState.STOPPED, VmState.PAUSED, VmState.SUSPENDED]

/** createImage: a queued image now, the bytes when the worker's snapshot is uploaded. */
export async function snapshotServer(
  ctx: ComputeContext,
  caller: ActionCaller,
  id: string,
  name: string,
  metadata: Record<string, string>,
): Promise<string> {
  const inst = await loadInstance(ctx, caller.auth, id)
  checkState(inst, 'createImage', { vm: SNAPSHOT_STATES })
  const host = checkHost(inst)
  const imageId = await createSnapshotImage(ctx, caller.auth, inst, name, 'snapshot', metadata)
  try {
    await saveExpecting(ctx, inst, { task_state: TaskState.IMAGE_SNAPSHOT }, [null])
  } catch (err) {
    // Nova deletes the image it made when the instance is busy.
    await ctx.image.delete(caller.auth, imageId).catch(() => undefined)
    throw err
  }
  await recordAction(ctx, inst, caller, 'createImage')
  await castCompute(ctx, host, 'snapshot_instance', {
    instanceUuid: inst.uuid,
    requestId: caller.requestId,
    imageId,
  })
  return imageId
}

export interface RebuildInput {
  readonly imageRef: string
  readonly adminPass: string
  readonly name?: string
  readonly metadata?: Record<string, string>
  readonly description?: string | null
  /** undefined: keep; null: unset (2.54). */
  readonly keyName?: string | null
  /** undefined: keep; null: unset (2.57). */
  readonly userData?: string | null
  /** undefined: keep; null: unset; a list: replace (2.63). */
  readonly trustedCerts?: readonly string[] | null
  /** OS-DCF:diskConfig for the rebuilt root disk. */
  readonly diskConfig?: DiskConfig
}

/** rebuild: new image (and name, metadata, key, user data) on the same host. */
export async function rebuildServer(
  ctx: ComputeContext,
  caller: ActionCaller,
  id: string,
  input: RebuildInput,
): Promise<InstanceRow> {
  const inst = await loadInstance(ctx, caller.auth, id)
  checkLock(caller.auth, inst)
  checkState(inst, 'rebuild', { vm: [VmState.ACTIVE, VmState.STOPPED, VmState.ERROR] })
  const host = checkHost(inst)
  let image
  try {
    image = await ctx.image.show(caller.auth, input.imageRef)
  } catch {
    throw new BadRequestError('Cannot find image for rebuild')
  }
  if (image.status !== 'active') throw new BadRequestError(`Image ${image.id} is not active.`)
  const values: Partial<Omit<InstanceTable, 'uuid'>> = {
    image_ref: image.id,
    task_state: TaskState.REBUILDING,
    progress: 0,
  }
  if (input.name !== undefined) values.display_name = input.name
  if (input.metadata !== undefined) values.metadata = JSON.stringify(input.metadata)
  if (input.description !== undefined) values.display_description = input.description
  if (input.keyName !== undefined) {
    if (input.keyName === null) {
      values.key_name = null
      values.key_data = null
    } else {
      const kp = await findKeypair(ctx.db, inst.user_id, input.keyName)
      if (!kp) throw new BadRequestError('Invalid key_name provided.')
      values.key_name = kp.name
      values.key_data = kp.public_key
    }
  }
  if (input.userData !== undefined) values.user_data = input.userData
  if (input.diskConfig !== undefined)
    values.system_metadata = sysMetaWithDiskConfig(
      inst,
      diskConfigForImage(input.diskConfig, { id: image.id, properties: image.properties }),
    )
  if (input.trustedCerts !== undefined) {
    if (input.trustedCerts && !inst.image_ref) throw certsNeedAnImage(true)
    values.trusted_certs = input.trustedCerts ? JSON.stringify(input.trustedCerts) : null
  }
  const saved = await saveExpecting(ctx, inst, values, [null])
  await recordAction(ctx, inst, caller, 'rebuild')
  await castCompute(ctx, host, 'rebuild_instance', {
    instanceUuid: inst.uuid,
    requestId: caller.requestId,
    imageRef: image.id,
    adminPass: input.adminPass,
  })
  return saved
}

/**
 * createBackup: a snapshot with image_type backup and backup_type, then the
 * rotation: backups of this server and type beyond `rotation` go, oldest
 * first. NOTE: Nova rotates after the upload; here it happens when the new
 * backup is accepted, which ends in the same set when the snapshot succeeds.
 */
export async function backupServer(
  ctx: ComputeContext,
  caller: ActionCaller,
  id: string,
  input: { name: string; backupType: string; rotation: number; metadata: Record<string, string> },
): Promise<string> {
  const inst = await loadInstance(ctx, caller.auth, id)
  checkState(inst, 'createBackup', { vm: SNAPSHOT_STATES })
  const host = checkHost(inst)
  const imageId = await createSnapshotImage(ctx, caller.auth, inst, input.name, 'backup', {
    ...input.metadata,
    backup_type: input.backupType,
  })
  try {
    await saveExpecting(ctx, inst, { task_state: TaskState.IMAGE_SNAPSHOT }, [null])
  } catch (err) {
    await ctx.image.delete(caller.auth, imageId).catch(() => undefined)
    throw err
  }
  await recordAction(ctx, inst, caller, 'createBackup')
  await rotateBackups(ctx, caller, inst.uuid, input.backupType, input.rotation, imageId)
  await castCompute(ctx, host, 'snapshot_instance', {
    instanceUuid: inst.uuid,
    requestId: caller.requestId,
    imageId,
  })
  return imageId
}

async function rotateBackups(
  ctx: ComputeContext,
  caller: ActionCaller,
  instanceUuid: string,
  backupType: string,
  rotation: number,
  newest: string,
): Promise<void> {
  const { images } = await ctx.image.list(caller.auth, {
    instance_uuid: instanceUuid,
    image_type: 'backup',
    backup_type: backupType,
    sort_key: 'created_at',
    sort_dir: 'desc',
    limit: '1000',
  })
  const older = images.filter((i) => i.id !== newest)
  for (const old of older.slice(Math.max(0, rotation - 1)))
    await ctx.image.delete(caller.auth, old.id).catch(() => undefined)
}
