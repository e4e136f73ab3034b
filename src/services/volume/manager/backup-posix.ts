import { createHash } from 'node:crypto'
import { mkdir, open, readFile, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
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

  #dir(id: string): string {
    if (!/^[\w-]+$/.test(id)) throw new Error(`bad backup id ${id}`)
    return join(this.root, id)
  }

  async metadata(id: string): Promise<BackupMetadata> {
    return JSON.parse(
      await readFile(join(this.#dir(id), 'metadata.json'), 'utf8'),
    ) as BackupMetadata
  }

  /** Writes `data` as backup `id`; with a parent, unchanged chunks are shared. Answers the object count. */
  async write(id: string, data: Readable, parentId: string | null): Promise<BackupMetadata> {
    const dir = this.#dir(id)
    await mkdir(dir, { recursive: true })
    const parent = parentId ? await this.metadata(parentId) : undefined
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
      const mine = `${id}/${name(index)}`
      const prev = parent?.chunks[index]
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
  read(id: string): Readable {
    const root = this.root
    const metadata = () => this.metadata(id)
    return Readable.from(
      (async function* () {
        const meta = await metadata()
        for (const c of meta.chunks) {
          const buf =
            c.object === null ? Buffer.alloc(c.length) : await readFile(join(root, c.object))
          const sha = createHash('sha256').update(buf).digest('hex')
          if (sha !== c.sha256 || buf.length !== c.length)
            throw new Error(`backup ${id} chunk ${c.index} is corrupt (sha256 mismatch)`)
          yield buf
        }
      })(),
    )
  }

  async delete(id: string): Promise<void> {
    await rm(this.#dir(id), { recursive: true, force: true })
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
