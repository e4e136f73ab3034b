import type { AuthContext } from '../../common/auth-context.js'
import { isAdmin } from '../../common/auth-context.js'
import { BadRequestError, ForbiddenError, NotFoundError } from '../../common/errors.js'
import { reserveCapacity, listPoolRows } from '../../db/repositories/volume/backends.js'
import {
  casVolumeStatus,
  findVolume,
  parseMap,
  updateVolumeRow,
} from '../../db/repositories/volume/volumes.js'
import { checkPerVolumeSize, checkQuota } from './quota.js'
import { allocationLimit, capabilitiesFilter } from './scheduler/filters.js'
import { invalidInput, invalidVolume, RESETTABLE_VOLUME_STATUSES } from './states.js'
import { findVisibleType, typeById } from './types-service.js'
import { castManager, findVisibleVolume } from './volumes-service.js'
import type { VolumeContext } from './volume-context.js'
import { typeIsMultiattach } from './volume-create.js'

function requireAdmin(auth: AuthContext, what: string): void {
  if (!isAdmin(auth))
    throw new ForbiddenError(
      `Policy doesn't allow volume_extension:volume_admin_actions:${what} to be performed.`,
    )
}

/** Volume actions that change size, type, status or flags (os-extend, os-retype, os-reset_status, …). */
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
