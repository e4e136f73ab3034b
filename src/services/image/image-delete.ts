import type { AuthContext } from '../../common/auth-context.js'
import { ForbiddenError } from '../../common/errors.js'
import * as images from '../../db/repositories/image/images.js'
import type { ImageCache } from './image-cache.js'
import type { ImageContext } from './image-context.js'
import { enforceModify } from './image-policy.js'
import { loadVisible } from './images-service.js'

/**
 * DELETE /v2/images/{id}: protected images stay (403); otherwise the data
 * leaves every store, the staging area and the cache, and the image becomes
 * `deleted` (its id is never reused).
 */
export async function deleteImage(
  ctx: ImageContext,
  cache: ImageCache | undefined,
  auth: AuthContext,
  id: string,
): Promise<void> {
  const image = await loadVisible(ctx, auth, id)
  enforceModify(auth, image, 'delete_image')
  if (image.protected) throw new ForbiddenError(`Image ${id} is protected and cannot be deleted.`)
  await images.softDeleteImage(ctx.db, id)
  for (const loc of image.locations) {
    const store = ctx.stores.forLocation(loc.url, loc.metadata['store'])
    await store
      ?.delete(loc.url)
      .catch((err: unknown) =>
        ctx.logger.warn({ err, image: id, url: loc.url }, 'could not delete image data'),
      )
  }
  await removeStaged(ctx, id)
  if (cache) {
    await cache.deleteCached(id)
    await cache.dequeue(id)
  }
}

/** Drops staged data of an image (no error when there is none). */
export async function removeStaged(ctx: ImageContext, id: string): Promise<void> {
  await ctx.staging.delete(ctx.staging.urlFor(id)).catch(() => undefined)
}
