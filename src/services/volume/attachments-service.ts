import type { AuthContext } from '../../common/auth-context.js'
import { isAdmin } from '../../common/auth-context.js'
import { BadRequestError, NotFoundError } from '../../common/errors.js'
import { newUuid } from '../../common/ids.js'
import {
  attachmentsOf,
  casVolumeStatus,
  deleteAttachment,
  findAttachment,
  findVolume,
  insertAttachment,
  parseMap,
  updateAttachment,
  updateVolumeRow,
  type AttachmentRow,
} from '../../db/repositories/volume/volumes.js'
import { invalidVolume, orList } from './states.js'
import { callManager, findVisibleVolume } from './volumes-service.js'
import { nowIso, type VolumeContext } from './volume-context.js'

/** An attachment whose volume the caller may see; else 404. */
export async function findVisibleAttachment(
  ctx: VolumeContext,
  auth: AuthContext,
  id: string,
): Promise<AttachmentRow> {
  const a = await findAttachment(ctx.db, id)
  const v = a ? await findVolume(ctx.db, a.volume_id) : undefined
  if (!a || !v || (!isAdmin(auth) && v.project_id !== auth.project?.id))
    throw new NotFoundError(
      `Volume attachment could not be found with filter: attachment_id = ${id}.`,
    )
  return a
}

export async function listAttachments(
  ctx: VolumeContext,
  auth: AuthContext,
  all: boolean,
): Promise<AttachmentRow[]> {
  let q = ctx.db
    .selectFrom('volume_attachments')
    .innerJoin('volumes', 'volumes.id', 'volume_attachments.volume_id')
    .selectAll('volume_attachments')
  if (!(all && isAdmin(auth))) q = q.where('volumes.project_id', '=', auth.project?.id ?? '')
  return q.execute()
}

/** Recomputes a volume's status from its attachments (attached → in-use, pending → reserved). */
async function settle(ctx: VolumeContext, volumeId: string): Promise<void> {
  const atts = await attachmentsOf(ctx.db, [volumeId])
  const v = await findVolume(ctx.db, volumeId)
  if (!v) return
  const md = parseMap(v.admin_metadata)
  if (atts.some((a) => a.attach_status === 'attached')) {
    await updateVolumeRow(ctx.db, volumeId, { status: 'in-use', attach_status: 'attached' })
  } else if (atts.length > 0) {
    await updateVolumeRow(ctx.db, volumeId, { status: 'reserved', attach_status: 'detached' })
  } else {
    delete md['attached_mode']
    await updateVolumeRow(ctx.db, volumeId, {
      status: 'available',
      attach_status: 'detached',
      admin_metadata: JSON.stringify(md),
    })
  }
}

async function connect(
  ctx: VolumeContext,
  volumeId: string,
  attachmentId: string,
  connector: Record<string, unknown>,
) {
  const v = await findVolume(ctx.db, volumeId)
  if (!v?.host || !v.provider_location)
    throw invalidVolume(`Volume ${volumeId} has no backend to connect to.`)
  const info = await callManager<{ driver_volume_type: string; data: Record<string, unknown> }>(
    ctx,
    v.host,
    'initialize_connection',
    {
      volumeId,
      connector,
    },
  )
  const connectionInfo = { ...info, data: { ...info.data }, attachment_id: attachmentId }
  await updateAttachment(ctx.db, attachmentId, {
    connector: JSON.stringify(connector),
    connection_info: JSON.stringify(connectionInfo),
    attach_status: 'attaching',
    attached_host: typeof connector['host'] === 'string' ? connector['host'] : null,
    ...(typeof connector['mountpoint'] === 'string' ? { mountpoint: connector['mountpoint'] } : {}),
  })
  await casVolumeStatus(ctx.db, volumeId, ['reserved', 'available'], { status: 'attaching' })
  return connectionInfo
}

/**
 * attachment_create (3.27): reserves the volume for an instance; with a
 * connector also connects (attachment_update). Re-reserving for the same
 * instance reuses nothing but is allowed, as Cinder does.
 */
