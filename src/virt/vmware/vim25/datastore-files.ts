import type { Readable } from 'node:stream'
import { request } from 'undici'
import type { Vim25Session } from './session.js'
import { el, moRef, ref, Vim25Fault, type MoRef } from './soap.js'

/** A file on a datastore: `[dsName] path`, in datacenter `dcPath`. */
export interface DatastoreFile {
  readonly dcPath: string
  readonly dsName: string
  /** Path inside the datastore, no leading slash, e.g. `openstack_glance/<id>`. */
  readonly path: string
}

/** `[ds] path`, the form vim25 file APIs take. */
export const datastorePath = (f: DatastoreFile): string => `[${f.dsName}] ${f.path}`

/** Thrown when a datastore file does not exist (HTTP 404 or FileNotFound). */
export class DatastoreFileNotFound extends Error {
  constructor(file: DatastoreFile) {
    super(`${datastorePath(file)} not found`)
    this.name = 'DatastoreFileNotFound'
  }
}

/**
 * Datastore file access through vCenter: bytes over the `/folder` HTTP
 * interface (with the session cookie), directories and deletes through the
 * FileManager (vcsim's HTTP DELETE does not delete; vCenter's needs extra
 * privileges anyway).
 */
export class DatastoreFiles {
  readonly #dc = new Map<string, MoRef>()

  constructor(readonly session: Vim25Session) {}

  /** `https://vc/folder/<path>?dcPath=…&dsName=…`. */
  url(f: DatastoreFile): string {
    const path = f.path.split('/').map(encodeURIComponent).join('/')
    return `${this.session.baseUrl}/folder/${path}?dcPath=${encodeURIComponent(f.dcPath)}&dsName=${encodeURIComponent(f.dsName)}`
  }

  /** The datacenter's moref, from its inventory path (cached). */
  async datacenter(dcPath: string): Promise<MoRef> {
    const hit = this.#dc.get(dcPath)
    if (hit) return hit
    const r = moRef(
      await this.session.call(
        'FindByInventoryPath',
        this.session.content.searchIndex,
        el('inventoryPath', dcPath),
      ),
    )
    if (!r || r.type !== 'Datacenter')
      throw new Vim25Fault('NotFound', `datacenter ${dcPath} not found`)
    this.#dc.set(dcPath, r)
    return r
  }

  async makeDirectory(f: DatastoreFile): Promise<void> {
    const dc = await this.datacenter(f.dcPath)
    await this.session
      .call(
        'MakeDirectory',
        this.session.content.fileManager,
        el('name', datastorePath(f)) + ref('datacenter', dc) + el('createParentDirectories', true),
      )
      .catch((err: unknown) => {
        if (!(err instanceof Vim25Fault && err.faultName === 'FileAlreadyExists')) throw err
      })
  }

  /** Deletes a file; a missing file is not an error. */
  async delete(f: DatastoreFile): Promise<void> {
    const dc = await this.datacenter(f.dcPath)
    try {
      const task = moRef(
        await this.session.call(
          'DeleteDatastoreFile_Task',
          this.session.content.fileManager,
          el('name', datastorePath(f)) + ref('datacenter', dc),
        ),
      )
      if (task) await this.session.waitForTask(task)
    } catch (err) {
      if (!(err instanceof Vim25Fault && err.faultName === 'FileNotFound')) throw err
    }
  }

  /** PUTs `data`; without `length` the body goes chunked (as glance_store does for unknown sizes). */
  async upload(
    f: DatastoreFile,
    data: Readable,
    length?: number,
    signal?: AbortSignal,
  ): Promise<void> {
    const res = await request(this.url(f), {
      method: 'PUT',
      dispatcher: this.session.dispatcher,
      headers: {
        cookie: this.session.cookie,
        'content-type': 'application/octet-stream',
        ...(length !== undefined ? { 'content-length': String(length) } : {}),
      },
      body: data,
      ...(signal ? { signal } : {}),
    })
    await res.body.dump()
    if (res.statusCode === 409)
      throw new Vim25Fault('FileAlreadyExists', `${datastorePath(f)} already exists`)
    if (res.statusCode !== 200 && res.statusCode !== 201)
      throw new Vim25Fault('HttpError', `PUT ${datastorePath(f)}: HTTP ${res.statusCode}`)
  }

  /** GETs the file (or a byte range) as a stream. */
  async download(
    f: DatastoreFile,
    range?: { offset: number; length?: number | undefined },
  ): Promise<Readable> {
    const headers: Record<string, string> = { cookie: this.session.cookie }
    if (range && (range.offset > 0 || range.length !== undefined)) {
      headers['range'] =
        `bytes=${range.offset}-${range.length === undefined ? '' : range.offset + range.length - 1}`
    }
    const res = await request(this.url(f), {
      method: 'GET',
      dispatcher: this.session.dispatcher,
      headers,
    })
    if (res.statusCode === 404) {
      await res.body.dump()
      throw new DatastoreFileNotFound(f)
    }
    if (res.statusCode !== 200 && res.statusCode !== 206) {
      await res.body.dump()
      throw new Vim25Fault('HttpError', `GET ${datastorePath(f)}: HTTP ${res.statusCode}`)
    }
    return res.body
  }

  /** Size in bytes (HEAD). */
  async size(f: DatastoreFile): Promise<number> {
    const res = await request(this.url(f), {
      method: 'HEAD',
      dispatcher: this.session.dispatcher,
      headers: { cookie: this.session.cookie },
    })
    await res.body.dump()
    if (res.statusCode === 404) throw new DatastoreFileNotFound(f)
    const len = Number(res.headers['content-length'])
    if (res.statusCode !== 200 || !Number.isFinite(len))
      throw new Vim25Fault('HttpError', `HEAD ${datastorePath(f)}: HTTP ${res.statusCode}`)
    return len
  }
}
