import { createReadStream, createWriteStream } from 'node:fs'
import { copyFile, mkdir, open, rename, rm, stat, statfs } from 'node:fs/promises'
import { join } from 'node:path'
import type { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { randomUUID } from 'node:crypto'
import type {
  ConnectionInfo,
  DriverInit,
  DriverSnapshot,
  DriverVolume,
  ImageSource,
  ModelUpdate,
  PoolStats,
  RawVolumeData,
  VolumeDriver,
} from './driver.js'
import { qemuConvert, qemuCreate, qemuFormatOf, qemuInfo, qemuResize } from './qemu-img.js'

const GiB = 1024 ** 3

export interface FileDriverOptions {
  readonly volumes_dir: string
  readonly volume_format: string
  readonly total_capacity_gb: number
  readonly max_over_subscription_ratio: number
  readonly reserved_percentage: number
  readonly thin_provisioning: boolean
  readonly storage_protocol: string
  readonly vendor_name: string
  readonly volume_backend_name: string
}

/**
 * Volumes as raw or qcow2 files in one directory, through qemu-img (the
 * embedded default and the KVM backend). Snapshots are full qcow2 copies, so
 * volumes made from them never depend on the snapshot file.
 */
export class FileDriver implements VolumeDriver {
  readonly capabilities = { extendInUse: true, multiattach: true }
  readonly #dir: string
  readonly #o: FileDriverOptions

  constructor(init: DriverInit) {
    this.#o = init.options as unknown as FileDriverOptions
    this.#dir = this.#o.volumes_dir !== '' ? this.#o.volumes_dir : join(init.dataDir, 'volumes')
  }

  async start(): Promise<void> {
    await mkdir(this.#dir, { recursive: true })
  }

  async close(): Promise<void> {}

  async getPoolStats(): Promise<PoolStats[]> {
    const fs = await statfs(this.#dir)
    const fsTotal = (fs.blocks * fs.bsize) / GiB
    const free = (fs.bavail * fs.bsize) / GiB
    const total = this.#o.total_capacity_gb > 0 ? this.#o.total_capacity_gb : Math.floor(fsTotal)
    return [
      {
        poolName: this.#o.volume_backend_name,
        totalCapacityGb: total,
        freeCapacityGb: Math.min(total, Math.floor(free * 100) / 100),
        reservedPercentage: this.#o.reserved_percentage,
        maxOverSubscriptionRatio: this.#o.max_over_subscription_ratio,
        thinProvisioningSupport: this.#o.thin_provisioning,
        capabilities: {
          volume_backend_name: this.#o.volume_backend_name,
          storage_protocol: this.#o.storage_protocol,
          vendor_name: this.#o.vendor_name,
          driver_version: '1.0.0',
          thin_provisioning_support: this.#o.thin_provisioning,
          thick_provisioning_support: !this.#o.thin_provisioning,
          multiattach: true,
          online_extend_support: true,
          volume_format: this.#o.volume_format,
        },
      },
    ]
  }

  #path(location: string): string {
    // NOTE: locations are names we generated; refuse anything that could leave the directory.
    if (!/^[\w.-]+$/.test(location)) throw new Error(`bad provider location ${location}`)
    return join(this.#dir, location)
  }

  #fileOf(v: DriverVolume): { path: string; format: string } {
    if (!v.providerLocation) throw new Error(`volume ${v.id} has no file`)
    return { path: this.#path(v.providerLocation), format: formatOf(v.providerLocation) }
  }

  #newLocation(id: string): string {
    return `volume-${id}.${this.#o.volume_format}`
  }

  async createVolume(volume: DriverVolume): Promise<ModelUpdate> {
    const loc = this.#newLocation(volume.id)
    await qemuCreate(this.#path(loc), this.#o.volume_format, volume.sizeGb)
    return { providerLocation: loc }
  }

  async deleteVolume(volume: DriverVolume): Promise<void> {
    if (volume.providerLocation) await rm(this.#path(volume.providerLocation), { force: true })
  }

  async createSnapshot(snapshot: DriverSnapshot, volume: DriverVolume): Promise<ModelUpdate> {
    const src = this.#fileOf(volume)
    const loc = `snapshot-${snapshot.id}.qcow2`
    await qemuConvert(src.path, src.format, this.#path(loc), 'qcow2')
    return { providerLocation: loc }
  }

  async deleteSnapshot(snapshot: DriverSnapshot): Promise<void> {
    if (snapshot.providerLocation) await rm(this.#path(snapshot.providerLocation), { force: true })
  }

  async createVolumeFromSnapshot(
    volume: DriverVolume,
    snapshot: DriverSnapshot,
  ): Promise<ModelUpdate> {
    if (!snapshot.providerLocation) throw new Error(`snapshot ${snapshot.id} has no file`)
    return this.#copyFrom(
      volume,
      this.#path(snapshot.providerLocation),
      formatOf(snapshot.providerLocation),
    )
  }

  async createCloneVolume(volume: DriverVolume, source: DriverVolume): Promise<ModelUpdate> {
    const src = this.#fileOf(source)
    return this.#copyFrom(volume, src.path, src.format)
  }

  async #copyFrom(volume: DriverVolume, path: string, format: string): Promise<ModelUpdate> {
    const loc = this.#newLocation(volume.id)
    const dst = this.#path(loc)
    await qemuConvert(path, format, dst, this.#o.volume_format)
    const info = await qemuInfo(dst, this.#o.volume_format)
    if (info.virtualSize < volume.sizeGb * GiB)
      await qemuResize(dst, this.#o.volume_format, volume.sizeGb)
    return { providerLocation: loc }
  }

  async extendVolume(volume: DriverVolume, newSizeGb: number): Promise<void> {
    const f = this.#fileOf(volume)
    await qemuResize(f.path, f.format, newSizeGb)
  }

  async copyImageToVolume(volume: DriverVolume, image: ImageSource): Promise<ModelUpdate> {
    const fmt = qemuFormatOf(image.diskFormat ?? 'raw')
    if (!fmt)
      throw new Error(
        `Image ${image.id} has disk format ${image.diskFormat}, which qemu-img cannot read.`,
      )
    const tmp = this.#path(`.image-${randomUUID()}`)
    try {
      await pipeline(await image.open(), createWriteStream(tmp))
      const info = await qemuInfo(tmp, fmt)
      if (info.backingFile) throw new Error(`Image ${image.id} refers to a backing file.`)
      if (info.virtualSize > volume.sizeGb * GiB) {
        const need = Math.ceil(info.virtualSize / GiB)
        throw new Error(
          `Image virtual size is ${need}GB and doesn't fit in a volume of size ${volume.sizeGb}GB.`,
        )
      }
      return await this.#copyFrom(volume, tmp, fmt)
    } finally {
      await rm(tmp, { force: true })
    }
  }

  async copyVolumeToImage(volume: DriverVolume, diskFormat: string): Promise<RawVolumeData> {
    const fmt = qemuFormatOf(diskFormat)
    if (!fmt) throw new Error(`Cannot write disk format ${diskFormat}.`)
    return this.#exported(this.#fileOf(volume), fmt)
  }

  async backupSource(volume: DriverVolume, snapshot?: DriverSnapshot): Promise<RawVolumeData> {
    if (snapshot?.providerLocation) {
      const loc = snapshot.providerLocation
      return this.#exported({ path: this.#path(loc), format: formatOf(loc) }, 'raw')
    }
    return this.#exported(this.#fileOf(volume), 'raw')
  }

  /** A converted temporary copy (also for raw, so a backup reads a stable point in time). */
  async #exported(src: { path: string; format: string }, fmt: string): Promise<RawVolumeData> {
    const tmp = this.#path(`.export-${randomUUID()}`)
    if (src.format === fmt) await copyFile(src.path, tmp)
    else await qemuConvert(src.path, src.format, tmp, fmt)
    const { size } = await stat(tmp)
    return {
      sizeBytes: size,
      open: () => createReadStream(tmp),
      release: () => rm(tmp, { force: true }),
    }
  }

  async restoreBackup(volume: DriverVolume, data: Readable): Promise<void> {
    const f = this.#fileOf(volume)
    const tmp = this.#path(`.restore-${randomUUID()}`)
    try {
      await writeSparse(data, tmp)
      const staged = `${f.path}.restoring`
      await qemuConvert(tmp, 'raw', staged, f.format)
      const info = await qemuInfo(staged, f.format)
      if (info.virtualSize < volume.sizeGb * GiB) await qemuResize(staged, f.format, volume.sizeGb)
      await rename(staged, f.path)
    } finally {
      await rm(tmp, { force: true })
    }
  }

  async retype(): Promise<boolean> {
    // Files have no per-type layout: any type this backend passes is an in-place change.
    return true
  }

  async initializeConnection(volume: DriverVolume): Promise<ConnectionInfo> {
    const f = this.#fileOf(volume)
    return {
      driver_volume_type: 'file',
      data: { path: f.path, format: f.format, name: volume.providerLocation, volume_id: volume.id },
    }
  }

  async terminateConnection(): Promise<void> {}
}

function formatOf(location: string): string {
  return location.endsWith('.raw') ? 'raw' : 'qcow2'
}

const ZERO = Buffer.alloc(65536)

/** Writes a stream to a file, seeking over all-zero blocks so the file stays sparse. */
async function writeSparse(data: Readable, path: string): Promise<void> {
  const fh = await open(path, 'w')
  let pos = 0
  try {
    for await (const piece of data) {
      const buf = Buffer.isBuffer(piece) ? piece : Buffer.from(piece as Uint8Array)
      for (let i = 0; i < buf.length; i += ZERO.length) {
        const part = buf.subarray(i, i + ZERO.length)
        if (!part.equals(ZERO.subarray(0, part.length))) await fh.write(part, 0, part.length, pos)
        pos += part.length
      }
    }
    await fh.truncate(pos)
  } finally {
    await fh.close()
  }
}
