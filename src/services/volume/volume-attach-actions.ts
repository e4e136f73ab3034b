import type { AuthContext } from '../../common/auth-context.js'
import { isAdmin } from '../../common/auth-context.js'
import { BadRequestError, ForbiddenError, NotFoundError } from '../../common/errors.js'
import { newUuid } from '../../common/ids.js'
import {
  attachmentsOf,
  casVolumeStatus,
  deleteAttachment,
  findVolume,
  insertAttachment,
  parseMap,
  updateVolumeRow,
  type VolumeRow,
} from '../../db/repositories/volume/volumes.js'
import { invalidVolume, orList } from './states.js'
import { callManager, findVisibleVolume } from './volumes-service.js'
import { nowIso, type VolumeContext } from './volume-context.js'

function requireAdmin(auth: AuthContext, what: string): void {
  if (!isAdmin(auth))
    throw new ForbiddenError(
      `Policy doesn't allow volume_extension:volume_admin_actions:${what} to be performed.`,
    )
}

/** The classic attach actions (os-reserve … os-detach, os-force_detach). */
export async function reserve(ctx: VolumeContext, auth: AuthContext, id: string): Promise<void> {
  const v = await findVisibleVolume(ctx, auth, id)
  const expected = v.multiattach ? ['available', 'in-use'] : ['available']
  if (!(await casVolumeStatus(ctx.db, id, expected, { status: 'attaching' })))
    throw invalidVolume(
      `Volume status must be ${orList(expected)} to reserve, but the status is ${v.status}.`,
    )
}

async function settledStatus(
  ctx: VolumeContext,
  id: string,
): Promise<{ status: string; attach_status: string }> {
  const atts = (await attachmentsOf(ctx.db, [id])).filter((a) => a.attach_status === 'attached')
  return atts.length > 0
    ? { status: 'in-use', attach_status: 'attached' }
    : { status: 'available', attach_status: 'detached' }
}

export async function unreserve(ctx: VolumeContext, auth: AuthContext, id: string): Promise<void> {
  await findVisibleVolume(ctx, auth, id)
  const s = await settledStatus(ctx, id)
  await casVolumeStatus(ctx.db, id, ['attaching', 'reserved'], { status: s.status })
}

export async function beginDetaching(
  ctx: VolumeContext,
  auth: AuthContext,
  id: string,
): Promise<void> {
  const v = await findVisibleVolume(ctx, auth, id)
  if (
    v.attach_status !== 'attached' ||
    !(await casVolumeStatus(ctx.db, id, ['in-use'], { status: 'detaching' }))
  )
    throw invalidVolume(
      "Unable to detach volume. Volume status must be 'in-use' and attach_status must be 'attached' to detach.",
    )
}

export async function rollDetaching(
  ctx: VolumeContext,
  auth: AuthContext,
  id: string,
): Promise<void> {
  await findVisibleVolume(ctx, auth, id)
  await casVolumeStatus(ctx.db, id, ['detaching'], { status: 'in-use' })
}

export async function initializeConnection(
  ctx: VolumeContext,
  auth: AuthContext,
  id: string,
  connector: Record<string, unknown>,
) {
  const v = await findVisibleVolume(ctx, auth, id)
  if (v.status === 'maintenance')
    throw invalidVolume('The volume connection cannot be initialized in maintenance mode.')
  if (!v.host || !v.provider_location)
    throw invalidVolume(`Volume ${id} has no backend to connect to.`)
  return callManager<Record<string, unknown>>(ctx, v.host, 'initialize_connection', {
    volumeId: id,
    connector,
  })
}

export async function terminateConnection(
  ctx: VolumeContext,
  auth: AuthContext,
  id: string,
  connector: Record<string, unknown> | null,
): Promise<void> {
  const v = await findVisibleVolume(ctx, auth, id)
  if (v.host) await callManager(ctx, v.host, 'terminate_connection', { volumeId: id, connector })
}

