import type { AuthContext } from '../../common/auth-context.js'
import { isAdmin } from '../../common/auth-context.js'
import { BadRequestError, NotFoundError } from '../../common/errors.js'
import { newUuid } from '../../common/ids.js'
import { findSnapshot } from '../../db/repositories/volume/snapshots.js'
import {
  findVolume,
  insertVolume,
  parseMap,
  type VolumeRow,
} from '../../db/repositories/volume/volumes.js'
import { checkPerVolumeSize, checkQuota } from './quota.js'
import { invalidInput, invalidSnapshot, invalidVolume } from './states.js'
import { defaultType, findVisibleType, typeById, type VolumeTypeRecord } from './types-service.js'
import { callerProject, checkMetadata, findVisibleVolume } from './volumes-service.js'
import { nowIso, VOLUME_SCHEDULER_TOPIC, type VolumeContext } from './volume-context.js'
import { availabilityZones } from './zones.js'

export interface VolumeCreateInput {
  readonly size?: number | null | undefined
  readonly name?: string | null | undefined
  readonly description?: string | null | undefined
  readonly volumeType?: string | null | undefined
  readonly availabilityZone?: string | null | undefined
  readonly snapshotId?: string | null | undefined
  readonly sourceVolid?: string | null | undefined
  readonly imageRef?: string | null | undefined
  readonly backupId?: string | null | undefined
  readonly metadata?: Record<string, unknown> | null | undefined
  readonly multiattach?: boolean | null | undefined
}

/** True when a type's extra specs ask for multiattach (`multiattach: <is> True`). */
export function typeIsMultiattach(t: VolumeTypeRecord): boolean {
  return /^\s*<is>\s*true\s*$/i.test(t.extraSpecs['multiattach'] ?? '')
}

const GiB = 1024 ** 3

/**
 * POST /volumes: validates the sources, checks quota and inserts the row in
 * one transaction (status `creating`), then casts to the scheduler. The
 * backend sets `available` (or `error` with a reason) later.
 */
