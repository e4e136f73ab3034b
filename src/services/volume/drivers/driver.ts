import type { Readable } from 'node:stream'

/**
 * The volume driver interface (cinder/volume/driver.py, trimmed to what the
 * manager uses). A driver never touches the database, the bus or another
 * service: the manager hands it plain descriptions and stores what it
 * returns. Every method rejects on failure; the manager then moves the
 * resource to its error status with the message.
 */

/** A volume as a driver sees it. */
export interface DriverVolume {
  readonly id: string
  readonly sizeGb: number
  /** What the driver returned from create (file driver: the file name); null before. */
  readonly providerLocation: string | null
  /** Extra specs of the volume's type (vmware:vmdk_type, vmware:clone_type, …). */
  readonly typeSpecs: Readonly<Record<string, string>>
}

export interface DriverSnapshot {
  readonly id: string
  readonly volumeId: string
  readonly sizeGb: number
  readonly providerLocation: string | null
}

/** What create-like calls answer; stored on the volume or snapshot row. */
export interface ModelUpdate {
  readonly providerLocation: string
}

/** One pool of a backend, reported periodically to the scheduler. */
export interface PoolStats {
  /** The part after # in host@backend#pool. */
  readonly poolName: string
  readonly totalCapacityGb: number
  readonly freeCapacityGb: number
  readonly reservedPercentage: number
  readonly maxOverSubscriptionRatio: number
  readonly thinProvisioningSupport: boolean
  /** Matched against type extra specs by the CapabilitiesFilter. */
  readonly capabilities: Readonly<Record<string, string | number | boolean>>
}

/** os-brick's connector: who attaches (host, initiator, …). */
export type Connector = Readonly<Record<string, unknown>>

/** Cinder's connection info; the compute driver attaches from it. */
export interface ConnectionInfo {
  readonly driver_volume_type: string
  readonly data: Readonly<Record<string, unknown>>
}

/** Image bytes to copy into a volume. */
export interface ImageSource {
  readonly id: string
  readonly diskFormat: string | null
  readonly sizeBytes: number
  open(): Promise<Readable>
}

/** Raw volume bytes for a backup; release() frees any temporary copy. */
export interface RawVolumeData {
  readonly sizeBytes: number
  open(): Readable
  release(): Promise<void>
}

export interface DriverCapabilities {
  /** Extend while attached (microversion 3.42). */
  readonly extendInUse: boolean
  readonly multiattach: boolean
}

export interface VolumeDriver {
  readonly capabilities: DriverCapabilities
  /** Prepares the backend (directories, sessions); called once by the manager. */
  start(): Promise<void>
  close(): Promise<void>
  getPoolStats(): Promise<PoolStats[]>

  createVolume(volume: DriverVolume): Promise<ModelUpdate>
  /** Succeeds when the volume is already gone. */
  deleteVolume(volume: DriverVolume): Promise<void>
  createSnapshot(snapshot: DriverSnapshot, volume: DriverVolume): Promise<ModelUpdate>
  deleteSnapshot(snapshot: DriverSnapshot): Promise<void>
  /** The new volume may be larger than the snapshot. */
  createVolumeFromSnapshot(volume: DriverVolume, snapshot: DriverSnapshot): Promise<ModelUpdate>
  createCloneVolume(volume: DriverVolume, source: DriverVolume): Promise<ModelUpdate>
  extendVolume(volume: DriverVolume, newSizeGb: number): Promise<void>
  /** Rejects when the image's virtual size does not fit in the volume. */
  copyImageToVolume(volume: DriverVolume, image: ImageSource): Promise<ModelUpdate>
  /** Bytes of the volume in `diskFormat` (raw, qcow2, vmdk, …); release() after reading. */
  copyVolumeToImage(volume: DriverVolume, diskFormat: string): Promise<RawVolumeData>
  /** The volume's (or snapshot's) raw bytes for the backup driver. */
  backupSource(volume: DriverVolume, snapshot?: DriverSnapshot): Promise<RawVolumeData>
  /** Overwrites the volume's content with raw bytes from a backup. */
  restoreBackup(volume: DriverVolume, data: Readable): Promise<void>
  /** True when done in place; false when the change needs a migration. */
  retype(volume: DriverVolume, newSpecs: Readonly<Record<string, string>>): Promise<boolean>
  initializeConnection(volume: DriverVolume, connector: Connector): Promise<ConnectionInfo>
  terminateConnection(volume: DriverVolume, connector: Connector | null): Promise<void>
}

/** What a driver factory receives: its backend section's options and a data directory. */
export interface DriverInit {
  readonly backendName: string
  readonly dataDir: string
  /** The backend section's values (e.g. [file]); the driver reads only its own options. */
  readonly options: Readonly<Record<string, unknown>>
}
