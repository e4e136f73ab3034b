import type { Readable } from 'node:stream'
import { isAdmin, type AuthContext } from '../../common/auth-context.js'
import { CloudError, ForbiddenError } from '../../common/errors.js'
import type { ImageContext } from './image-context.js'
import { loadVisible } from './images-service.js'
import type { ImageCache } from './image-cache.js'
import type { ByteRange } from './store/store.js'

/** 416 for a Range outside the image. */
export class RangeNotSatisfiableError extends CloudError {
  readonly status = 416
  readonly code = 'NUBIS_RANGE_NOT_SATISFIABLE'
}

/** What GET /file sends: 204 (no data yet) or a stream with its headers. */
export type Download =
  | { readonly kind: 'empty' }
  | {
      readonly kind: 'data'
      readonly status: 200 | 206
      readonly stream: Readable
      readonly length: number
      readonly checksum: string | null
      readonly contentRange?: string
    }

/** Parses one `bytes=` range (webob's get_range_from_request); undefined: serve everything. */
export function parseRange(header: string | undefined, size: number): ByteRange | undefined {
  if (!header) return undefined
  const m = /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(header)
  if (!m || (m[1] === '' && m[2] === '')) return undefined
  let start: number
  let end: number
  if (m[1] === '') {
    const n = Number(m[2])
    start = Math.max(0, size - n)
    end = size - 1
  } else {
    start = Number(m[1])
    end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1)
  }
  if (start >= size || end < start)
    throw new RangeNotSatisfiableError('Requested range not satisfiable')
  return { offset: start, length: end - start + 1 }
}

/**
 * GET /v2/images/{id}/file: from the local cache when the image is cached,
 * else from the first location a store can read.
 */
export async function downloadImage(
  ctx: ImageContext,
  cache: ImageCache | undefined,
  auth: AuthContext,
  id: string,
  rangeHeader: string | undefined,
): Promise<Download> {
  const image = await loadVisible(ctx, auth, id)
  if (image.status === 'deactivated' && !isAdmin(auth)) {
    throw new ForbiddenError(
      'The requested image has been deactivated. Image data download is forbidden.',
    )
  }
  if (image.locations.length === 0 || image.size === null) return { kind: 'empty' }
  const range = parseRange(rangeHeader, image.size)
  const length = range ? (range.length ?? image.size - range.offset) : image.size
  const extra = range
    ? { contentRange: `bytes ${range.offset}-${range.offset + length - 1}/${image.size}` }
    : {}
  const cached = cache ? await cache.open(id, range) : undefined
  if (cached)
    return {
      kind: 'data',
      status: range ? 206 : 200,
      stream: cached,
      length,
      checksum: image.checksum,
      ...extra,
    }
  let lastErr: unknown
  for (const loc of image.locations) {
    const store = ctx.stores.forLocation(loc.url, loc.metadata['store'])
    if (!store) continue
    try {
      const stream = await store.get(loc.url, range)
      return {
        kind: 'data',
        status: range ? 206 : 200,
        stream,
        length,
        checksum: image.checksum,
        ...extra,
      }
    } catch (err) {
      lastErr = err
      ctx.logger.warn({ err, url: loc.url }, 'location unreadable, trying the next one')
    }
  }
  if (lastErr instanceof CloudError && lastErr.status === 503) throw lastErr
  return { kind: 'empty' }
}