/** Legacy os-attach: records an attached attachment and moves the volume to in-use. */
export async function attach(
  ctx: VolumeContext,
  auth: AuthContext,
  id: string,
  input: {
    instanceUuid?: string | undefined
    hostName?: string | undefined
    mountpoint: string
    mode?: string | undefined
  },
): Promise<void> {
  const v = await findVisibleVolume(ctx, auth, id)
  if (v.status === 'maintenance')
    throw invalidVolume('The volume cannot be attached in maintenance mode.')
  const from = v.multiattach
    ? ['available', 'attaching', 'reserved', 'in-use']
    : ['available', 'attaching', 'reserved']
  const mode = input.mode ?? 'rw'
  if (mode !== 'rw' && mode !== 'ro')
    throw new BadRequestError(
      "Invalid request to attach volume to an invalid mode. Attaching mode should be 'rw' or 'ro'",
    )
  const md = parseMap(v.admin_metadata)
  if (md['readonly'] === 'True' && mode === 'rw')
    throw invalidVolume(`Invalid attaching mode 'rw' for volume ${id}.`)
  const now = nowIso()
  const ok = await ctx.db.transaction().execute(async (trx) => {
    if (
      !(await casVolumeStatus(trx, id, from, {
        status: 'in-use',
        attach_status: 'attached',
        admin_metadata: JSON.stringify({ ...md, attached_mode: mode }),
      }))
    )
      return false
    await insertAttachment(trx, {
      id: newUuid(),
      volume_id: id,
      instance_uuid: input.instanceUuid ?? null,
      attached_host: input.hostName ?? null,
      mountpoint: input.mountpoint,
      attach_status: 'attached',
      attach_mode: mode,
      connector: null,
      connection_info: null,
      attach_time: now,
      detach_time: null,
      created_at: now,
      updated_at: null,
    })
    return true
  })
  if (!ok)
    throw invalidVolume(
      `Volume ${id} status must be ${orList(from)} to attach, but the current status is ${v.status}.`,
    )
}

/** Legacy os-detach (and os-force_detach): drops one attachment (or the only one). */
export async function detach(
  ctx: VolumeContext,
  auth: AuthContext,
  id: string,
  attachmentId: string | undefined,
  force: boolean,
): Promise<void> {
  const v = force ? await findVolume(ctx.db, id) : await findVisibleVolume(ctx, auth, id)
  if (!v) throw new NotFoundError(`Volume ${id} could not be found.`)
  if (force) requireAdmin(auth, 'force_detach')
  if (!force && v.status === 'maintenance')
    throw invalidVolume('The volume cannot be detached in maintenance mode.')
  const atts = await attachmentsOf(ctx.db, [id])
  const target = attachmentId
    ? atts.find((a) => a.id === attachmentId)
    : atts.length === 1
      ? atts[0]
      : undefined
  if (attachmentId && !target)
    throw new NotFoundError(
      `Volume attachment could not be found with filter: attachment_id = ${attachmentId}.`,
    )
  if (!target) {
    // Cinder degrades gracefully: detaching a volume with no attachment just marks it available.
    if (atts.length > 1)
      throw invalidVolume(
        'Detach volume failed: More than one attachment, but no attachment_id provided.',
      )
  } else {
    if (force && v.host && target.connector)
      await terminateConnectionQuiet(ctx, v, target.connector)
    await deleteAttachment(ctx.db, target.id)
  }
  const s = await settledStatus(ctx, id)
  const md = parseMap(v.admin_metadata)
  if (s.status === 'available') delete md['attached_mode']
  await updateVolumeRow(ctx.db, id, { ...s, admin_metadata: JSON.stringify(md) })
}

async function terminateConnectionQuiet(
  ctx: VolumeContext,
  v: VolumeRow,
  connector: string,
): Promise<void> {
  await callManager(ctx, v.host!, 'terminate_connection', {
    volumeId: v.id,
    connector: JSON.parse(connector),
  }).catch(() => undefined)
}
