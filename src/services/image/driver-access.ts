import type { Readable } from 'node:stream'
import { NotFoundError } from '../../common/errors.js'
import { findImage } from '../../db/repositories/image/images.js'
import type { ImageCache } from './image-cache.js'
import type { ImageContext } from './image-context.js'
import type { ByteRange, StoreType } from './store/store.js'

/** Where one copy of an image lives, so a driver can copy store-to-datastore itself. */
export interface ImageCopy {
  readonly storeId: string
  readonly storeType: StoreType
  readonly url: string
  readonly metadata: Readonly<Record<string, unknown>>
}

/** What a compute driver needs to boot from an image. */
export interface ImageData {
  readonly id: string
  readonly size: number
  readonly diskFormat: string | null
  readonly containerFormat: string | null
  readonly checksum: string | null
  readonly properties: Readonly<Record<string, string>>
  /** Every copy; a vSphere driver picks a `vsphere` one and copies within vCenter. */
  readonly copies: readonly ImageCopy[]
  /** Streams the bytes: the local cache first, then each copy in turn. */
  open(range?: ByteRange): Promise<Readable>
}

/**
 * The internal image call for compute drivers (no policy: the compute
 * service already checked the caller may use the image). 404 unless active.
 */
export async function openImageData(
  ctx: ImageContext,
  cache: ImageCache | undefined,
  id: string,
): Promise<ImageData> {
  const image = await findImage(ctx.db, id)
  if (!image || image.status !== 'active' || image.size === null)
    throw new NotFoundError(`Image ${id} could not be found.`)
  const copies: ImageCopy[] = []
  for (const l of image.locations) {
    const store = ctx.stores.forLocation(l.url, l.metadata['store'])
    if (store)
      copies.push({ storeId: store.id, storeType: store.type, url: l.url, metadata: l.metadata })
  }
  return {
    id,
    size: image.size,
    diskFormat: image.diskFormat,
    containerFormat: image.containerFormat,
    checksum: image.checksum,
    properties: image.properties,
    copies,
    async open(range) {
      const cached = cache ? await cache.open(id, range) : undefined
      if (cached) return cached
      let last: unknown = new NotFoundError(`Image ${id} has no readable data.`)
      for (const c of copies) {
        try {
          return await ctx.stores.find(c.storeId)!.get(c.url, range)
        } catch (err) {
          last = err
        }
      }
      throw last
    },
  }
}
