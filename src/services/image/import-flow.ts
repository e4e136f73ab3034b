import { createReadStream } from 'node:fs'
import * as images from '../../db/repositories/image/images.js'
import { addLocation, removeLocation } from '../../db/repositories/image/locations.js'
import type { ImageRecord } from '../../db/repositories/image/rows.js'
import { updateTask } from '../../db/repositories/image/tasks.js'
import { convertStaged } from './conversion.js'
import { limitsFor } from './image-data-service.js'
import type { ImageContext } from './image-context.js'
import { removeStaged } from './image-delete.js'
import type { ImportRequest } from './import-service.js'
import { openRemoteImage, openUrl } from './import-sources.js'
import { writeToStore } from './store-writer.js'
import { virtualSizeOf } from './virtual-size.js'

/** One accepted import request, run in the background. */
export interface ImportJob {
  readonly taskId: string
  readonly imageId: string
  readonly method: string
  readonly request: ImportRequest
  readonly stores: readonly string[]
  /** The caller's token (glance-download reads the catalog and the remote image with it). */
  readonly token: string | undefined
  readonly admin: boolean
}

/** Properties glance-download copies from the source image (Glance's glance_download_properties). */
function copiedProperties(
  ctx: ImageContext,
  remote: Record<string, unknown>,
): Record<string, string> {
  const prefixes = ctx.config.image.glance_download_properties
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(remote)) {
    if (typeof v === 'string' && prefixes.some((p) => k.startsWith(p))) out[k] = v
  }
  return out
}

/** Brings the data into the staging store (all methods but glance-direct, which staged already). */
async function stage(ctx: ImageContext, job: ImportJob, image: ImageRecord): Promise<void> {
  const limits = await limitsFor(ctx, image)
  const algo = ctx.config.image.hashing_algorithm
  if (job.method === 'glance-direct') return
  await removeStaged(ctx, image.id)
  if (job.method === 'web-download') {
    const data = await openUrl(ctx, String(job.request.method['uri']))
    await writeToStore(ctx.staging, image.id, data, algo, limits)
  } else if (job.method === 'glance-download') {
    const remote = await openRemoteImage(ctx, job.token, job.request.method)
    await writeToStore(ctx.staging, image.id, remote.data, algo, limits)
    await images.updateImage(ctx.db, image.id, {
      diskFormat: remote.image['disk_format'] as string,
      containerFormat: remote.image['container_format'] as string,
    })
    await images.changeProperties(ctx.db, image.id, copiedProperties(ctx, remote.image), [])
  } else if (job.method === 'copy-image') {
    const loc = image.locations.find((l) => ctx.stores.forLocation(l.url, l.metadata['store']))
    const store = loc && ctx.stores.forLocation(loc.url, loc.metadata['store'])
    if (!loc || !store) throw new Error('the image has no readable location to copy from')
    await writeToStore(ctx.staging, image.id, await store.get(loc.url), algo, {
      sizeCap: Number.MAX_SAFE_INTEGER,
    })
  }
}

/** Converts the staged data when a target format was asked for (request, image property or config). */
async function convert(ctx: ImageContext, job: ImportJob, image: ImageRecord): Promise<void> {
  if (job.method === 'copy-image') return
  const target =
    job.request.targetFormat ??
    image.properties['nubis_target_format'] ??
    ctx.config.conversion.output_format
  if (!target || target === image.diskFormat || !image.diskFormat) return
  const path = ctx.staging.localPath(ctx.staging.urlFor(image.id))!
  const result = await convertStaged(path, image.diskFormat, target, image.properties)
  await images.updateImage(ctx.db, image.id, { diskFormat: result.diskFormat })
  if (Object.keys(result.properties).length)
    await images.changeProperties(ctx.db, image.id, result.properties, [])
}