export async function createAttachment(
  ctx: VolumeContext,
  auth: AuthContext,
  input: {
    volumeId: string
    instanceUuid: string | null
    connector?: Record<string, unknown> | null
    mode?: string | null
  },
): Promise<AttachmentRow> {
  const v = await findVisibleVolume(ctx, auth, input.volumeId)
  if (v.status.includes('error'))
    throw invalidVolume(
      `Volume attachments can not be created if the volume is in an error state. The Volume ${v.id} currently has a status of: ${v.status} `,
    )
  const mode = input.mode ?? 'rw'
  if (mode !== 'rw' && mode !== 'ro') throw new BadRequestError(`Invalid attach mode ${mode}.`)
  const expected = v.multiattach
    ? ['available', 'in-use', 'downloading', 'reserved']
    : ['available', 'downloading']
  const id = newUuid()
  const ok = await ctx.db.transaction().execute(async (trx) => {
    let allowed = await casVolumeStatus(trx, v.id, expected, { status: 'reserved' })
    if (!allowed && input.instanceUuid) {
      const mine = await trx
        .selectFrom('volume_attachments')
        .select('id')
        .where('volume_id', '=', v.id)
        .where('instance_uuid', '=', input.instanceUuid)
        .executeTakeFirst()
      allowed = mine !== undefined
    }
    if (!allowed) return false
    const now = nowIso()
    await insertAttachment(trx, {
      id,
      volume_id: v.id,
      instance_uuid: input.instanceUuid,
      attached_host: null,
      mountpoint: null,
      attach_status: 'reserved',
      attach_mode: mode,
      connector: null,
      connection_info: null,
      attach_time: null,
      detach_time: null,
      created_at: now,
      updated_at: null,
    })
    return true
  })
  if (!ok)
    throw invalidVolume(
      `Volume ${v.id} status must be ${orList(expected.filter((s) => s !== 'reserved'))} to reserve, but the current status is ${v.status}.`,
    )
  if (input.connector) await connect(ctx, v.id, id, input.connector)
  return (await findAttachment(ctx.db, id))!
}

/** attachment_update: connects with the connector and answers the attachment with connection info. */
export async function updateAttachmentConnector(
  ctx: VolumeContext,
  auth: AuthContext,
  id: string,
  connector: Record<string, unknown>,
): Promise<AttachmentRow> {
  const a = await findVisibleAttachment(ctx, auth, id)
  const v = await findVolume(ctx.db, a.volume_id)
  if (v?.status.includes('error'))
    throw invalidVolume(
      `Volume attachments can not be updated if the volume is in an error state. The Volume ${v.id} currently has a status of: ${v.status} `,
    )
  await connect(ctx, a.volume_id, id, connector)
  return (await findAttachment(ctx.db, id))!
}

/** attachment_complete (3.44): the attachment is attached, the volume in-use. */
export async function completeAttachment(
  ctx: VolumeContext,
  auth: AuthContext,
  id: string,
): Promise<void> {
  const a = await findVisibleAttachment(ctx, auth, id)
  const v = await findVolume(ctx.db, a.volume_id)
  await updateAttachment(ctx.db, id, { attach_status: 'attached', attach_time: nowIso() })
  if (v) {
    const md = parseMap(v.admin_metadata)
    md['attached_mode'] = a.attach_mode
    await updateVolumeRow(ctx.db, v.id, {
      status: 'in-use',
      attach_status: 'attached',
      admin_metadata: JSON.stringify(md),
    })
  }
}

/** attachment_delete: disconnects if connected, removes it, and settles the volume's status. */
export async function removeAttachment(
  ctx: VolumeContext,
  auth: AuthContext,
  id: string,
): Promise<AttachmentRow[]> {
  const a = await findVisibleAttachment(ctx, auth, id)
  const v = await findVolume(ctx.db, a.volume_id)
  if (v?.host && a.connector)
    await callManager(ctx, v.host, 'terminate_connection', {
      volumeId: v.id,
      connector: JSON.parse(a.connector),
    }).catch(() => undefined)
  await deleteAttachment(ctx.db, id)
  await settle(ctx, a.volume_id)
  return attachmentsOf(ctx.db, [a.volume_id])
}
