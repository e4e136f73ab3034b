import type { AuthContext } from '../../common/auth-context.js'
import { isAdmin } from '../../common/auth-context.js'
import { BadRequestError, ForbiddenError, NotFoundError } from '../../common/errors.js'
import { newUuid } from '../../common/ids.js'
import {
  releaseCapacity,
  reserveCapacity,
  listPoolRows,
} from '../../db/repositories/volume/backends.js'
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
import { checkPerVolumeSize, checkQuota } from './quota.js'
import { allocationLimit, capabilitiesFilter } from './scheduler/filters.js'
import { invalidInput, invalidVolume, orList, RESETTABLE_VOLUME_STATUSES } from './states.js'
import { findVisibleType, typeById } from './types-service.js'
import { callManager, castManager, findVisibleVolume } from './volumes-service.js'
import { nowIso, type VolumeContext } from './volume-context.js'
import { typeIsMultiattach } from './volume-create.js'

function requireAdmin(auth: AuthContext, what: string): void {
  if (!isAdmin(auth))
    throw new ForbiddenError(
      `Policy doesn't allow volume_extension:volume_admin_actions:${what} to be performed.`,
    )
}

export async function extendVolume(
  ctx: VolumeContext,
  auth: AuthContext,
  id: string,
  newSize: number,
  microversion: number,
): Promise<void> {
  const v = await findVisibleVolume(ctx, auth, id)
  if (!Number.isInteger(newSize) || newSize <= v.size)
    throw invalidInput(
      `New size for extend must be greater than current size. (current: ${v.size}, extended: ${newSize}).`,
    )
  const allowed = microversion >= 42 ? ['available', 'in-use'] : ['available']
  if (!allowed.includes(v.status))
    throw invalidVolume(
      `Volume ${v.id} status must be '${allowed.length > 1 ? `{'status': ('available', 'in-use')}` : `{'status': 'available'}`}' to extend, currently ${v.status}.`,
    )
  await checkPerVolumeSize(ctx, v.project_id, newSize)
  const type = await typeById(ctx, v.volume_type_id)
  const delta = newSize - v.size
  await ctx.db.transaction().execute(async (trx) => {
    await checkQuota(ctx, trx, v.project_id, {
      gigabytes: delta,
      ...(type ? { typeName: type.name } : {}),
    })
    if (!(await casVolumeStatus(trx, id, allowed, { status: 'extending' })))
      throw invalidVolume(
        `Volume ${v.id} status must be 'available' to extend, currently ${v.status}.`,
      )
  })
  if (v.host) {
    const pool = (await listPoolRows(ctx.db)).find((p) => p.name === v.host)
    if (pool && !(await reserveCapacity(ctx.db, pool.name, delta, allocationLimit(pool)))) {
      await updateVolumeRow(ctx.db, id, { status: v.status })
      throw new BadRequestError(
        `Insufficient free space for volume extend: requested ${delta}G more on ${pool.name}.`,
      )
    }
    await castManager(ctx, v.host, 'extend_volume', {
      volumeId: id,
      newSize,
      previousStatus: v.status,
    })
  }
}

export async function retypeVolume(
  ctx: VolumeContext,
  auth: AuthContext,
  id: string,
  newType: string,
  policy: string,
): Promise<void> {
  const v = await findVisibleVolume(ctx, auth, id)
  const type = await findVisibleType(ctx, auth, newType).catch(() => {
    throw new BadRequestError(`Invalid volume_type passed: ${newType}.`)
  })
  const msg =
    'Retype needs volume to be in available or in-use state, not be part of an active migration or a consistency group, requested type has to be different that the one from the volume, and for in-use volumes front-end qos specs cannot change.'
  if (type.id === v.volume_type_id || !['available', 'in-use'].includes(v.status))
    throw invalidVolume(msg)
  if (typeIsMultiattach(type) && !v.multiattach && v.status === 'in-use') throw invalidVolume(msg)
  // Can the current pool keep the volume under the new type? Otherwise it would need a migration.
  const pool = (await listPoolRows(ctx.db)).find((p) => p.name === v.host)
  const inPlace = pool
    ? capabilitiesFilter(
        { row: pool, capabilities: JSON.parse(pool.capabilities) as Record<string, unknown> },
        {
          sizeGb: v.size,
          availabilityZone: v.availability_zone,
          typeSpecs: type.extraSpecs,
        },
      )
    : true
  if (!inPlace) {
    if (policy !== 'on-demand')
      throw new BadRequestError('Retype requires migration but is not allowed.')
    throw new BadRequestError(
      'Retype requires a migration to another backend, which Nubis does not do yet.',
    )
  }
  await ctx.db.transaction().execute(async (trx) => {
    await checkQuota(ctx, trx, v.project_id, {
      volumes: 1,
      gigabytes: v.size,
      typeName: type.name,
      perTypeOnly: true,
    })
    if (!(await casVolumeStatus(trx, id, ['available', 'in-use'], { status: 'retyping' })))
      throw invalidVolume(msg)
  })
  if (v.host)
    await castManager(ctx, v.host, 'retype', {
      volumeId: id,
      newTypeId: type.id,
      previousStatus: v.status,
    })
  else
    await updateVolumeRow(ctx.db, id, {
      volume_type_id: type.id,
      status: v.status,
      multiattach: typeIsMultiattach(type) ? 1 : 0,
    })
}