/** Writes the staged data into one store and records the location; the first copy makes the image active. */
async function importTo(ctx: ImageContext, job: ImportJob, storeId: string): Promise<number> {
  const store = ctx.stores.find(storeId)
  const image = await images.findImage(ctx.db, job.imageId)
  if (!store || !image) throw new Error(!store ? `unknown store ${storeId}` : 'image was deleted')
  const stagedUrl = ctx.staging.urlFor(image.id)
  const data = createReadStream(ctx.staging.localPath(stagedUrl)!, { highWaterMark: 1024 * 1024 })
  const limits = await limitsFor(ctx, image)
  const { stored, digest } = await writeToStore(
    store,
    image.id,
    data,
    ctx.config.image.hashing_algorithm,
    limits,
  )
  if (job.method === 'copy-image' && image.checksum && image.checksum !== digest.checksum) {
    await store.delete(stored.url)
    throw new Error('copied data does not match the image checksum')
  }
  const locId = await addLocation(ctx.db, image.id, stored.url, {
    ...stored.metadata,
    store: store.id,
  })
  if (image.status !== 'active') {
    const virtualSize = await virtualSizeOf(ctx.staging, stagedUrl, image, digest.size, ctx.logger)
    await images.updateImage(ctx.db, image.id, {
      status: 'active',
      size: digest.size,
      virtualSize,
      checksum: digest.checksum,
      osHashAlgo: digest.osHashAlgo,
      osHashValue: digest.osHashValue,
    })
  }
  return locId
}

async function progress(
  ctx: ImageContext,
  id: string,
  left: readonly string[],
  failed: readonly string[],
): Promise<void> {
  await images.changeProperties(
    ctx.db,
    id,
    { os_glance_importing_to_stores: left.join(','), os_glance_failed_import: failed.join(',') },
    [],
  )
}

/** Runs an import task to the end: stage, convert, copy to every store, then report success or revert. */
export async function runImport(ctx: ImageContext, job: ImportJob): Promise<void> {
  const { db } = ctx
  const ttlHours = ctx.config.image.task_time_to_live
  await updateTask(db, job.taskId, { status: 'processing' })
  const written: { store: string; locId: number }[] = []
  const left = [...job.stores]
  const failed: string[] = []
  try {
    let image = await images.findImage(db, job.imageId)
    if (!image) throw new Error('image was deleted')
    if (job.method !== 'copy-image')
      await images.updateImage(
        db,
        image.id,
        { status: 'importing' },
        { fromStatus: ['queued', 'uploading'] },
      )
    await stage(ctx, job, image)
    image = (await images.findImage(db, job.imageId)) ?? image
    await convert(ctx, job, image)
    for (const storeId of job.stores) {
      try {
        written.push({ store: storeId, locId: await importTo(ctx, job, storeId) })
      } catch (err) {
        ctx.logger.warn({ err, image: job.imageId, store: storeId }, 'import to store failed')
        failed.push(storeId)
        if (job.request.allStoresMustSucceed) throw err
      } finally {
        left.splice(left.indexOf(storeId), 1)
        await progress(ctx, job.imageId, left, failed)
      }
    }
    if (written.length === 0) throw new Error(`import failed on every store: ${failed.join(', ')}`)
    await updateTask(db, job.taskId, {
      status: 'success',
      result: { image_id: job.imageId },
      ttlHours,
    })
  } catch (err) {
    await revert(ctx, job, written, [...failed, ...left.filter((s) => !failed.includes(s))])
    await updateTask(db, job.taskId, {
      status: 'failure',
      message: (err as Error).message ?? String(err),
      ttlHours,
    })
  } finally {
    await removeStaged(ctx, job.imageId)
    await images
      .changeProperties(db, job.imageId, {}, ['os_glance_import_task'])
      .catch(() => undefined)
  }
}

/** Undoes a failed import: data written so far goes away and the image is queued again (copy-image keeps it active). */
async function revert(
  ctx: ImageContext,
  job: ImportJob,
  written: readonly { store: string; locId: number }[],
  failed: readonly string[],
): Promise<void> {
  const image = await images.findImage(ctx.db, job.imageId)
  if (!image) return
  await progress(ctx, image.id, [], failed)
  if (job.method === 'copy-image' && !job.request.allStoresMustSucceed) return
  for (const w of written) {
    const loc = image.locations.find((l) => l.id === w.locId)
    await removeLocation(ctx.db, w.locId)
    if (loc)
      await ctx.stores
        .find(w.store)
        ?.delete(loc.url)
        .catch(() => undefined)
  }
  if (job.method !== 'copy-image') {
    await images.updateImage(ctx.db, image.id, {
      status: 'queued',
      size: null,
      virtualSize: null,
      checksum: null,
      osHashAlgo: null,
      osHashValue: null,
    })
  }
}
