import { Readable } from 'node:stream'
import { ForbiddenError } from '../../../common/errors.js'
import {
  StoreNotFoundError,
  StoreUnavailableError,
  type ByteRange,
  type ImageStore,
  type StoredImage,
} from './store.js'

const TIMEOUT_MS = 30_000

/**
 * glance_store's read-only http driver: serves locations that point at a web
 * server (added with PATCH /locations). Uploads are refused.
 */
export class HttpStore implements ImageStore {
  readonly type = 'http' as const
  readonly readOnly = true

  constructor(readonly id: string) {}

  owns(url: string): boolean {
    return /^https?:\/\//i.test(url)
  }

  localPath(): string | undefined {
    return undefined
  }

  async add(): Promise<StoredImage> {
    throw new ForbiddenError(`Store ${this.id} is read-only: it does not accept image data.`)
  }

  async get(url: string, range?: ByteRange): Promise<Readable> {
    const headers: Record<string, string> = {}
    if (range && (range.offset > 0 || range.length !== undefined)) {
      const end = range.length === undefined ? '' : String(range.offset + range.length - 1)
      headers['range'] = `bytes=${range.offset}-${end}`
    }
    const res = await this.#fetch(url, 'GET', headers)
    if (!res.body) return Readable.from([])
    return Readable.fromWeb(res.body)
  }

  async delete(): Promise<void> {
    // The web server's data is not ours to delete; dropping the location is enough.
  }

  async size(url: string): Promise<number> {
    const res = await this.#fetch(url, 'HEAD', {})
    const len = Number(res.headers.get('content-length') ?? 'NaN')
    if (!Number.isFinite(len))
      throw new StoreUnavailableError(`Could not determine the size of ${url}`)
    return len
  }

  async close(): Promise<void> {}

  async #fetch(url: string, method: string, headers: Record<string, string>): Promise<Response> {
    let res: Response
    try {
      res = await fetch(url, {
        method,
        headers,
        redirect: 'follow',
        signal: AbortSignal.timeout(TIMEOUT_MS),
      })
    } catch (err) {
      throw new StoreUnavailableError(
        `Remote server where the image is present is unavailable: ${url}`,
        { cause: err },
      )
    }
    if (res.status === 404)
      throw new StoreNotFoundError(`HTTP datastore could not find image at URI: ${url}`)
    if (res.status >= 400) {
      await res.body?.cancel()
      throw new StoreUnavailableError(`HTTP URL ${url} returned a ${res.status} status code.`)
    }
    return res
  }
}
