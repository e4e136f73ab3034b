import { createHash, type Hash } from 'node:crypto'
import { Transform, type TransformCallback } from 'node:stream'

/** Bytes of every upload kept for format sniffing (qcow2 and vmdk headers fit). */
export const HEAD_BYTES = 512

/** Thrown inside the upload pipeline when the data passes `limit` bytes. */
export class SizeLimitExceeded extends Error {
  constructor(
    readonly limit: number,
    readonly reason: 'size_cap' | 'quota',
  ) {
    super(`image data exceeds ${limit} bytes (${reason})`)
    this.name = 'SizeLimitExceeded'
  }
}

/** md5 `checksum`, multihash and size of the bytes that went through. */
export interface Digest {
  readonly size: number
  /** The first bytes of the data (format headers), at most HEAD_BYTES. */
  readonly head: Buffer
  readonly checksum: string
  readonly osHashAlgo: string
  readonly osHashValue: string
}

/**
 * A pass-through that hashes (md5 for `checksum`, sha512 for
 * `os_hash_value`) and counts the bytes of an upload as they stream to the
 * store, and fails the pipeline as soon as a byte limit is crossed — the
 * image is never buffered and an over-quota upload stops early.
 */
export class DigestStream extends Transform {
  readonly #md5: Hash = createHash('md5')
  readonly #multi: Hash
  readonly #limit: number
  readonly #reason: 'size_cap' | 'quota'
  #size = 0
  #head: Buffer[] = []
  #headLen = 0
  #digest: Digest | undefined

  constructor(
    readonly osHashAlgo: string,
    limit: { bytes: number; reason: 'size_cap' | 'quota' },
  ) {
    super({ highWaterMark: 1024 * 1024 })
    this.#multi = createHash(osHashAlgo)
    this.#limit = limit.bytes
    this.#reason = limit.reason
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.#size += chunk.length
    if (this.#size > this.#limit) {
      done(new SizeLimitExceeded(this.#limit, this.#reason))
      return
    }
    if (this.#headLen < HEAD_BYTES) {
      this.#head.push(chunk.subarray(0, HEAD_BYTES - this.#headLen))
      this.#headLen += Math.min(chunk.length, HEAD_BYTES - this.#headLen)
    }
    this.#md5.update(chunk)
    this.#multi.update(chunk)
    done(null, chunk)
  }

  override _flush(done: TransformCallback): void {
    this.#digest = {
      size: this.#size,
      head: Buffer.concat(this.#head),
      checksum: this.#md5.digest('hex'),
      osHashAlgo: this.osHashAlgo,
      osHashValue: this.#multi.digest('hex'),
    }
    done()
  }

  /** The result; only valid after the stream finished. */
  get digest(): Digest {
    if (!this.#digest) throw new Error('DigestStream.digest read before the stream finished')
    return this.#digest
  }
}