export async function createVolume(
  ctx: VolumeContext,
  auth: AuthContext,
  input: VolumeCreateInput,
): Promise<VolumeRow> {
  const projectId = callerProject(auth)
  if (input.multiattach === true)
    throw new BadRequestError(
      'multiattach parameter has been removed. The default behavior is to use multiattach enabled volume types. Contact your administrator to create a multiattach enabled volume type and use it to create multiattach volumes.',
    )
  const sources = [input.snapshotId, input.sourceVolid, input.imageRef, input.backupId].filter(
    (x) => x !== undefined && x !== null && x !== '',
  )
  if (sources.length > 1)
    throw new BadRequestError(
      'Invalid input received: Only one of snapshot_id, source_volid, imageRef or backup_id may be given.',
    )

  let size = input.size ?? undefined
  let type: VolumeTypeRecord | undefined
  let bootable: 0 | 1 = 0
  let imageMeta: Record<string, string> | null = null
  let az = input.availabilityZone ?? undefined

  if (input.snapshotId) {
    const snap = await findSnapshot(ctx.db, input.snapshotId)
    if (!snap || (!isAdmin(auth) && snap.project_id !== projectId))
      throw new NotFoundError(`Snapshot ${input.snapshotId} could not be found.`)
    if (snap.status !== 'available')
      throw invalidSnapshot(`Originating snapshot status must be one of 'available' values`)
    size ??= snap.size
    if (size < snap.size)
      throw invalidInput(
        `Volume size '${size}'GB cannot be smaller than the snapshot size ${snap.size}GB. They must be >= original snapshot size.`,
      )
    type = await typeById(ctx, snap.volume_type_id)
    const src = await findVolume(ctx.db, snap.volume_id)
    if (src) {
      bootable = src.bootable
      imageMeta = src.image_metadata ? parseMap(src.image_metadata) : null
      az ??= src.availability_zone
    }
  } else if (input.sourceVolid) {
    const src = await findVisibleVolume(ctx, auth, input.sourceVolid).catch(() => {
      throw new NotFoundError(`Volume ${input.sourceVolid} could not be found.`)
    })
    if (!['available', 'in-use'].includes(src.status))
      throw invalidVolume(`Unable to clone volumes that are in an error state`)
    size ??= src.size
    if (size < src.size)
      throw invalidInput(
        `Volume size '${size}'GB cannot be smaller than original volume size  ${src.size}GB. They must be >= original volume size.`,
      )
    type = await typeById(ctx, src.volume_type_id)
    bootable = src.bootable
    imageMeta = src.image_metadata ? parseMap(src.image_metadata) : null
    az ??= src.availability_zone
  } else if (input.imageRef) {
    const image = await ctx.image.show(auth, input.imageRef).catch(() => {
      throw new BadRequestError('Invalid image identifier or unable to access requested image.')
    })
    if (image.status !== 'active')
      throw new BadRequestError(`Invalid input received: Image ${image.id} is not active.`)
    const need = Math.max(
      image.minDisk,
      Math.ceil((image.virtualSize ?? image.size ?? 0) / GiB),
      image.size === null ? 0 : Math.ceil(image.size / GiB),
    )
    size ??= Math.max(need, 1)
    if (size < Math.ceil((image.size ?? 0) / GiB))
      throw invalidInput(
        `Size of specified image ${Math.ceil((image.size ?? 0) / GiB)}GB is larger than volume size ${size}GB.`,
      )
    if (size < image.minDisk)
      throw invalidInput(
        `Volume size ${size}GB cannot be smaller than the image minDisk size ${image.minDisk}GB.`,
      )
    bootable = 1
    imageMeta = {
      image_id: image.id,
      image_name: image.name ?? '',
      checksum: image.checksum ?? '',
      container_format: image.containerFormat ?? '',
      disk_format: image.diskFormat ?? '',
      min_disk: String(image.minDisk),
      min_ram: String(image.minRam),
      size: String(image.size ?? 0),
      ...image.properties,
    }
  } else if (input.backupId) {
    const b = await ctx.db
      .selectFrom('volume_backups')
      .selectAll()
      .where('id', '=', input.backupId)
      .executeTakeFirst()
    if (!b || (!isAdmin(auth) && b.project_id !== projectId))
      throw new NotFoundError(`Backup ${input.backupId} could not be found.`)
    if (b.status !== 'available')
      throw new BadRequestError(`Invalid backup: Backup status must be available`)
    size ??= b.size
  }

  if (size === undefined || !Number.isInteger(size) || size <= 0)
    throw invalidInput(
      `Volume size '${String(input.size ?? '')}' must be an integer and greater than 0`,
    )
  if (input.volumeType) {
    const requested = await findVisibleType(ctx, auth, input.volumeType)
    type = requested
  }
  type ??= await defaultType(ctx)

  const zones = await availabilityZones(ctx)
  if (az === undefined || az === '')
    az = ctx.conf.default_availability_zone || ctx.conf.storage_availability_zone
  if (!zones.includes(az)) {
    if (ctx.conf.allow_availability_zone_fallback) az = ctx.conf.default_availability_zone
    else throw new BadRequestError(`Invalid input received: Availability zone '${az}' is invalid.`)
  }
  const metadata = checkMetadata(input.metadata ?? {})
  await checkPerVolumeSize(ctx, projectId, size)

  const id = newUuid()
  const now = nowIso()
  const finalSize = size
  const theType = type
  await ctx.db.transaction().execute(async (trx) => {
    await checkQuota(ctx, trx, projectId, {
      volumes: 1,
      gigabytes: finalSize,
      typeName: theType.name,
    })
    await insertVolume(trx, {
      id,
      project_id: projectId,
      user_id: auth.userId,
      name: input.name ?? null,
      description: input.description ?? null,
      size: finalSize,
      status: 'creating',
      attach_status: 'detached',
      availability_zone: az,
      volume_type_id: theType.id,
      snapshot_id: input.snapshotId || null,
      source_volid: input.sourceVolid || null,
      image_id: input.imageRef || null,
      backup_id: input.backupId || null,
      bootable,
      multiattach: typeIsMultiattach(theType) ? 1 : 0,
      host: null,
      migration_status: null,
      replication_status: null,
      provider_location: null,
      metadata: JSON.stringify(metadata),
      admin_metadata: '{}',
      image_metadata: imageMeta ? JSON.stringify(imageMeta) : null,
      status_reason: null,
      use_quota: 1,
      created_at: now,
      updated_at: null,
      launched_at: null,
    })
  })
  await ctx.bus.cast({ topic: VOLUME_SCHEDULER_TOPIC }, 'create_volume', {
    volumeId: id,
    auth: auth as never,
  })
  return (await findVolume(ctx.db, id))!
}
