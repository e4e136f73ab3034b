import type { Readable } from 'node:stream'
import {
  ConflictError,
  NotFoundError,
  PayloadTooLargeError,
  ServiceUnavailableError,
} from '../../../common/errors.js'

/** Store drivers Nubis knows, keyed by the type in `[glance_store] enabled_backends = id:type`. */
export const STORE_TYPES = ['file', 'vsphere', 'http'] as const
export type StoreType = (typeof STORE_TYPES)[number]

/** What a store reports after writing an image: Glance's location `{url, metadata}` plus the size. */
export interface StoredImage {
  readonly url: string
  readonly size: number
  /** Store-specific facts kept with the location; `store` (the store id) is added by the caller. */
  readonly metadata: Readonly<Record<string, unknown>>
}

/** A byte range of a read: `length` undefined means to the end. */
export interface ByteRange {
  readonly offset: number
  readonly length?: number | undefined
}

/**
 * One image store (glance_store's driver interface). Stores move bytes only:
 * hashing, quotas and image status belong to the image service. Every method
 * is stream based: no store may buffer a whole image in memory.
 */
export interface ImageStore {
  /** The backend id from enabled_backends (e.g. `local`), shown in /v2/info/stores and `stores`. */
  readonly id: string
  readonly type: StoreType
  /** Read-only stores (http) serve locations added by URL but never receive uploads. */
  readonly readOnly: boolean
  /** True when a location URL belongs to this store (scheme and, for file stores, directory). */
  owns(url: string): boolean
  /**
   * Streams `data` into the store as image `imageId` and resolves once the
   * bytes are durable. On any failure — the data stream errors (client gone),
   * `signal` aborts, the disk is full — it removes everything it wrote and
   * rejects: a store never leaves partial data behind.
   * Rejects with StoreDuplicateError when the image already has data here,
   * StorageFullError when space runs out.
   */
  add(
    imageId: string,
    data: Readable,
    options?: { readonly signal?: AbortSignal },
  ): Promise<StoredImage>
  /** Opens stored data for reading, optionally a range. Rejects with StoreNotFoundError. */
  get(url: string, range?: ByteRange): Promise<Readable>
  /** Removes the data; data that is already gone is not an error. */
  delete(url: string): Promise<void>
  /** Bytes stored at `url`. Rejects with StoreNotFoundError. */
  size(url: string): Promise<number>
  /** A path on this machine holding the data, when the store keeps it locally (for qemu-img). */
  localPath(url: string): string | undefined
  /** Releases connections; the store is not used afterwards. */
  close(): Promise<void>
}

/** No data at a location (glance_store.NotFound). */
export class StoreNotFoundError extends NotFoundError {
  override readonly code: string = 'NUBIS_STORE_NOT_FOUND'
}

/** The image already has data in this store (glance_store.Duplicate). */
export class StoreDuplicateError extends ConflictError {
  override readonly code: string = 'NUBIS_STORE_DUPLICATE'
}

/** The store ran out of space (glance_store.StorageFull): 413 like Glance. */
export class StorageFullError extends PayloadTooLargeError {
  override readonly code: string = 'NUBIS_STORE_FULL'
}

/** The backend could not be reached (glance_store.RemoteServiceUnavailable). */
export class StoreUnavailableError extends ServiceUnavailableError {
  override readonly code: string = 'NUBIS_STORE_UNAVAILABLE'
}
