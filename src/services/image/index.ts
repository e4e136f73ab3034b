import { join, resolve } from 'node:path'
import type { FastifyPluginAsync } from 'fastify'
import type { Logger } from 'pino'
import type { Db } from '../../db/database.js'
import { imageRoutes } from './api/routes.js'
import { resumePrefetch } from './cache-service.js'
import { ImageApi } from './image-api.js'
import { ImageCache } from './image-cache.js'
import {
  parseStorageQuota,
  type BackgroundWork,
  type ImageConfig,
  type ImageContext,
} from './image-context.js'
import { imageSchema } from './image-schema.js'
import { FileStore } from './store/file-store.js'
import { StoreRegistry } from './store/registry.js'
import { openImageData, type ImageData } from './driver-access.js'

export type { ImageConfig } from './image-context.js'
export type { ImageData } from './driver-access.js'

export interface ImageServiceOptions {
  readonly db: Db
  readonly config: ImageConfig
  readonly logger: Logger
  readonly dataDir: string
  /** Base URL of this cloud (catalog URLs); glance-download reads the catalog there. */
  readonly publicUrl: string
}

export interface ImageService {
  readonly api: ImageApi
  /** Mount under /image. */
  readonly routes: FastifyPluginAsync
  /** For compute drivers: an active image's bytes (from the cache when cached). */
  openImage(imageId: string): Promise<ImageData>
  /** Waits for background imports and cache fills, then closes the stores. */
  close(): Promise<void>
}

function backgroundWork(logger: Logger): BackgroundWork {
  const running = new Set<Promise<void>>()
  const timers = new Set<NodeJS.Timeout>()
  return {
    spawnLater(name, ms, job) {
      const t = setTimeout(() => {
        timers.delete(t)
        this.spawn(name, job)
      }, ms)
      t.unref()
      timers.add(t)
    },
    spawn(name, job) {
      const p: Promise<void> = job()
        .catch((err: unknown) => logger.error({ err, job: name }, 'background job failed'))
        .finally(() => running.delete(p))
      running.add(p)
    },
    async idle() {
      for (const t of timers) clearTimeout(t)
      timers.clear()
      while (running.size) await Promise.allSettled([...running])
    },
  }
}

/** Builds the image service: stores, staging area, cache, and the /image routes. */
export async function createImageService(options: ImageServiceOptions): Promise<ImageService> {
  const { config, logger } = options
  const fileDir =
    config.store.filesystem_store_datadir !== ''
      ? resolve(config.store.filesystem_store_datadir)
      : join(options.dataDir, 'images')
  const stagingDir =
    config.store.staging_dir !== ''
      ? resolve(config.store.staging_dir)
      : join(options.dataDir, 'image-staging')
  const stores = await StoreRegistry.create({ config: config.store, fileDir })
  const cache = config.image.image_cache_enabled
    ? await ImageCache.create(join(options.dataDir, 'image-cache'))
    : undefined
  const ctx: ImageContext = {
    db: options.db,
    config,
    stores,
    logger,
    staging: await FileStore.create('os_glance_staging_store', stagingDir),
    cacheDir: join(options.dataDir, 'image-cache'),
    schema: imageSchema({
      disk: config.image.disk_formats,
      container: config.image.container_formats,
    }),
    storageQuota: parseStorageQuota(config.image.user_storage_quota),
    background: backgroundWork(logger),
    runningTasks: new Set(),
    publicUrl: options.publicUrl,
  }
  if (cache) await resumePrefetch(ctx, cache)
  const api = new ImageApi(ctx, cache)
  return {
    api,
    routes: imageRoutes(api),
    openImage: (id) => openImageData(ctx, cache, id),
    async close() {
      await ctx.background.idle()
      await stores.close()
    },
  }
}
