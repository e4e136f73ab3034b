import {
  BadRequestError,
  ConflictError,
  NotFoundError,
  NotImplementedError,
} from '../../../common/errors.js'
import { newUuid } from '../../../common/ids.js'
import {
  bdmsOf,
  insertBdms,
  type BdmRow,
} from '../../../db/repositories/compute/block-device-mappings.js'
import type { VolumeComputeApi } from '../../volume/index.js'
import type { ComputeContext } from '../compute-context.js'
import { VmState } from '../states.js'
import { castCompute, recordAction, type ActionCaller } from './action-start.js'
import {
  checkLock,
  checkState,
  invalidState,
  loadInstance,
  type InstanceRow,
} from './instance-guard.js'

const ATTACH_STATES = [
  VmState.ACTIVE,
  VmState.PAUSED,
  VmState.STOPPED,
  VmState.RESIZED,
  VmState.SOFT_DELETED,
  VmState.SHELVED,
  VmState.SHELVED_OFFLOADED,
]

/** An os-volume_attachments entry: `tag` from 2.70, `delete_on_termination` from 2.79. */
export function attachmentView(b: BdmRow, mv: number): Record<string, unknown> {
  return {
    id: b.volume_id,
    volumeId: b.volume_id,
    serverId: b.instance_uuid,
    ...(b.device_name ? { device: b.device_name } : {}),
    ...(mv >= 70 ? { tag: b.tag } : {}),
    ...(mv >= 79 ? { delete_on_termination: b.delete_on_termination === 1 } : {}),
  }
}

function volumes(ctx: ComputeContext, volumeId: string): VolumeComputeApi {
  if (!ctx.volume) throw new NotFoundError(`Volume ${volumeId} could not be found.`)
  return ctx.volume
}

/** The next free /dev/vdX (vda is the root disk), as reserve_block_device_name picks it. */
function nextDevice(used: ReadonlySet<string>): string {
  for (let i = 1; i < 26; i++) {
    const d = `/dev/vd${String.fromCharCode(97 + i)}`
    if (!used.has(d)) return d
  }
  throw new ConflictError('No free disk device names for prefix vd')
}

/** Shelved servers take volume changes only from 2.20 (_check_request_version). */
function checkShelvedVersion(inst: InstanceRow, microversion: number, action: string): void {
  if (
    (inst.vm_state === VmState.SHELVED || inst.vm_state === VmState.SHELVED_OFFLOADED) &&
    microversion < 20
  )
    throw invalidState(action, inst.uuid, 'vm_state', inst.vm_state)
}

export async function listAttachments(ctx: ComputeContext, caller: ActionCaller, id: string) {
  const inst = await loadInstance(ctx, caller.auth, id)
  return (await bdmsOf(ctx.db, inst.uuid)).filter((b) => b.volume_id !== null)
}

async function bdmOf(ctx: ComputeContext, inst: InstanceRow, volumeId: string): Promise<BdmRow> {
  const b = (await bdmsOf(ctx.db, inst.uuid)).find((x) => x.volume_id === volumeId)
  if (!b) throw new NotFoundError(`Instance ${inst.uuid} is not attached to volume ${volumeId}`)
  return b
}

export async function showAttachment(
  ctx: ComputeContext,
  caller: ActionCaller,
  id: string,
  volumeId: string,
) {
  return bdmOf(ctx, await loadInstance(ctx, caller.auth, id), volumeId)
}

/**
 * Attach (Nova's _attach_volume with Cinder attachments): reserve, connect for
 * the server's host, record the BDM, then the worker plugs it and the
 * conductor completes the attachment. Offloaded servers only get the BDM.
 */
