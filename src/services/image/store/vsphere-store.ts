import type { Readable } from 'node:stream'
import {
  DatastoreFileNotFound,
  DatastoreFiles,
  type DatastoreFile,
} from '../../../virt/vmware/vim25/datastore-files.js'
import { Vim25Session } from '../../../virt/vmware/vim25/session.js'
import { Vim25Fault } from '../../../virt/vmware/vim25/soap.js'
import type { StoreConfig } from './registry.js'
import {
  StoreDuplicateError,
  StoreNotFoundError,
  StoreUnavailableError,
  type ByteRange,
  type ImageStore,
  type StoredImage,
} from './store.js'

/** One `datacenter:datastore[:weight]` entry of vmware_datastores. */
export interface DatastoreChoice {
  readonly dcPath: string
  readonly dsName: string
  readonly weight: number
}

/** Parses vmware_datastores (Glance's format), highest weight first. */
export function parseDatastores(entries: readonly string[]): DatastoreChoice[] {
  const out = entries.map((e) => {
    const parts = e.split(':').map((p) => p.trim())
    const [dcPath, dsName, weight = '0'] = parts
    if (!dcPath || !dsName || parts.length > 3 || !/^\d+$/.test(weight)) {
      throw new Error(
        `[glance_store] vmware_datastores: ${JSON.stringify(e)} is not datacenter:datastore[:weight]`,
      )
    }
    return { dcPath, dsName, weight: Number(weight) }
  })
  if (out.length === 0)
    throw new Error(
      '[glance_store] vmware_datastores: a vsphere store needs at least one datastore',
    )
  return out.sort((a, b) => b.weight - a.weight)
}

/**
 * glance_store's vmware driver: images are files in a datastore directory
 * (vmware_store_image_dir), written and read over vCenter's `/folder` HTTP
 * interface. Locations are `vsphere://<host>/folder/<dir>/<id>?dcPath=…&dsName=…`,
 * so a vSphere compute driver can copy the file datastore-to-datastore.
 * The vCenter session is opened on first use, so an unreachable vCenter
 * does not stop Nubis from starting.
 */
export class VsphereStore implements ImageStore {
  readonly type = 'vsphere' as const
  readonly readOnly = false
  readonly #cfg: StoreConfig
  readonly #datastores: readonly DatastoreChoice[]
  readonly #dir: string
  #files: Promise<DatastoreFiles> | undefined
  readonly #madeDirs = new Set<string>()

  constructor(
    readonly id: string,
    cfg: StoreConfig,
  ) {
    if (cfg.vmware_server_host === '')
      throw new Error(`[glance_store] store ${id}: vsphere needs vmware_server_host`)
    this.#cfg = cfg
    this.#datastores = parseDatastores(cfg.vmware_datastores)
    this.#dir = cfg.vmware_store_image_dir.replace(/^\/+|\/+$/g, '')
  }

  #connect(): Promise<DatastoreFiles> {
    this.#files ??= Vim25Session.create({
      url: `https://${this.#cfg.vmware_server_host}`,
      username: this.#cfg.vmware_server_username,
      password: this.#cfg.vmware_server_password,
      insecure: this.#cfg.vmware_api_insecure,
      retries: this.#cfg.vmware_api_retry_count,
      ...(this.#cfg.vmware_ca_file ? { caFile: this.#cfg.vmware_ca_file } : {}),
    }).then(
      (s) => new DatastoreFiles(s),
      (err: unknown) => {
        this.#files = undefined
        throw new StoreUnavailableError(
          `vCenter ${this.#cfg.vmware_server_host} is unavailable: ${(err as Error).message}`,
          { cause: err },
        )
      },
    )
    return this.#files
  }

  /** The location URL of a datastore file. */
  #url(f: DatastoreFile): string {
    const q = `dcPath=${encodeURIComponent(f.dcPath)}&dsName=${encodeURIComponent(f.dsName)}`
    return `vsphere://${this.#cfg.vmware_server_host}/folder/${f.path}?${q}`
  }

  /** Parses a location back into a datastore file; undefined when it is not ours. */
  file(url: string): DatastoreFile | undefined {
    let u: URL
    try {
      u = new URL(url)
    } catch {
      return undefined
    }
    if (u.protocol !== 'vsphere:' || u.host !== this.#cfg.vmware_server_host.toLowerCase())
      return undefined
    const path = decodeURIComponent(u.pathname.replace(/^\/folder\//, ''))
    const dcPath = u.searchParams.get('dcPath')
    const dsName = u.searchParams.get('dsName')
    if (!dcPath || !dsName || !u.pathname.startsWith('/folder/')) return undefined
    return { dcPath, dsName, path }
  }

  owns(url: string): boolean {
    return this.file(url) !== undefined
  }

  localPath(): string | undefined {
    return undefined
  }

  async add(
    imageId: string,
    data: Readable,
    options: { readonly signal?: AbortSignal } = {},
  ): Promise<StoredImage> {
    const files = await this.#connect()
    const ds = this.#datastores[0]!
    const f: DatastoreFile = {
      dcPath: ds.dcPath,
      dsName: ds.dsName,
      path: `${this.#dir}/${imageId}`,
    }
    const dirKey = `${ds.dcPath}:${ds.dsName}`
    if (!this.#madeDirs.has(dirKey)) {
      await files.makeDirectory({ ...f, path: this.#dir })
      this.#madeDirs.add(dirKey)
    }
    const exists = await files.size(f).then(
      () => true,
      () => false,
    )
    if (exists) throw new StoreDuplicateError(`Image file ${imageId} already exists!`)
    try {
      await files.upload(f, data, undefined, options.signal)
    } catch (err) {
      data.destroy()
      await files.delete(f).catch(() => undefined)
      if (err instanceof Vim25Fault && err.faultName === 'FileAlreadyExists')
        throw new StoreDuplicateError(`Image file ${imageId} already exists!`)
      throw err
    }
    return {
      url: this.#url(f),
      size: await files.size(f),
      metadata: { datastore_path: `[${f.dsName}] ${f.path}` },
    }
  }

  async get(url: string, range?: ByteRange): Promise<Readable> {
    const f = this.#own(url)
    try {
      return await (await this.#connect()).download(f, range)
    } catch (err) {
      throw err instanceof DatastoreFileNotFound ? new StoreNotFoundError(err.message) : err
    }
  }

  async delete(url: string): Promise<void> {
    await (await this.#connect()).delete(this.#own(url))
  }

  async size(url: string): Promise<number> {
    try {
      return await (await this.#connect()).size(this.#own(url))
    } catch (err) {
      throw err instanceof DatastoreFileNotFound ? new StoreNotFoundError(err.message) : err
    }
  }

  async close(): Promise<void> {
    const files = await this.#files?.catch(() => undefined)
    await files?.session.close()
  }

  #own(url: string): DatastoreFile {
    const f = this.file(url)
    if (!f) throw new StoreNotFoundError(`Location ${url} is not in store ${this.id}`)
    return f
  }
}
