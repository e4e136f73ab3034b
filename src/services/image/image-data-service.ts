import type { Readable } from 'node:stream'
import type { AuthContext } from '../../common/auth-context.js'
import { BadRequestError, CloudError, ConflictError, NotFoundError } from '../../common/errors.js'
import * as images from '../../db/repositories/image/images.js'
import { addLocation } from '../../db/repositories/image/locations.js'
import type { ImageRecord } from '../../db/repositories/image/rows.js'
import type { ImageContext } from './image-context.js'
import { enforceModify } from './image-policy.js'
import { loadVisible } from './images-service.js'
import type { ImageStore } from './store/store.js'
import { writeToStore, type WriteLimits } from './store-writer.js'
import { virtualSizeOf } from './virtual-size.js'

/** 410 Gone: the image was deleted while its data was arriving. */
export class ImageGoneError extends CloudError {
  readonly status = 410
  readonly code = 'NUBIS_IMAGE_GONE'
}

/** The byte limits for new data of an image owned by `owner`. */
export async function limitsFor(ctx: ImageContext, image: ImageRecord): Promise<WriteLimits> {
  const sizeCap = ctx.config.image.image_size_cap
  if (ctx.storageQuota <= 0 || image.owner === null) return { sizeCap }
  const { bytes } = await images.usageOf(ctx.db, image.owner, image.id)
  return { sizeCap, quotaLeft: ctx.storageQuota - bytes }
}

/** Status checks Glance's Image.status setter makes before data may be saved. */
export function assertCanReceiveData(image: ImageRecord, next: 'saving' | 'uploading'): void {
  if (image.status !== 'queued') {
    throw new ConflictError(
      `Image status transition from ${image.status} to ${next} is not allowed`,
    )
  }
  const missing = (['disk_format', 'container_format'] as const).filter((k) =>
    k === 'disk_format' ? !image.diskFormat : !image.containerFormat,
  )
  if (missing.length === 1)
    throw new BadRequestError(`Property ${missing[0]} must be set prior to saving data.`)
  if (missing.length === 2)
    throw new BadRequestError(`Properties ${missing.join(', ')} must be set prior to saving data.`)
}

/** Picks the upload target: X-Image-Meta-Store or the default store. */
export function targetStore(ctx: ImageContext, storeId: string | undefined): ImageStore {
  if (storeId === undefined || storeId === '') return ctx.stores.default
  const store = ctx.stores.find(storeId)
  if (!store) throw new BadRequestError(`Store for identifier ${storeId} not found`)
  if (store.readOnly) throw new BadRequestError(`Store ${storeId} is read-only`)
  return store
}

/**
 * PUT /v2/images/{id}/file: queued → saving → active. On any failure the
 * store holds nothing and the image is back in `queued`, ready for a retry.
 */
export async function uploadImage(
  ctx: ImageContext,
  auth: AuthContext,
  id: string,
  data: Readable,
  storeId?: string,
): Promise<void> {
  const image = await loadVisible(ctx, auth, id)
  enforceModify(auth, image, 'upload_image')
  const store = targetStore(ctx, storeId)
  assertCanReceiveData(image, 'saving')
  const limits = await limitsFor(ctx, image)
  if (!(await images.updateImage(ctx.db, id, { status: 'saving' }, { fromStatus: ['queued'] }))) {
    throw new ConflictError(`Image status transition from ${image.status} to saving is not allowed`)
  }
  let written
  try {
    written = await writeToStore(store, id, data, ctx.config.image.hashing_algorithm, limits)
  } catch (err) {
    await images.updateImage(
      ctx.db,
      id,
      { status: 'queued', size: null, virtualSize: null },
      { fromStatus: ['saving'] },
    )
    throw err
  }
  await finishUpload(ctx, image, store, written)
}

async function finishUpload(
  ctx: ImageContext,
  image: ImageRecord,
  store: ImageStore,
  { stored, digest }: Awaited<ReturnType<typeof writeToStore>>,
): Promise<void> {
  const virtualSize = await virtualSizeOf(
    store,
    stored.url,
    image,
    digest.size,
    ctx.logger,
    digest.head,
  )
  await addLocation(ctx.db, image.id, stored.url, { ...stored.metadata, store: store.id })
  const done = await images.updateImage(
    ctx.db,
    image.id,
    {
      status: 'active',
      size: digest.size,
      virtualSize,
      checksum: digest.checksum,
      osHashAlgo: digest.osHashAlgo,
      osHashValue: digest.osHashValue,
    },
    { fromStatus: ['saving'] },
  )
  if (!done) {
    await store.delete(stored.url).catch(() => undefined)
    throw new ImageGoneError(
      `Image ${image.id} could not be found after upload. The image may have been deleted during the upload, cleaning up the chunks uploaded.`,
    )
  }
}

/**
 * PUT /v2/images/{id}/stage (glance-direct): queued → uploading, the data
 * waits in the staging store until POST /import.
 */
export async function stageImage(
  ctx: ImageContext,
  auth: AuthContext,
  id: string,
  data: Readable,
): Promise<void> {
  if (!ctx.config.image.enabled_import_methods.includes('glance-direct')) {
    throw new NotFoundError("'glance-direct' method is not available at this site.")
  }
  const image = await loadVisible(ctx, auth, id)
  enforceModify(auth, image, 'modify_image')
  if (image.status !== 'queued') {
    throw new ConflictError(
      `Image status transition from ${image.status} to uploading is not allowed`,
    )
  }
  const limits = await limitsFor(ctx, image)
  if (
    !(await images.updateImage(ctx.db, id, { status: 'uploading' }, { fromStatus: ['queued'] }))
  ) {
    throw new ConflictError(
      `Image status transition from ${image.status} to uploading is not allowed`,
    )
  }
  try {
    const { digest } = await writeToStore(
      ctx.staging,
      id,
      data,
      ctx.config.image.hashing_algorithm,
      limits,
    )
    await images.updateImage(ctx.db, id, { size: digest.size }, { fromStatus: ['uploading'] })
  } catch (err) {
    await images.updateImage(
      ctx.db,
      id,
      { status: 'queued', size: null },
      { fromStatus: ['uploading'] },
    )
    throw err
  }
}