export async function attachVolume(
  ctx: ComputeContext,
  caller: ActionCaller,
  id: string,
  req: {
    volumeId: string
    device?: string
    tag?: string
    deleteOnTermination?: boolean
    microversion: number
  },
): Promise<BdmRow> {
  const inst = await loadInstance(ctx, caller.auth, id)
  checkShelvedVersion(inst, req.microversion, 'attach_volume')
  checkLock(caller.auth, inst)
  checkState(inst, 'attach_volume', { vm: ATTACH_STATES })
  const api = volumes(ctx, req.volumeId)
  const vol = await api.get(caller.auth, req.volumeId)
  const bdms = await bdmsOf(ctx.db, inst.uuid)
  if (bdms.some((b) => b.volume_id === vol.id))
    throw new BadRequestError(`Invalid volume: volume ${vol.id} already attached`)
  const used = new Set(bdms.map((b) => b.device_name).filter((d): d is string => !!d))
  used.add('/dev/vda')
  if (req.device !== undefined && used.has(req.device))
    throw new ConflictError(`The supplied device path (${req.device}) is in use.`)
  const device = req.device ?? nextDevice(used)
  const attachmentId = await api.reserve(caller.auth, vol.id, inst.uuid)
  const offloaded = inst.vm_state === VmState.SHELVED_OFFLOADED || !inst.host
  let connection: unknown = null
  try {
    if (!offloaded)
      connection = await api.connect(caller.auth, attachmentId, {
        host: inst.host,
        mountpoint: device,
        instance: inst.uuid,
      })
  } catch (err) {
    await api.detach(caller.auth, attachmentId).catch(() => undefined)
    throw err
  }
  const now = new Date().toISOString()
  const bdmUuid = newUuid()
  await insertBdms(ctx.db, [
    {
      uuid: bdmUuid,
      instance_uuid: inst.uuid,
      source_type: 'volume',
      destination_type: 'volume',
      device_name: device,
      boot_index: null,
      device_type: 'disk',
      disk_bus: null,
      volume_id: vol.id,
      snapshot_id: null,
      image_id: null,
      volume_size: vol.size,
      volume_type: null,
      delete_on_termination: req.deleteOnTermination ? 1 : 0,
      connection_info: connection === null ? null : JSON.stringify(connection),
      attachment_id: attachmentId,
      tag: req.tag ?? null,
      created_at: now,
      updated_at: now,
    },
  ])
  await recordAction(ctx, inst, caller, 'attach_volume')
  if (offloaded) await api.complete(caller.auth, attachmentId)
  else
    await castCompute(ctx, inst.host as string, 'attach_volume', {
      instanceUuid: inst.uuid,
      requestId: caller.requestId,
      bdmUuid,
    })
  return await bdmOf(ctx, inst, vol.id)
}

/** Detach: the worker unplugs it, the conductor deletes the Cinder attachment and the BDM. */
export async function detachVolume(
  ctx: ComputeContext,
  caller: ActionCaller,
  id: string,
  volumeId: string,
  microversion: number,
): Promise<void> {
  const inst = await loadInstance(ctx, caller.auth, id)
  checkShelvedVersion(inst, microversion, 'detach_volume')
  const api = volumes(ctx, volumeId)
  await api.get(caller.auth, volumeId)
  const bdm = await bdmOf(ctx, inst, volumeId)
  if (bdm.boot_index === 0) throw new BadRequestError(`Can't detach root device volume`)
  checkLock(caller.auth, inst)
  checkState(inst, 'detach_volume', { vm: ATTACH_STATES })
  await recordAction(ctx, inst, caller, 'detach_volume')
  if (inst.vm_state === VmState.SHELVED_OFFLOADED || !inst.host) {
    if (bdm.attachment_id) await api.detach(caller.auth, bdm.attachment_id)
    await ctx.db.deleteFrom('block_device_mappings').where('uuid', '=', bdm.uuid).execute()
    return
  }
  await castCompute(ctx, inst.host, 'detach_volume', {
    instanceUuid: inst.uuid,
    requestId: caller.requestId,
    volumeId,
    ...(bdm.attachment_id ? { attachmentId: bdm.attachment_id } : {}),
  })
}

/** PUT (swap volume): checks, then 501 — no driver here can swap a disk under a running guest. */
export async function swapVolume(
  ctx: ComputeContext,
  caller: ActionCaller,
  id: string,
  oldVolumeId: string,
  newVolumeId: string,
): Promise<never> {
  const inst = await loadInstance(ctx, caller.auth, id)
  const api = volumes(ctx, oldVolumeId)
  await api.get(caller.auth, oldVolumeId)
  try {
    await api.get(caller.auth, newVolumeId)
  } catch (err) {
    if (err instanceof NotFoundError) throw new BadRequestError(err.message)
    throw err
  }
  await bdmOf(ctx, inst, oldVolumeId)
  checkLock(caller.auth, inst)
  checkState(inst, 'swap_volume', { vm: [VmState.ACTIVE, VmState.PAUSED, VmState.RESIZED] })
  throw new NotImplementedError('Swapping volumes is not supported by this compute driver.')
}
