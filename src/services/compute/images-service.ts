import type { AuthContext } from '../../common/auth-context.js'
import { BadRequestError, CloudError, ForbiddenError, NotFoundError } from '../../common/errors.js'
import type { ImageRecord } from '../../db/repositories/image/rows.js'
import type { ComputeContext } from './compute-context.js'
import { effectiveLimits } from './quotas.js'

/** The deprecated compute image proxy (Nova's images and image-metadata APIs) over the image service. */

const PATCH_TYPE = 'application/openstack-images-v2.1-json-patch'

export async function showImage(
  ctx: ComputeContext,
  auth: AuthContext,
  id: string,
): Promise<ImageRecord> {
  try {
    return await ctx.image.show(auth, id)
  } catch (err) {
    if (err instanceof CloudError && (err.status === 404 || err.status === 400))
      throw new NotFoundError('Image not found.')
    throw err
  }
}

export async function deleteImage(
  ctx: ComputeContext,
  auth: AuthContext,
  id: string,
): Promise<void> {
  try {
    await ctx.image.delete(auth, id)
  } catch (err) {
    if (err instanceof CloudError && (err.status === 404 || err.status === 400))
      throw new NotFoundError('Image not found.')
    if (err instanceof CloudError && err.status === 403)
      throw new ForbiddenError('You are not allowed to delete the image.')
    throw err
  }
}

export interface ImageFilters {
  name?: string | undefined
  status?: string | undefined
  changesSince?: string | undefined
  server?: string | undefined
  type?: string | undefined
  minRam?: number | undefined
  minDisk?: number | undefined
  properties: Record<string, string>
}

/** Every image the caller sees, in the image service's order (newest first). */
async function allVisible(ctx: ComputeContext, auth: AuthContext): Promise<ImageRecord[]> {
  const out: ImageRecord[] = []
  let marker: string | undefined
  for (;;) {
    const page = await ctx.image.list(auth, { limit: '1000', ...(marker ? { marker } : {}) })
    out.push(...page.images)
    if (!page.nextMarker || page.images.length === 0) return out
    marker = page.nextMarker
  }
}

/** Nova's image filters (name, status, changes-since, server, type, minRam, minDisk, property-*) and paging. */
export async function listImages(
  ctx: ComputeContext,
  auth: AuthContext,
  f: ImageFilters,
  page: { limit?: number | undefined; marker?: string | undefined },
): Promise<ImageRecord[]> {
  const images = (await allVisible(ctx, auth)).filter(
    (i) =>
      (f.name === undefined || i.name === f.name) &&
      (f.status === undefined || i.status === f.status.toLowerCase()) &&
      (f.changesSince === undefined || i.updatedAt >= f.changesSince) &&
      (f.server === undefined || i.properties['instance_uuid'] === f.server) &&
      (f.type === undefined || i.properties['image_type'] === f.type) &&
      (f.minRam === undefined || i.minRam >= f.minRam) &&
      (f.minDisk === undefined || i.minDisk >= f.minDisk) &&
      Object.entries(f.properties).every(([k, v]) => i.properties[k] === v),
  )
  let start = 0
  if (page.marker !== undefined) {
    const at = images.findIndex((i) => i.id === page.marker)
    if (at < 0) throw new BadRequestError(`marker [${page.marker}] not found`)
    start = at + 1
  }
  return images.slice(start, page.limit === undefined ? undefined : start + page.limit)
}

/** common.check_img_metadata_properties_quota: metadata_items bounds image properties too. */
async function checkQuota(ctx: ComputeContext, auth: AuthContext, props: Record<string, string>) {
  if (!auth.project) return
  const limit = (await effectiveLimits(ctx, auth.project.id)).metadata_items
  if (limit >= 0 && Object.keys(props).length > limit)
    throw new ForbiddenError('Image metadata limit exceeded')
}

/** Makes the image's properties exactly `wanted` (Nova updates with purge_props). */
export async function setImageProperties(
  ctx: ComputeContext,
  auth: AuthContext,
  id: string,
  wanted: Record<string, string>,
): Promise<Record<string, string>> {
  const image = await showImage(ctx, auth, id)
  await checkQuota(ctx, auth, wanted)
  const ops: Array<{ op: string; path: string; value?: string }> = []
  const pointer = (k: string) => `/${k.replaceAll('~', '~0').replaceAll('/', '~1')}`
  for (const k of Object.keys(image.properties))
    if (!(k in wanted)) ops.push({ op: 'remove', path: pointer(k) })
  for (const [k, v] of Object.entries(wanted))
    if (image.properties[k] !== v)
      ops.push({ op: k in image.properties ? 'replace' : 'add', path: pointer(k), value: v })
  if (ops.length === 0) return { ...image.properties }
  try {
    const updated = await ctx.image.update(auth, id, PATCH_TYPE, ops)
    return { ...updated.properties }
  } catch (err) {
    if (err instanceof CloudError && err.status === 404) throw new NotFoundError('Image not found.')
    throw err
  }
}
