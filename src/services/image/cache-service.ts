import type { AuthContext } from '../../common/auth-context.js'
import { BadRequestError, ForbiddenError, NotFoundError } from '../../common/errors.js'
import { findImage } from '../../db/repositories/image/images.js'
import type { CachedImage, ImageCache } from './image-cache.js'
import type { ImageContext } from './image-context.js'
import { isAdmin } from './image-policy.js'

/** The cache API is admin-only (manage_image_cache, cache_list, cache_image, cache_delete). */
function enforce(auth: AuthContext): void {
  if (!isAdmin(auth))
    throw new ForbiddenError('You are not authorized to complete manage_image_cache action.')
}

function enabled(cache: ImageCache | undefined): ImageCache {
  if (!cache) throw new NotFoundError('Caching via API is not supported at this site.')
  return cache
}

/** GET /v2/cache. */
export async function cacheState(
  cache: ImageCache | undefined,
  auth: AuthContext,
): Promise<{ cached_images: CachedImage[]; queued_images: string[] }> {
  enforce(auth)
  const c = enabled(cache)
  return { cached_images: await c.cached(), queued_images: await c.queued() }
}

/** PUT /v2/cache/{id}: queues an active image and fills the cache in the background. */
export async function queueImage(
  ctx: ImageContext,
  cache: ImageCache | undefined,
  auth: AuthContext,
  id: string,
): Promise<void> {
  const image = await findImage(ctx.db, id)
  if (!image) throw new NotFoundError(`Image ${id} not found.`)
  enforce(auth)
  const c = enabled(cache)
  if (image.status !== 'active')
    throw new BadRequestError('Only images with status active can be targeted for queueing')
  // Like Glance's periodic prefetcher, a queued image stays queued for a while before it is
  // copied ([image] cache_prefetcher_interval), so the queue is observable.
  if (await c.queue(id)) {
    const ms = ctx.config.image.cache_prefetcher_interval * 1000
    ctx.background.spawnLater(`cache ${id}`, ms, () => prefetch(ctx, c, id))
  }
}

/** Copies one queued image from its first readable location into the cache. */
export async function prefetch(ctx: ImageContext, cache: ImageCache, id: string): Promise<void> {
  const image = await findImage(ctx.db, id)
  if (!image || image.status !== 'active') {
    await cache.dequeue(id)
    return
  }
  for (const loc of image.locations) {
    const store = ctx.stores.forLocation(loc.url, loc.metadata['store'])
    if (!store) continue
    try {
      await cache.fill(id, await store.get(loc.url))
      return
    } catch (err) {
      ctx.logger.warn({ err, image: id, url: loc.url }, 'cache fill from location failed')
    }
  }
  await cache.dequeue(id)
}

/** DELETE /v2/cache/{id}: drops the cached copy and the queue entry. */
export async function deleteCacheEntry(
  ctx: ImageContext,
  cache: ImageCache | undefined,
  auth: AuthContext,
  id: string,
): Promise<void> {
  const c = enabled(cache)
  const known =
    (await findImage(ctx.db, id)) || (await c.isCached(id)) || (await c.queued()).includes(id)
  if (!known) throw new NotFoundError(`Image ${id} not found.`)
  enforce(auth)
  await c.deleteCached(id)
  await c.dequeue(id)
}

/** DELETE /v2/cache with x-image-cache-clear-target: cache, queue or '' (both). */
export async function clearCache(
  cache: ImageCache | undefined,
  auth: AuthContext,
  target: string,
): Promise<void> {
  enforce(auth)
  const c = enabled(cache)
  const t = target.toLowerCase()
  if (t !== '' && t !== 'cache' && t !== 'queue') {
    throw new BadRequestError(
      "If provided 'x-image-cache-clear-target' must be 'cache', 'queue' or empty string.",
    )
  }
  if (t !== 'queue') await c.clearCached()
  if (t !== 'cache') await c.clearQueue()
}

/** Re-queues prefetches that a restart interrupted. */
export async function resumePrefetch(ctx: ImageContext, cache: ImageCache): Promise<void> {
  for (const id of await cache.queued())
    ctx.background.spawn(`cache ${id}`, () => prefetch(ctx, cache, id))
}
