import { createReadStream, createWriteStream } from 'node:fs'
import { mkdir, open, readdir, rename, rm, stat, unlink, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import type { ByteRange } from './store/store.js'

/** One entry of GET /v2/cache's cached_images (Glance's sqlite cache driver fields). */
export interface CachedImage {
  readonly image_id: string
  readonly hits: number
  readonly last_accessed: number
  readonly last_modified: number
  readonly size: number
}

const ID = /^[0-9a-fA-F-]{1,64}$/

/**
 * The local image cache (Glance's image_cache): complete copies under
 * `<dir>/<id>`, fills in progress under `incomplete/`, the prefetch queue as
 * marker files under `queue/` so it survives restarts. Compute drivers read
 * cached images from here instead of the store.
 */
export class ImageCache {
  readonly #dir: string
  readonly #hits = new Map<string, { hits: number; at: number }>()

  private constructor(dir: string) {
    this.#dir = dir
  }

  static async create(dir: string): Promise<ImageCache> {
    const c = new ImageCache(dir)
    await mkdir(join(dir, 'queue'), { recursive: true })
    await rm(join(dir, 'incomplete'), { recursive: true, force: true })
    await mkdir(join(dir, 'incomplete'), { recursive: true })
    return c
  }

  async queued(): Promise<string[]> {
    return (await readdir(join(this.#dir, 'queue'))).filter((n) => ID.test(n))
  }

  async cached(): Promise<CachedImage[]> {
    const out: CachedImage[] = []
    for (const name of await readdir(this.#dir)) {
      if (!ID.test(name)) continue
      const st = await stat(join(this.#dir, name)).catch(() => undefined)
      if (!st?.isFile()) continue
      const h = this.#hits.get(name)
      const modified = st.mtimeMs / 1000
      out.push({
        image_id: name,
        hits: h?.hits ?? 0,
        last_accessed: h?.at ?? modified,
        last_modified: modified,
        size: st.size,
      })
    }
    return out
  }

  async isCached(id: string): Promise<boolean> {
    return (
      ID.test(id) &&
      (await stat(join(this.#dir, id)).then(
        (s) => s.isFile(),
        () => false,
      ))
    )
  }

  /** Adds an image to the prefetch queue; false when it is cached already. */
  async queue(id: string): Promise<boolean> {
    if (!ID.test(id) || (await this.isCached(id))) return false
    await writeFile(join(this.#dir, 'queue', id), '')
    return true
  }

  async dequeue(id: string): Promise<void> {
    if (ID.test(id)) await unlink(join(this.#dir, 'queue', id)).catch(() => undefined)
  }

  async deleteCached(id: string): Promise<void> {
    if (!ID.test(id)) return
    await unlink(join(this.#dir, id)).catch(() => undefined)
    this.#hits.delete(id)
  }

  async clearCached(): Promise<number> {
    const all = await this.cached()
    for (const c of all) await this.deleteCached(c.image_id)
    return all.length
  }

  async clearQueue(): Promise<number> {
    const q = await this.queued()
    for (const id of q) await this.dequeue(id)
    return q.length
  }

  /** Opens a cached copy (counting a hit), or undefined when the image is not cached. */
  async open(id: string, range?: ByteRange): Promise<Readable | undefined> {
    if (!ID.test(id)) return undefined
    const fh = await open(join(this.#dir, id), 'r').catch(() => undefined)
    if (!fh) return undefined
    const h = this.#hits.get(id) ?? { hits: 0, at: 0 }
    this.#hits.set(id, { hits: h.hits + 1, at: Date.now() / 1000 })
    const start = range?.offset ?? 0
    const end = range?.length === undefined ? undefined : start + range.length - 1
    return createReadStream('', {
      fd: fh,
      start,
      ...(end === undefined ? {} : { end }),
      highWaterMark: 1024 * 1024,
    })
  }

  /** Copies `data` into the cache atomically and takes the image off the queue. */
  async fill(id: string, data: Readable): Promise<void> {
    if (!ID.test(id)) throw new Error(`bad image id ${JSON.stringify(id)}`)
    const tmp = join(this.#dir, 'incomplete', id)
    const out = createWriteStream(tmp, { flush: true, highWaterMark: 1024 * 1024 })
    try {
      await pipeline(data, out)
      await rename(tmp, join(this.#dir, id))
    } catch (err) {
      out.destroy()
      await unlink(tmp).catch(() => undefined)
      throw err
    } finally {
      await this.dequeue(id)
    }
  }
}
