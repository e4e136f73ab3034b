import type { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { BadRequestError, PayloadTooLargeError } from '../../common/errors.js'
import { DigestStream, SizeLimitExceeded, type Digest } from './data-digest.js'
import type { ImageStore, StoredImage } from './store/store.js'

/** Byte limits of one write: the size cap and, when a quota applies, the room left in it. */
export interface WriteLimits {
  readonly sizeCap: number
  /** Bytes the owner may still store; undefined: no quota. */
  readonly quotaLeft?: number | undefined
}

/**
 * Streams `data` through hashing into `store`. Memory stays flat: bytes flow
 * from the socket to the store as they arrive. If either side fails the other
 * is torn down and the store removes what it wrote. Limit breaches become
 * Glance's 413s.
 */
export async function writeToStore(
  store: ImageStore,
  imageId: string,
  data: Readable,
  hashAlgo: string,
  limits: WriteLimits,
): Promise<{ stored: StoredImage; digest: Digest }> {
  const quota = limits.quotaLeft !== undefined && limits.quotaLeft < limits.sizeCap
  const digest = new DigestStream(hashAlgo, {
    bytes: quota ? Math.max(0, limits.quotaLeft) : limits.sizeCap,
    reason: quota ? 'quota' : 'size_cap',
  })
  const abort = new AbortController()
  const feeding = pipeline(data, digest).catch((err: unknown) => {
    abort.abort(err)
    throw err
  })
  const storing = store.add(imageId, digest, { signal: abort.signal }).catch((err: unknown) => {
    digest.destroy(err instanceof Error ? err : new Error(String(err)))
    throw err
  })
  const [fed, put] = await Promise.allSettled([feeding, storing])
  const failure: unknown =
    fed.status === 'rejected' ? fed.reason : put.status === 'rejected' ? put.reason : undefined
  if (failure !== undefined) {
    if (put.status === 'fulfilled') await store.delete(put.value.url).catch(() => undefined)
    throw translate(failure)
  }
  return { stored: (put as PromiseFulfilledResult<StoredImage>).value, digest: digest.digest }
}

const DISCONNECT = new Set(['ECONNRESET', 'ERR_STREAM_PREMATURE_CLOSE', 'ECONNABORTED', 'EPIPE'])

function translate(err: unknown): unknown {
  const code = (err as { code?: unknown } | null)?.code
  if (typeof code === 'string' && DISCONNECT.has(code)) {
    return new BadRequestError('The client disconnected before sending all image data.', {
      cause: err,
    })
  }
  if (err instanceof SizeLimitExceeded) {
    return err.reason === 'quota'
      ? new PayloadTooLargeError(
          `Denying attempt to upload image because it exceeds the quota: The size of the data exceeds the remaining storage quota of ${err.limit} bytes.`,
        )
      : new PayloadTooLargeError(
          `The incoming image is too large: the image size cap is ${err.limit} bytes.`,
        )
  }
  return err
}
