import { randomUUID } from 'node:crypto'
import type { Readable } from 'node:stream'
import type { ImageSpec } from '../../driver.js'
import { DatastoreFileNotFound, type DatastoreFiles } from '../vim25/datastore-files.js'
import { isFault } from '../vim25/faults.js'
import type { Vim25Session } from '../vim25/session.js'
import { el, ref, typed, type MoRef } from '../vim25/soap.js'

/** An image's bytes, from the image service's driver access (ImageService.openImage). */
export interface ImageBytes {
  readonly size: number
  open(): Promise<Readable>
  /** Where the image is stored (ImageData.copies): a `vsphere` copy on this vCenter is copied in place. */
  readonly copies?: ReadonlyArray<{ readonly storeType: string; readonly url: string }>
}

/** `vsphere://host[:port]/folder/<path>?dcPath=…&dsName=…` (the image service's vSphere store). */
export function parseVsphereLocation(
  url: string,
): { host: string; dcPath: string; dsName: string; path: string } | undefined {
  let u: URL
  try {
    u = new URL(url)
  } catch {
    return undefined
  }
  const dcPath = u.searchParams.get('dcPath')
  const dsName = u.searchParams.get('dsName')
  if (u.protocol !== 'vsphere:' || !dcPath || !dsName || !u.pathname.startsWith('/folder/'))
    return undefined
  return { host: u.host, dcPath, dsName, path: decodeURIComponent(u.pathname.slice(8)) }
}
export type ImageSource = (imageId: string) => Promise<ImageBytes>

export interface Datacenter {
  readonly ref: MoRef
  /** Inventory path (name) for the datastore HTTP interface. */
  readonly name: string
}

/** `[ds] a/b`. */
export const dsPath = (ds: string, path: string): string => `[${ds}] ${path}`

/**
 * The per-datastore image cache: `[ds] <dir>/<image id>/<image id>.vmdk`.
 * The first spawn of an image on a datastore creates a disk descriptor under
 * a temporary name, streams the image into its flat file over the datastore
 * HTTP interface, then renames it into place; concurrent spawns of the same
 * image wait for that one copy, and a failed copy deletes its temporary disk,
 * so the cache never holds half a file.
 */
export class ImageCache {
  readonly #inflight = new Map<string, Promise<string>>()
  readonly #known = new Set<string>()
  /** Images streamed into a datastore (tests and benchmarks read it). */
  uploads = 0
  /** Images copied datastore-to-datastore inside vCenter (no bytes through Nubis). */
  datastoreCopies = 0

  constructor(
    readonly session: Vim25Session,
    readonly files: DatastoreFiles,
    readonly dir: string,
    readonly source: () => ImageSource | undefined,
  ) {}

  /** The cached disk's `[ds] path`, copying the image there first when needed. */
  async ensure(dc: Datacenter, ds: string, image: ImageSpec): Promise<string> {
    const rel = `${this.dir}/${image.id}/${image.id}.vmdk`
    const key = `${dc.name}/${ds}/${rel}`
    if (this.#known.has(key)) return dsPath(ds, rel)
    let p = this.#inflight.get(key)
    if (!p) {
      p = this.#fill(dc, ds, image, rel).finally(() => this.#inflight.delete(key))
      this.#inflight.set(key, p)
    }
    await p
    this.#known.add(key)
    return dsPath(ds, rel)
  }

  async #exists(dc: Datacenter, ds: string, rel: string): Promise<boolean> {
    try {
      await this.files.size({ dcPath: dc.name, dsName: ds, path: rel })
      return true
    } catch (err) {
      if (err instanceof DatastoreFileNotFound) return false
      throw err
    }
  }

  async #fill(dc: Datacenter, ds: string, image: ImageSpec, rel: string): Promise<string> {
    if (await this.#exists(dc, ds, rel)) return rel
    const source = this.source()
    if (!source) throw new Error('the vSphere driver has no image source to copy images from')
    const data = await source(image.id)
    const dir = `${this.dir}/${image.id}`
    const tmp = `${dir}/${image.id}.${randomUUID().slice(0, 8)}.tmp.vmdk`
    await this.files.makeDirectory({ dcPath: dc.name, dsName: ds, path: dir })
    const dcs = ref('datacenter', dc.ref)
    const thick = (image.properties['vmware_disktype'] ?? '').toLowerCase()
    const diskType =
      thick === 'eagerzeroedthick'
        ? 'eagerZeroedThick'
        : thick === 'preallocated'
          ? 'preallocated'
          : 'thin'
    const adapter =
      (image.properties['vmware_adaptertype'] ?? '').toLowerCase() === 'ide' ? 'ide' : 'lsiLogic'
    await this.session.runTask(
      'CreateVirtualDisk_Task',
      this.session.content.virtualDiskManager,
      el('name', dsPath(ds, tmp)) +
        dcs +
        typed(
          'spec',
          'FileBackedVirtualDiskSpec',
          el('diskType', diskType) +
            el('adapterType', adapter) +
            el('capacityKb', Math.max(1, Math.ceil(data.size / 1024))),
        ),
    )
    try {
      const flat = { dcPath: dc.name, dsName: ds, path: tmp.replace(/\.vmdk$/, '-flat.vmdk') }
      const host = new URL(this.session.baseUrl).host
      const local = (data.copies ?? [])
        .filter((c) => c.storeType === 'vsphere')
        .map((c) => parseVsphereLocation(c.url))
        .find((l) => l?.host === host)
      if (local) {
        // Already on a datastore of this vCenter: vCenter copies it, no bytes pass through Nubis.
        this.datastoreCopies++
        await this.session.runTask(
          'CopyDatastoreFile_Task',
          this.session.content.fileManager,
          el('sourceName', dsPath(local.dsName, local.path)) +
            ref('sourceDatacenter', await this.files.datacenter(local.dcPath)) +
            el('destinationName', dsPath(ds, flat.path)) +
            ref('destinationDatacenter', dc.ref) +
            el('force', true),
        )
      } else {
        this.uploads++
        await this.files.upload(flat, await data.open(), data.size)
      }
      await this.session.runTask(
        'MoveVirtualDisk_Task',
        this.session.content.virtualDiskManager,
        el('sourceName', dsPath(ds, tmp)) +
          ref('sourceDatacenter', dc.ref) +
          el('destName', dsPath(ds, rel)) +
          ref('destDatacenter', dc.ref) +
          el('force', false),
      )
    } catch (err) {
      await this.session
        .runTask(
          'DeleteVirtualDisk_Task',
          this.session.content.virtualDiskManager,
          el('name', dsPath(ds, tmp)) + dcs,
        )
        .catch((e: unknown) => {
          if (!isFault(e, 'FileNotFound')) throw e
        })
        .catch(() => undefined)
      throw err
    }
    return rel
  }
}
