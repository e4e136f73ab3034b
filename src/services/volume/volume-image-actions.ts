import type { AuthContext } from '../../common/auth-context.js'
import { NotFoundError } from '../../common/errors.js'
import { casVolumeStatus, parseMap, updateVolumeRow } from '../../db/repositories/volume/volumes.js'
import { invalidVolume } from './states.js'
import { typeById } from './types-service.js'
import { castManager, findVisibleVolume } from './volumes-service.js'
import type { VolumeContext } from './volume-context.js'

/** Volume ↔ image actions: os-volume_upload_image and the volume image metadata. */
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
