import { createHash } from 'node:crypto'
import { link, mkdir, open, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { isAbsolute, join } from 'node:path'
import { Readable } from 'node:stream'

/** One stored piece of a backup: where it lives and the sha256 of its bytes. */
export interface BackupChunk {
  readonly index: number
  readonly offset: number
  readonly length: number
  readonly sha256: string
  /**
   * Path relative to the backup root; an incremental points into its parent's
   * directory. null: the chunk is all zeros and was not stored (sparse volumes).
   */
  readonly object: string | null
}

export interface BackupMetadata {
  readonly version: 1
  readonly backupId: string
  readonly parentId: string | null
  readonly sizeBytes: number
  readonly chunkSize: number
  readonly chunks: readonly BackupChunk[]
}

/**
 * What Cinder's backup driver keeps of the volume besides its bytes
 * (BackupMetadataAPI: base fields, user metadata, image metadata), so a
 * restore can give the target volume the source's metadata back.
 */
export interface VolumeMeta {
  readonly name: string | null
  readonly description: string | null
  readonly metadata: Readonly<Record<string, string>>
  readonly imageMetadata: Readonly<Record<string, string>> | null
}

/**
 * Where a backup lives under the store's root: `<container>/<id>`. A
 * container is a relative directory path the user may name (Cinder's posix
 * driver puts it under backup_posix_path); by default `<id[0:2]>/<id[2:4]>`.
 * Rows written before containers were honoured hold the absolute root: their
 * backups sit directly under it.
 */
export function backupLocation(b: {
  readonly id: string
  readonly container: string | null
}): string {
  if (b.container === null || isAbsolute(b.container)) return b.id
  return `${b.container}/${b.id}`
}

export const defaultContainer = (id: string): string => `${id.slice(0, 2)}/${id.slice(2, 4)}`

/** A container name that stays inside the root: relative, no `..`, no empty or odd segments. */
export function validContainer(name: string): boolean {
  return (
    name.length > 0 &&
    name.length <= 255 &&
    name.split('/').every((seg) => /^[\w.@+-]+$/.test(seg) && seg !== '.' && seg !== '..')
  )
}

/**
 * Cinder's posix backup driver, simplified: a backup is a directory of
 * fixed-size chunk files plus metadata.json with a sha256 per chunk. An
 * incremental backup stores only the chunks whose sha256 differs from its
 * parent's and refers to the parent's files for the rest.
 */
export class PosixBackupStore {
  constructor(
    readonly root: string,
    readonly chunkSize: number,
  ) {}

  /** The directory of a backup location (backupLocation()), checked to stay under the root. */
  #dir(loc: string): string {
    const segs = loc.split('/')
    const id = segs.at(-1) ?? ''
    if (!/^[\w-]+$/.test(id) || (segs.length > 1 && !validContainer(segs.slice(0, -1).join('/'))))
      throw new Error(`bad backup location ${loc}`)
    return join(this.root, loc)
  }

  async metadata(loc: string): Promise<BackupMetadata> {
    return JSON.parse(
      await readFile(join(this.#dir(loc), 'metadata.json'), 'utf8'),
    ) as BackupMetadata
  }

  /**
   * Writes `data` as backup `id` at `loc`; with a parent (at `parentLoc`),
   * unchanged chunks are shared. Answers the metadata.
   */
  async write(
    id: string,
    loc: string,
    data: Readable,
    parent: { id: string; loc: string } | null,
  ): Promise<BackupMetadata> {
    const dir = this.#dir(loc)
    await mkdir(dir, { recursive: true })
    const parentId = parent?.id ?? null
    const previous = parent ? await this.metadata(parent.loc) : undefined
    const chunks: BackupChunk[] = []
    let offset = 0
    let index = 0
    let handle: Awaited<ReturnType<typeof open>> | undefined
    let hash = createHash('sha256')
    let length = 0
    let zero = true
    // Zeros not yet fed to the hash: an all-zero chunk is never hashed byte by byte.
    let zerosPending = 0
    const name = (i: number): string => `chunk-${String(i).padStart(5, '0')}`
    const finish = async (): Promise<void> => {
      if (length === 0) return
      if (handle) {
        await handle.truncate(length)
        await handle.close()
        handle = undefined
      }
      const sha256 = zero ? zeroSha256(length) : hash.digest('hex')
      const mine = `${loc}/${name(index)}`
      const prev = previous?.chunks[index]
      let object: string | null = mine
      if (prev && prev.sha256 === sha256 && prev.length === length) object = prev.object
      else if (zero) object = null
      if (object !== mine) await rm(join(this.root, mine), { force: true })
      chunks.push({ index, offset, length, sha256, object })
      offset += length
      index += 1
      hash = createHash('sha256')
      length = 0
      zero = true
      zerosPending = 0
    }
    for await (const piece of data) {
      let buf = Buffer.isBuffer(piece) ? piece : Buffer.from(piece as Uint8Array)
      while (buf.length > 0) {
        const take = Math.min(buf.length, this.chunkSize - length)
        const part = buf.subarray(0, take)
        // Zero runs are never written: a chunk file is created at its first data and stays sparse.
        if (isZero(part)) {
          if (zero) zerosPending += take
          else hash.update(part)
        } else {
          if (zero) feedZeros(hash, zerosPending)
          hash.update(part)
          zero = false
          handle ??= await open(join(dir, name(index)), 'w')
          await handle.write(part, 0, part.length, length)
        }
        length += take
        buf = buf.subarray(take)
        if (length === this.chunkSize) await finish()
      }
    }
    await finish()
    const meta: BackupMetadata = {
      version: 1,
      backupId: id,
      parentId,
      sizeBytes: offset,
      chunkSize: this.chunkSize,
      chunks,
    }
    await writeFile(join(dir, 'metadata.json'), JSON.stringify(meta))
    return meta
  }

  /** The backup's bytes in order; each chunk is checked against its sha256 before it is passed on. */
  read(loc: string): Readable {
    const root = this.root
    const metadata = () => this.metadata(loc)
    return Readable.from(
      (async function* () {
        const meta = await metadata()
        for (const c of meta.chunks) {
          const buf =
            c.object === null ? Buffer.alloc(c.length) : await readFile(join(root, c.object))
          const sha = createHash('sha256').update(buf).digest('hex')
          if (sha !== c.sha256 || buf.length !== c.length)
            throw new Error(`backup ${meta.backupId} chunk ${c.index} is corrupt (sha256 mismatch)`)
          yield buf
        }
      })(),
    )
  }

  async saveVolumeMeta(loc: string, meta: VolumeMeta): Promise<void> {
    await writeFile(join(this.#dir(loc), 'volume-meta.json'), JSON.stringify(meta))
  }

  /** The volume metadata saved with a backup; undefined for backups made before it was kept. */
  async volumeMeta(loc: string): Promise<VolumeMeta | undefined> {
    try {
      return JSON.parse(
        await readFile(join(this.#dir(loc), 'volume-meta.json'), 'utf8'),
      ) as VolumeMeta
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined
      throw err
    }
  }

  /** Whether a backup's data is at `loc` (a malformed location is not). */
  async exists(loc: string): Promise<boolean> {
    try {
      await this.metadata(loc)
      return true
    } catch {
      return false
    }
  }

  /**
   * Makes the backup at `from` also backup `id` at `to` (an import under a
   * new id): its files hard-linked, not copied, and its metadata naming the
   * new location for its own chunks (the parent's stay shared). Either copy
   * can then be deleted without the other.
   */
  async adopt(from: string, to: string, id: string): Promise<BackupMetadata> {
    const src = this.#dir(from)
    const dst = this.#dir(to)
    const meta = await this.metadata(from)
    await mkdir(dst, { recursive: true })
    try {
      for (const f of await readdir(src))
        if (f !== 'metadata.json') await link(join(src, f), join(dst, f))
      const adopted: BackupMetadata = {
        ...meta,
        backupId: id,
        chunks: meta.chunks.map((c) => ({
          ...c,
          object: c.object?.startsWith(`${from}/`)
            ? `${to}/${c.object.slice(from.length + 1)}`
            : c.object,
        })),
      }
      await writeFile(join(dst, 'metadata.json'), JSON.stringify(adopted))
      return adopted
    } catch (err) {
      await rm(dst, { recursive: true, force: true })
      throw err
    }
  }

  async delete(loc: string): Promise<void> {
    await rm(this.#dir(loc), { recursive: true, force: true })
  }
}

const ZERO = Buffer.alloc(65536)
const zeroShas = new Map<number, string>()

function feedZeros(hash: ReturnType<typeof createHash>, n: number): void {
  for (let left = n; left > 0; left -= ZERO.length)
    hash.update(ZERO.subarray(0, Math.min(left, ZERO.length)))
}

/** sha256 of `length` zero bytes (cached: every sparse chunk of a size has the same one). */
function zeroSha256(length: number): string {
  let sha = zeroShas.get(length)
  if (sha === undefined) {
    const h = createHash('sha256')
    feedZeros(h, length)
    sha = h.digest('hex')
    zeroShas.set(length, sha)
  }
  return sha
}

function isZero(buf: Buffer): boolean {
  for (let i = 0; i < buf.length; i += ZERO.length) {
    const part = buf.subarray(i, i + ZERO.length)
    if (!part.equals(ZERO.subarray(0, part.length))) return false
  }
  return true
}
