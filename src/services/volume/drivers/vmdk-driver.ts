import { randomUUID } from 'node:crypto'
import { createReadStream, createWriteStream } from 'node:fs'
import { mkdir, rm, stat } from 'node:fs/promises'
import { join } from 'node:path'
import type { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import {
  DatastoreFileNotFound,
  DatastoreFiles,
  type DatastoreFile,
} from '../../../virt/vmware/vim25/datastore-files.js'
import { isFault } from '../../../virt/vmware/vim25/faults.js'
import { Vim25Session } from '../../../virt/vmware/vim25/session.js'
import { el, ref, typed } from '../../../virt/vmware/vim25/soap.js'
import type {
  ConnectionInfo,
  DriverCapabilities,
  DriverInit,
  DriverSnapshot,
  DriverVolume,
  ImageSource,
  ModelUpdate,
  PoolStats,
  RawVolumeData,
  VolumeDriver,
} from './driver.js'
import { qemuConvert, qemuFormatOf, qemuInfo } from './qemu-img.js'
import {
  parseDsPath,
  volumeDatastores,
  type DatacenterOf,
  type VolumeDatastore,
} from './vmdk-datastores.js'

const GiB = 1024 ** 3

/** The [vmdk] options this driver reads (src/config/groups/volume.ts vmdkBackendGroup). */
interface VmdkOptions {
  vmware_host_ip: string
  vmware_host_port: number
  vmware_host_username: string
  vmware_host_password: string
  vmware_insecure: boolean
  vmware_ca_file: string
  vmware_volume_folder: string
  vmware_datastore_regex: string
  vmware_adapter_type: string
  vmware_api_retry_count: number
  vmware_task_poll_interval: number
  vmware_cluster_name: readonly string[]
  volume_backend_name: string
  reserved_percentage: number
  max_over_subscription_ratio: number
}

/** vmware:vmdk_type → VirtualDiskManager diskType (Cinder's mapping). */
const DISK_TYPES: Readonly<Record<string, string>> = {
  thin: 'thin',
  thick: 'preallocated',
  eagerzeroedthick: 'eagerZeroedThick',
}

/**
 * Cinder's VMDK driver on vCenter, without its "shadow VM" design: Cinder
 * keeps each volume inside a powered-off backing VM because its vCenter API of
 * the day could not hold a bare disk. vCenter manages bare VMDKs fine through
 * the VirtualDiskManager, so a Nubis volume is just
 * `[datastore] <vmware_volume_folder>/volume-<id>/volume-<id>.vmdk`: created
 * with CreateVirtualDisk_Task, copied (snapshots, clones) with
 * CopyVirtualDisk_Task, grown with ExtendVirtualDisk_Task, deleted with
 * DeleteVirtualDisk_Task. Data moves through the datastore's HTTP file
 * service into the disk's `-flat.vmdk` extent, converted with qemu-img.
 * The vSphere compute driver attaches it by its `vmdk_path`.
 */
export class VmdkDriver implements VolumeDriver {
  readonly capabilities: DriverCapabilities = { extendInUse: false, multiattach: false }
  #session: Vim25Session | undefined
  #files: DatastoreFiles | undefined
  readonly #o: VmdkOptions
  readonly #tmp: string
  readonly #regex: RegExp | undefined
  readonly #known = new Map<string, VolumeDatastore>()
  readonly #dcOf: DatacenterOf = new Map()

  constructor(readonly init: DriverInit) {
    this.#o = init.options as unknown as VmdkOptions
    if (!this.#o.vmware_host_ip)
      throw new Error(`[${init.backendName}] vmware_host_ip is required by the vmdk driver`)
    this.#regex = this.#o.vmware_datastore_regex
      ? new RegExp(this.#o.vmware_datastore_regex)
      : undefined
    this.#tmp = join(init.dataDir, 'vmdk-tmp', init.backendName)
  }

  /** The vCenter session (tests count its SOAP round trips). */
  get session(): Vim25Session {
    if (!this.#session) throw new Error('vmdk driver not started')
    return this.#session
  }

  get #f(): DatastoreFiles {
    this.#files ??= new DatastoreFiles(this.session)
    return this.#files
  }

  async start(): Promise<void> {
    await mkdir(this.#tmp, { recursive: true })
    const o = this.#o
    this.#session = await Vim25Session.create({
      url: `https://${o.vmware_host_ip}:${o.vmware_host_port}`,
      username: o.vmware_host_username,
      password: o.vmware_host_password,
      insecure: o.vmware_insecure && !o.vmware_ca_file,
      ...(o.vmware_ca_file ? { caFile: o.vmware_ca_file } : {}),
      retries: o.vmware_api_retry_count,
      taskPollSec: o.vmware_task_poll_interval,
    })
  }

  async close(): Promise<void> {
    await this.#session?.close()
  }

  /**
   * One pool for the backend: the scheduler cannot tell the driver a datastore
   * (DriverVolume names none), so capacity is the sum of the usable
   * datastores and the driver puts each volume on the one with most room.
   */
  async getPoolStats(): Promise<PoolStats[]> {
    const ds = await volumeDatastores(
      this.session,
      this.#regex,
      this.#o.vmware_cluster_name,
      this.#dcOf,
    )
    const total = ds.reduce((n, d) => n + d.capacityBytes, 0)
    const free = ds.reduce((n, d) => n + d.freeBytes, 0)
    return [
      {
        poolName: this.#o.volume_backend_name,
        totalCapacityGb: Math.floor(total / GiB),
        freeCapacityGb: Math.floor(free / GiB),
        reservedPercentage: this.#o.reserved_percentage,
        maxOverSubscriptionRatio: this.#o.max_over_subscription_ratio,
        thinProvisioningSupport: true,
        capabilities: {
          vendor_name: 'VMware',
          driver_version: '1.0.0',
          storage_protocol: 'vmdk',
          volume_backend_name: this.#o.volume_backend_name,
          thin_provisioning_support: true,
          thick_provisioning_support: true,
          datastores: ds.map((d) => d.name).join(','),
        },
      },
    ]
  }

  async #datastoreFor(sizeGb: number): Promise<VolumeDatastore> {
    const ds = (
      await volumeDatastores(this.session, this.#regex, this.#o.vmware_cluster_name, this.#dcOf)
    ).sort((a, b) => b.freeBytes - a.freeBytes)
    for (const d of ds) this.#known.set(d.name, d)
    const best = ds[0]
    if (!best) throw new Error('No accessible datastore matches vmware_datastore_regex.')
    // Thin disks may over-commit, as Cinder's capacity filter allows; an empty
    // datastore is still refused.
    if (best.freeBytes <= 0) throw new Error(`No datastore has room for ${sizeGb}GB.`)
    return best
  }

  /**
   * A datastore by name with its datacenter. Which datacenter holds a
   * datastore does not change, so known ones are answered from memory (no
   * round trip); an unknown name re-reads the inventory once.
   */
  async #named(name: string): Promise<VolumeDatastore | undefined> {
    const hit = this.#known.get(name)
    if (hit) return hit
    for (const d of await volumeDatastores(this.session, undefined, [], this.#dcOf))
      this.#known.set(d.name, d)
    return this.#known.get(name)
  }

  /** Datastore and datacenter of a `[ds] path` a volume or snapshot stored. */
  async #locate(providerLocation: string): Promise<{ ds: VolumeDatastore; path: string }> {
    const p = parseDsPath(providerLocation)
    if (!p) throw new Error(`Not a datastore path: ${providerLocation}`)
    const ds = await this.#named(p.ds)
    if (!ds) throw new Error(`Datastore ${p.ds} of ${providerLocation} is not available.`)
    return { ds, path: p.path }
  }

  #dir(kind: 'volume' | 'snapshot', id: string): string {
    return `${this.#o.vmware_volume_folder}/${kind}-${id}`
  }

  #diskSpec(specs: Readonly<Record<string, string>>, sizeGb: number): string {
    const kind = (specs['vmware:vmdk_type'] ?? 'thin').toLowerCase()
    const diskType = DISK_TYPES[kind]
    if (!diskType)
      throw new Error(
        `Invalid vmware:vmdk_type ${specs['vmware:vmdk_type'] ?? ''}: one of thin, thick, eagerZeroedThick.`,
      )
    // VirtualDiskManager knows ide, busLogic and lsiLogic; SAS and paravirtual
    // controllers take an lsiLogic disk (Cinder does the same).
    const adapter = specs['vmware:adapter_type'] ?? this.#o.vmware_adapter_type
    const adapterType = adapter === 'ide' ? 'ide' : adapter === 'busLogic' ? 'busLogic' : 'lsiLogic'
    return typed(
      'spec',
      'FileBackedVirtualDiskSpec',
      el('diskType', diskType) +
        el('adapterType', adapterType) +
        el('capacityKb', sizeGb * 1024 * 1024),
    )
  }

  async #mkdir(ds: VolumeDatastore, dir: string): Promise<void> {
    await this.#f.makeDirectory({ dcPath: ds.dcName, dsName: ds.name, path: dir })
  }

  async #removeDir(ds: VolumeDatastore, dir: string): Promise<void> {
    await this.#f.delete({ dcPath: ds.dcName, dsName: ds.name, path: dir }).catch(() => undefined)
  }

  async #deleteDisk(ds: VolumeDatastore, path: string): Promise<void> {
    try {
      await this.session.runTask(
        'DeleteVirtualDisk_Task',
        this.session.content.virtualDiskManager,
        el('name', `[${ds.name}] ${path}`) + ref('datacenter', ds.dcRef),
      )
    } catch (err) {
      if (!isFault(err, 'FileNotFound')) throw err
    }
  }

  /** Makes `dir` and runs `make` in it; on failure removes what it made. */
  async #withNewDir(ds: VolumeDatastore, dir: string, make: () => Promise<void>): Promise<void> {
    await this.#mkdir(ds, dir)
    try {
      await make()
    } catch (err) {
      await this.#removeDir(ds, dir)
      throw err
    }
  }

  async createVolume(volume: DriverVolume): Promise<ModelUpdate> {
    const ds = await this.#datastoreFor(volume.sizeGb)
    const dir = this.#dir('volume', volume.id)
    const path = `${dir}/volume-${volume.id}.vmdk`
    const spec = this.#diskSpec(volume.typeSpecs, volume.sizeGb)
    await this.#withNewDir(ds, dir, async () => {
      await this.session.runTask(
        'CreateVirtualDisk_Task',
        this.session.content.virtualDiskManager,
        el('name', `[${ds.name}] ${path}`) + ref('datacenter', ds.dcRef) + spec,
      )
    })
    return { providerLocation: `[${ds.name}] ${path}` }
  }

  async deleteVolume(volume: DriverVolume): Promise<void> {
    if (!volume.providerLocation) return
    const p = parseDsPath(volume.providerLocation)
    const ds = p && (await this.#named(p.ds))
    if (!p || !ds) return // its datastore is gone: so is the disk
    await this.#deleteDisk(ds, p.path)
    await this.#removeDir(ds, p.path.slice(0, p.path.lastIndexOf('/')))
  }

  /** CopyVirtualDisk_Task of `source` into a new directory; grown to `sizeGb` when larger. */
  async #copy(
    source: string,
    kind: 'volume' | 'snapshot',
    id: string,
    sizeGb: number,
    sourceGb: number,
  ): Promise<ModelUpdate> {
    const src = await this.#locate(source)
    // The copy stays on the source's datastore: vCenter copies in place, no
    // bytes pass through Nubis.
    const ds = src.ds
    const dir = this.#dir(kind, id)
    const path = `${dir}/${kind}-${id}.vmdk`
    await this.#withNewDir(ds, dir, async () => {
      await this.session.runTask(
        'CopyVirtualDisk_Task',
        this.session.content.virtualDiskManager,
        el('sourceName', `[${ds.name}] ${src.path}`) +
          ref('sourceDatacenter', ds.dcRef) +
          el('destName', `[${ds.name}] ${path}`) +
          ref('destDatacenter', ds.dcRef) +
          el('force', false),
      )
      if (sizeGb > sourceGb) await this.#extend(ds, path, sizeGb)
    })
    return { providerLocation: `[${ds.name}] ${path}` }
  }

  async #extend(ds: VolumeDatastore, path: string, sizeGb: number): Promise<void> {
    await this.session.runTask(
      'ExtendVirtualDisk_Task',
      this.session.content.virtualDiskManager,
      el('name', `[${ds.name}] ${path}`) +
        ref('datacenter', ds.dcRef) +
        el('newCapacityKb', sizeGb * 1024 * 1024) +
        el('eagerZero', false),
    )
  }

  /** A snapshot of a bare disk is a full copy: a VMDK has no snapshot tree without a VM. */
  async createSnapshot(snapshot: DriverSnapshot, volume: DriverVolume): Promise<ModelUpdate> {
    if (!volume.providerLocation) throw new Error(`Volume ${volume.id} has no disk.`)
    return this.#copy(
      volume.providerLocation,
      'snapshot',
      snapshot.id,
      volume.sizeGb,
      volume.sizeGb,
    )
  }

  async deleteSnapshot(snapshot: DriverSnapshot): Promise<void> {
    await this.deleteVolume({
      id: snapshot.id,
      sizeGb: snapshot.sizeGb,
      providerLocation: snapshot.providerLocation,
      typeSpecs: {},
    })
  }

  async createVolumeFromSnapshot(
    volume: DriverVolume,
    snapshot: DriverSnapshot,
  ): Promise<ModelUpdate> {
    if (!snapshot.providerLocation) throw new Error(`Snapshot ${snapshot.id} has no disk.`)
    return this.#copy(
      snapshot.providerLocation,
      'volume',
      volume.id,
      volume.sizeGb,
      snapshot.sizeGb,
    )
  }

  /**
   * A full copy even for `vmware:clone_type=linked`: a linked clone needs a
   * parent VM snapshot, which a bare disk has not (Cinder's linked clones
   * come from its shadow VMs).
   */
  async createCloneVolume(volume: DriverVolume, source: DriverVolume): Promise<ModelUpdate> {
    if (!source.providerLocation) throw new Error(`Volume ${source.id} has no disk.`)
    return this.#copy(source.providerLocation, 'volume', volume.id, volume.sizeGb, source.sizeGb)
  }

  async extendVolume(volume: DriverVolume, newSizeGb: number): Promise<void> {
    if (!volume.providerLocation) throw new Error(`Volume ${volume.id} has no disk.`)
    const { ds, path } = await this.#locate(volume.providerLocation)
    await this.#extend(ds, path, newSizeGb)
  }

  /** The `-flat.vmdk` extent holding a disk's bytes (a flat VMDK's data file). */
  async #extent(providerLocation: string): Promise<DatastoreFile> {
    const { ds, path } = await this.#locate(providerLocation)
    return { dcPath: ds.dcName, dsName: ds.name, path: path.replace(/\.vmdk$/, '-flat.vmdk') }
  }

  #tmpFile(tag: string): string {
    return join(this.#tmp, `${tag}-${randomUUID()}`)
  }

  async copyImageToVolume(volume: DriverVolume, image: ImageSource): Promise<ModelUpdate> {
    const fmt = qemuFormatOf(image.diskFormat ?? 'raw')
    if (!fmt)
      throw new Error(
        `Image ${image.id} has disk format ${image.diskFormat}, which qemu-img cannot read.`,
      )
    const src = this.#tmpFile('image')
    const raw = this.#tmpFile('raw')
    try {
      await pipeline(await image.open(), createWriteStream(src))
      const info = await qemuInfo(src, fmt)
      if (info.backingFile) throw new Error(`Image ${image.id} refers to a backing file.`)
      if (info.virtualSize > volume.sizeGb * GiB)
        throw new Error(
          `Image virtual size is ${Math.ceil(info.virtualSize / GiB)}GB and doesn't fit in a volume of size ${volume.sizeGb}GB.`,
        )
      const data = fmt === 'raw' ? src : raw
      if (fmt !== 'raw') await qemuConvert(src, fmt, raw, 'raw')
      const made = await this.createVolume(volume)
      try {
        const { size } = await stat(data)
        await this.#f.upload(
          await this.#extent(made.providerLocation),
          createReadStream(data),
          size,
        )
      } catch (err) {
        await this.deleteVolume({ ...volume, providerLocation: made.providerLocation })
        throw err
      }
      return made
    } finally {
      await rm(src, { force: true })
      await rm(raw, { force: true })
    }
  }

  /**
   * The disk's bytes as a temporary local file. A thin disk's extent holds
   * only what was written (vcsim keeps it at that length): the rest reads as
   * zeros, which is what restoring these bytes gives back.
   */
  async #download(providerLocation: string): Promise<string> {
    const file = this.#tmpFile('disk')
    try {
      const extent = await this.#extent(providerLocation)
      let body: Readable | undefined
      try {
        body = await this.#f.download(extent)
      } catch (err) {
        if (!(err instanceof DatastoreFileNotFound)) throw err
      }
      if (body) await pipeline(body, createWriteStream(file))
      else await pipeline(async function* () {}, createWriteStream(file))
      return file
    } catch (err) {
      await rm(file, { force: true })
      throw err
    }
  }

  async #asData(file: string): Promise<RawVolumeData> {
    const { size } = await stat(file)
    return {
      sizeBytes: size,
      open: () => createReadStream(file),
      release: () => rm(file, { force: true }),
    }
  }

  async copyVolumeToImage(volume: DriverVolume, diskFormat: string): Promise<RawVolumeData> {
    if (!volume.providerLocation) throw new Error(`Volume ${volume.id} has no disk.`)
    const fmt = qemuFormatOf(diskFormat)
    if (!fmt) throw new Error(`Cannot write disk format ${diskFormat}.`)
    const raw = await this.#download(volume.providerLocation)
    if (fmt === 'raw') return this.#asData(raw)
    const out = this.#tmpFile('export')
    try {
      await qemuConvert(raw, 'raw', out, fmt)
    } catch (err) {
      await rm(out, { force: true })
      throw err
    } finally {
      await rm(raw, { force: true })
    }
    return this.#asData(out)
  }

  async backupSource(volume: DriverVolume, snapshot?: DriverSnapshot): Promise<RawVolumeData> {
    const loc = snapshot?.providerLocation ?? volume.providerLocation
    if (!loc) throw new Error(`Volume ${volume.id} has no disk.`)
    return this.#asData(await this.#download(loc))
  }

  async restoreBackup(volume: DriverVolume, data: Readable): Promise<void> {
    if (!volume.providerLocation) throw new Error(`Volume ${volume.id} has no disk.`)
    await this.#f.upload(await this.#extent(volume.providerLocation), data)
  }

  /**
   * Adapter-type changes are a descriptor detail of a bare disk: nothing to
   * do. A provisioning change (thin ↔ thick ↔ eagerZeroedThick) rewrites the
   * disk: a new disk of the new type beside it, the bytes copied over the
   * datastore's HTTP service, then the new disk takes the old one's name, so
   * the volume keeps its path. (vCenter's CopyVirtualDisk_Task destSpec would
   * do it without Nubis in the data path; vcsim does not implement it.)
   */
  async retype(volume: DriverVolume, newSpecs: Readonly<Record<string, string>>): Promise<boolean> {
    const kind = (x: Readonly<Record<string, string>>) =>
      (x['vmware:vmdk_type'] ?? 'thin').toLowerCase()
    if (kind(volume.typeSpecs) === kind(newSpecs)) return true
    if (!volume.providerLocation) throw new Error(`Volume ${volume.id} has no disk.`)
    const { ds, path } = await this.#locate(volume.providerLocation)
    const spec = this.#diskSpec(newSpecs, volume.sizeGb)
    const tmp = path.replace(/\.vmdk$/, `.retype-${randomUUID().slice(0, 8)}.vmdk`)
    const vdm = this.session.content.virtualDiskManager
    const at = (p: string) => el('name', `[${ds.name}] ${p}`) + ref('datacenter', ds.dcRef)
    await this.session.runTask('CreateVirtualDisk_Task', vdm, at(tmp) + spec)
    const local = await this.#download(volume.providerLocation)
    try {
      const { size } = await stat(local)
      await this.#f.upload(
        { dcPath: ds.dcName, dsName: ds.name, path: tmp.replace(/\.vmdk$/, '-flat.vmdk') },
        createReadStream(local),
        size,
      )
    } catch (err) {
      await this.#deleteDisk(ds, tmp)
      throw err
    } finally {
      await rm(local, { force: true })
    }
    await this.#deleteDisk(ds, path)
    await this.session.runTask(
      'MoveVirtualDisk_Task',
      vdm,
      el('sourceName', `[${ds.name}] ${tmp}`) +
        ref('sourceDatacenter', ds.dcRef) +
        el('destName', `[${ds.name}] ${path}`) +
        ref('destDatacenter', ds.dcRef) +
        el('force', false),
    )
    return true
  }

  async initializeConnection(volume: DriverVolume): Promise<ConnectionInfo> {
    if (!volume.providerLocation) throw new Error(`Volume ${volume.id} has no disk.`)
    const p = parseDsPath(volume.providerLocation)
    return {
      driver_volume_type: 'vmdk',
      data: {
        volume: volume.id,
        volume_id: volume.id,
        name: `volume-${volume.id}`,
        vmdk_path: volume.providerLocation,
        datastore: p?.ds ?? null,
        vmdk_size: volume.sizeGb * GiB,
        encrypted: false,
        access_mode: 'rw',
      },
    }
  }

  async terminateConnection(): Promise<void> {
    // Nothing to undo on the storage side: the compute driver removes the disk from the VM.
  }
}
