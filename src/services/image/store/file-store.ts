import { randomBytes } from 'node:crypto'
import { createReadStream, createWriteStream } from 'node:fs'
import { mkdir, open, readdir, rename, stat, unlink } from 'node:fs/promises'
import { join, resolve, sep } from 'node:path'
import type { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { fileURLToPath, pathToFileURL } from 'node:url'
import {
  StorageFullError,
  StoreDuplicateError,
  StoreNotFoundError,
  type ByteRange,
  type ImageStore,
  type StoredImage,
} from './store.js'

const TMP_MARK = '.partial-'
/** Big writes: the request delivers ~64 KiB chunks; fewer syscalls than fs's 16 KiB default. */
const WRITE_HWM = 1024 * 1024
const READ_HWM = 1024 * 1024

/**
 * glance_store's filesystem driver: one file per image under `dir`, location
 * `file:///<dir>/<image id>`. Data is written to a hidden temporary name,
 * fsync'ed and renamed into place, so a crash or a failed upload never leaves
 * a partial image where a reader could find it; leftovers are swept at start.
 */
export class FileStore implements ImageStore {
  readonly type = 'file' as const
  readonly readOnly = false
  readonly #dir: string

  private constructor(
    readonly id: string,
    dir: string,
  ) {
    this.#dir = resolve(dir)
  }

  /** Creates the directory and removes partial files an earlier crash left. */
  static async create(id: string, dir: string): Promise<FileStore> {
    const store = new FileStore(id, dir)
    await mkdir(store.#dir, { recursive: true })
    for (const name of await readdir(store.#dir)) {
      if (name.includes(TMP_MARK)) await unlink(join(store.#dir, name)).catch(() => undefined)
    }
    return store
  }

  /** The location an image's data has (or would have) in this store. */
  urlFor(imageId: string): string {
    return pathToFileURL(join(this.#dir, imageId)).href
  }

  owns(url: string): boolean {
    return this.localPath(url) !== undefined
  }

  localPath(url: string): string | undefined {
    if (!url.startsWith('file://')) return undefined
    let path: string
    try {
      path = fileURLToPath(url)
    } catch {
      return undefined
    }
    return path.startsWith(this.#dir + sep) ? path : undefined
  }

  async add(
    imageId: string,
    data: Readable,
    options: { readonly signal?: AbortSignal } = {},
  ): Promise<StoredImage> {
    if (!/^[0-9a-fA-F-]{1,64}$/.test(imageId))
      throw new Error(`bad image id ${JSON.stringify(imageId)}`)
    const final = join(this.#dir, imageId)
    if (await exists(final)) throw new StoreDuplicateError(`Image file ${final} already exists!`)
    const tmp = `${final}${TMP_MARK}${randomBytes(4).toString('hex')}`
    // flush: fsync before close, so the rename below publishes durable bytes only.
    const out = createWriteStream(tmp, {
      flags: 'wx',
      mode: 0o640,
      flush: true,
      highWaterMark: WRITE_HWM,
    })
    try {
      await pipeline(data, out, options.signal ? { signal: options.signal } : {})
      await rename(tmp, final)
    } catch (err) {
      out.destroy()
      await unlink(tmp).catch(() => undefined)
      if ((err as NodeJS.ErrnoException).code === 'ENOSPC') {
        throw new StorageFullError(`There is not enough disk space on the image storage media.`, {
          cause: err,
        })
      }
      throw err
    }
    const { size } = await stat(final)
    return { url: pathToFileURL(final).href, size, metadata: {} }
  }

  async get(url: string, range?: ByteRange): Promise<Readable> {
    const path = this.#path(url)
    // Open first so a missing file rejects here rather than as a stream error.
    const fh = await open(path, 'r').catch((err: NodeJS.ErrnoException) => {
      throw err.code === 'ENOENT' ? new StoreNotFoundError(`Image file ${url} not found`) : err
    })
    const start = range?.offset ?? 0
    const end = range?.length === undefined ? undefined : start + range.length - 1
    return createReadStream('', {
      fd: fh,
      start,
      ...(end === undefined ? {} : { end }),
      highWaterMark: READ_HWM,
    })
  }

  async delete(url: string): Promise<void> {
    await unlink(this.#path(url)).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'ENOENT') throw err
    })
  }

  async size(url: string): Promise<number> {
    try {
      return (await stat(this.#path(url))).size
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT')
        throw new StoreNotFoundError(`Image file ${url} not found`)
      throw err
    }
  }

  async close(): Promise<void> {}

  #path(url: string): string {
    const path = this.localPath(url)
    if (path === undefined)
      throw new StoreNotFoundError(`Location ${url} is not in store ${this.id}`)
    return path
  }
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  )
}