export async function resetStatus(
  ctx: VolumeContext,
  auth: AuthContext,
  id: string,
  body: { status?: string; attach_status?: string; migration_status?: string },
): Promise<void> {
  requireAdmin(auth, 'reset_status')
  const v = await findVolume(ctx.db, id)
  if (!v) throw new NotFoundError(`Volume ${id} could not be found.`)
  if (body.status !== undefined && !RESETTABLE_VOLUME_STATUSES.includes(body.status.toLowerCase()))
    throw new BadRequestError(`Invalid input received: Must specify a valid status`)
  if (body.attach_status !== undefined && !['attached', 'detached'].includes(body.attach_status))
    throw new BadRequestError('Invalid input received: Must specify a valid attach status')
  await updateVolumeRow(ctx.db, id, {
    ...(body.status !== undefined ? { status: body.status.toLowerCase() } : {}),
    ...(body.attach_status !== undefined ? { attach_status: body.attach_status } : {}),
    ...(body.migration_status !== undefined
      ? { migration_status: body.migration_status === 'none' ? null : body.migration_status }
      : {}),
  })
}

export async function setBootable(
  ctx: VolumeContext,
  auth: AuthContext,
  id: string,
  bootable: boolean,
): Promise<void> {
  const v = await findVisibleVolume(ctx, auth, id)
  if (!['available', 'in-use'].includes(v.status))
    throw invalidVolume('Volume status must be available or in-use.')
  await updateVolumeRow(ctx.db, id, { bootable: bootable ? 1 : 0 })
}

export async function setReadonly(
  ctx: VolumeContext,
  auth: AuthContext,
  id: string,
  readonly: boolean,
): Promise<void> {
  const v = await findVisibleVolume(ctx, auth, id)
  if (v.status !== 'available')
    throw invalidVolume(
      `Volume ${id} status must be available to update readonly flag, but current status is: ${v.status}.`,
    )
  const md = parseMap(v.admin_metadata)
  md['readonly'] = readonly ? 'True' : 'False'
  await updateVolumeRow(ctx.db, id, { admin_metadata: JSON.stringify(md) })
}

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

export async function uploadToImage(
  ctx: VolumeContext,
  auth: AuthContext,
  id: string,
  input: {
    imageName: string
    diskFormat: string
    containerFormat: string
    force: boolean
    visibility?: string | undefined
    protected?: boolean | undefined
  },
) {
  const v = await findVisibleVolume(ctx, auth, id)
  const allowed = input.force ? ['available', 'in-use'] : ['available']
  if (!allowed.includes(v.status))
    throw invalidVolume(
      `Volume ${id} status must be ${allowed.join(' or ')}, but current status is: ${v.status}.`,
    )
  if (!v.host) throw invalidVolume(`Volume ${id} has no backend.`)
  const imgMeta = parseMap(v.image_metadata)
  const props: Record<string, string> = {}
  for (const k of [
    'hw_disk_bus',
    'hw_scsi_model',
    'hw_vif_model',
    'vmware_adaptertype',
    'vmware_disktype',
    'os_type',
    'architecture',
  ])
    if (imgMeta[k] !== undefined) props[k] = imgMeta[k]
  const image = await ctx.image.create(auth, {
    name: input.imageName,
    disk_format: input.diskFormat,
    container_format: input.containerFormat,
    ...(input.visibility ? { visibility: input.visibility } : {}),
    ...(input.protected !== undefined ? { protected: input.protected } : {}),
    ...props,
  })
  if (!(await casVolumeStatus(ctx.db, id, allowed, { status: 'uploading' }))) {
    await ctx.image.delete(auth, image.id).catch(() => undefined)
    throw invalidVolume(`Volume ${id} status must be ${allowed.join(' or ')}.`)
  }
  await castManager(ctx, v.host, 'copy_volume_to_image', {
    volumeId: id,
    imageId: image.id,
    diskFormat: input.diskFormat,
    auth: auth,
    previousStatus: v.status,
  })
  const type = await typeById(ctx, v.volume_type_id)
  return {
    id: v.id,
    updated_at: v.updated_at,
    status: 'uploading',
    display_description: v.description,
    size: v.size,
    volume_type: type
      ? {
          id: type.id,
          name: type.name,
          description: type.description,
          is_public: type.is_public === 1,
          extra_specs: type.extraSpecs,
          deleted: false,
          created_at: type.created_at,
          updated_at: type.updated_at,
          deleted_at: null,
          qos_specs_id: null,
        }
      : null,
    image_id: image.id,
    container_format: input.containerFormat,
    disk_format: input.diskFormat,
    image_name: input.imageName,
    protected: image.protected,
    visibility: image.visibility,
  }
}

export async function setImageMetadata(
  ctx: VolumeContext,
  auth: AuthContext,
  id: string,
  md: Record<string, string>,
  unsetKey?: string,
) {
  const v = await findVisibleVolume(ctx, auth, id)
  if (!['available', 'in-use'].includes(v.status))
    throw invalidVolume(`Volume ${id} status must be available or in-use.`)
  const cur = parseMap(v.image_metadata)
  if (unsetKey !== undefined) {
    if (cur[unsetKey] === undefined)
      throw new NotFoundError(`Glance metadata for volume/snapshot ${id} cannot be found.`)
    delete cur[unsetKey]
  } else Object.assign(cur, md)
  await updateVolumeRow(ctx.db, id, { image_metadata: JSON.stringify(cur) })
  return cur
}

export { releaseCapacity }
