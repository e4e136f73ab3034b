import type { AuthContext } from '../../../common/auth-context.js'
import { serviceAuth } from '../../conductor/service-auth.js'
import type { ComputeContext } from '../compute-context.js'
import type { InstanceRow } from './instance-guard.js'

// compute_utils NON_INHERITABLE_IMAGE_PROPERTIES plus what Nova sets anew on each snapshot.
const NOT_INHERITED = new Set([
  'cache_in_nova',
  'bittorrent',
  'img_signature_hash_method',
  'img_signature',
  'img_signature_key_type',
  'img_signature_certificate_uuid',
  'instance_uuid',
  'user_id',
  'image_type',
  'base_image_ref',
  'image_location',
  'image_state',
  'owner_id',
])

interface BaseImage {
  diskFormat?: string
  containerFormat?: string
  minRam?: number
  properties: Record<string, string>
}

async function baseImage(ctx: ComputeContext, inst: InstanceRow): Promise<BaseImage> {
  if (!inst.image_ref) return { properties: {} }
  try {
    const img = await ctx.image.show(serviceAuth(inst.project_id, inst.user_id), inst.image_ref)
    return {
      ...(img.diskFormat ? { diskFormat: img.diskFormat } : {}),
      ...(img.containerFormat ? { containerFormat: img.containerFormat } : {}),
      minRam: img.minRam,
      properties: { ...img.properties },
    }
  } catch {
    return { properties: {} }
  }
}

/**
 * Nova's compute_utils.create_image: a queued image owned by the caller with
 * the base image's inheritable properties, instance_uuid, user_id and
 * image_type, then the caller's metadata on top.
 */
export async function createSnapshotImage(
  ctx: ComputeContext,
  auth: AuthContext,
  inst: InstanceRow,
  name: string,
  imageType: 'snapshot' | 'backup',
  extra: Record<string, string>,
): Promise<string> {
  const base = await baseImage(ctx, inst)
  const props: Record<string, string> = {}
  for (const [k, v] of Object.entries(base.properties))
    if (!NOT_INHERITED.has(k) && !k.startsWith('os_glance')) props[k] = v
  const flavor = JSON.parse(inst.flavor) as { rootGb?: number }
  const body: Record<string, unknown> = {
    name,
    ...(base.diskFormat ? { disk_format: base.diskFormat } : {}),
    ...(base.containerFormat ? { container_format: base.containerFormat } : {}),
    min_ram: base.minRam ?? 0,
    min_disk: flavor.rootGb ?? 0,
    ...props,
    instance_uuid: inst.uuid,
    user_id: auth.userId,
    image_type: imageType,
    ...(inst.image_ref ? { base_image_ref: inst.image_ref } : {}),
    ...extra,
  }
  const img = await ctx.image.create(auth, body)
  return img.id
}
