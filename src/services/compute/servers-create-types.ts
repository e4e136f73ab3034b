import type { DiskConfig } from './disk-config.js'
import type { RequestedNetworks } from './rpc.js'

/** One block_device_mapping_v2 entry, normalised (nova/block_device.py BlockDeviceDict.from_api). */
export interface BdmRequest {
  readonly sourceType: 'image' | 'volume' | 'snapshot' | 'blank'
  readonly destinationType: 'local' | 'volume'
  /** uuid of the image/volume/snapshot (absent for blank). */
  readonly uuid?: string
  readonly bootIndex: number | null
  readonly volumeSize?: number
  readonly deviceName?: string
  readonly deviceType?: string
  readonly diskBus?: string
  readonly guestFormat?: string
  readonly deleteOnTermination: boolean
  readonly tag?: string
  /** Cinder volume type (id or name) of a volume the build creates (2.67). */
  readonly volumeType?: string
}

/** A validated POST /servers body, independent of the microversion it came in. */
export interface CreateServerRequest {
  readonly name: string
  readonly description: string | null
  /** '' for boot from volume. */
  readonly imageRef: string
  readonly flavorRef: string
  readonly adminPass: string
  readonly metadata: Readonly<Record<string, string>>
  readonly networks: RequestedNetworks
  /** True when the client asked for 'auto' by name (2.37+): then no network to use is an error. */
  readonly autoRequested: boolean
  readonly accessIPv4: string | null
  readonly accessIPv6: string | null
  /** OS-DCF:diskConfig as requested; absent: the image's auto_disk_config decides. */
  readonly diskConfig?: DiskConfig
  readonly availabilityZone?: string
  readonly bdms: readonly BdmRequest[]
  readonly configDrive: boolean
  readonly keyName?: string
  readonly minCount: number
  readonly maxCount: number
  readonly returnReservationId: boolean
  /** Requested security group names or ids, unique; empty means the project's default. */
  readonly securityGroups: readonly string[]
  readonly userData: string | null
  readonly tags: readonly string[]
  /** 2.74: a destination host and/or node the scheduler must pick (filters still run). */
  readonly requestedHost?: string
  readonly requestedNode?: string
  /** trusted_image_certificates (2.63), null when none. */
  readonly trustedCerts: readonly string[] | null
  /** Files to inject (before 2.57); checked against the injected_files quotas, not injected. */
  readonly personality: ReadonlyArray<{ readonly path: string; readonly contents: string }>
  readonly hints: {
    readonly group?: string
    readonly sameHost?: readonly string[]
    readonly differentHost?: readonly string[]
    readonly [k: string]: unknown
  }
}
