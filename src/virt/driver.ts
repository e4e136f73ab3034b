/**
 * The compute driver interface, shaped after nova/virt/driver.py. A driver
 * runs inside a compute worker and serves one or more *nodes* (a fake node, a
 * vCenter cluster, a KVM host). It never imports services or the database:
 * everything it learns about an instance comes in the arguments, everything
 * it reports goes out through DriverCallbacks.
 */

/** Nova's power_state integers (nova/compute/power_state.py). */
export const PowerState = {
  NOSTATE: 0,
  RUNNING: 1,
  PAUSED: 3,
  SHUTDOWN: 4,
  CRASHED: 6,
  SUSPENDED: 7,
} as const
export type PowerState = (typeof PowerState)[keyof typeof PowerState]

export interface FlavorSpec {
  readonly id: string
  readonly name: string
  readonly vcpus: number
  readonly memoryMb: number
  readonly rootGb: number
  readonly ephemeralGb: number
  readonly swapMb: number
  readonly extraSpecs: Readonly<Record<string, string>>
}

export interface ImageSpec {
  readonly id: string
  readonly name: string
  readonly diskFormat: string
  readonly containerFormat: string
  readonly sizeBytes: number
  readonly minDiskGb: number
  readonly minRamMb: number
  /** Image properties (vmware_adaptertype, hw_vm_mode, architecture, ...). */
  readonly properties: Readonly<Record<string, string>>
}

/** One network interface of an instance, from the bound Neutron port. */
export interface Vif {
  readonly portId: string
  readonly networkId: string
  readonly macAddress: string
  readonly fixedIps: ReadonlyArray<{ readonly subnetId: string; readonly ipAddress: string }>
  /** binding:vif_type / binding:vif_details chosen by the mechanism driver. */
  readonly vifType: string
  readonly vifDetails: Readonly<Record<string, unknown>>
  /** Port group / bridge / segment the driver plugs the vNIC into. */
  readonly segment?: {
    readonly networkType: string
    readonly physicalNetwork?: string
    readonly segmentationId?: number
  }
  readonly mtu?: number
  readonly tag?: string
}

/** A block device of an instance as the driver needs it. */
export interface BlockDevice {
  readonly volumeId?: string
  readonly deviceName: string
  readonly bootIndex: number | null
  readonly sourceType: 'image' | 'volume' | 'blank' | 'snapshot'
  readonly destinationType: 'local' | 'volume'
  readonly sizeGb?: number
  /** Cinder connection info (driver_volume_type + data) for volumes. */
  readonly connectionInfo?: Readonly<Record<string, unknown>>
  readonly deleteOnTermination: boolean
}

/** What a driver knows of an instance: everything comes from the caller. */
export interface InstanceSpec {
  readonly uuid: string
  /** Display name; drivers may use it in the VM name. */
  readonly name: string
  readonly hostname: string
  readonly projectId: string
  readonly userId: string
  /** The node (nodename) the instance is on or is being built on. */
  readonly node: string
  readonly flavor: FlavorSpec
  readonly image?: ImageSpec
  readonly metadata: Readonly<Record<string, string>>
  readonly userData?: string
  readonly keyData?: string
  readonly configDrive: boolean
}

/** A host inside a node (an ESXi host inside a vCenter cluster). */
export interface SubHostResources {
  readonly name: string
  readonly vcpus: number
  readonly vcpusUsed: number
  readonly memoryMb: number
  readonly memoryMbUsed: number
  /** 'up' only when connected, responding and not in maintenance mode. */
  readonly state: 'up' | 'maintenance' | 'down'
}

/** The resource report of one node (get_available_resource). */
export interface NodeResources {
  readonly nodename: string
  readonly hypervisorType: string
  readonly hypervisorVersion: number
  /** Shown as hypervisor_hostname. */
  readonly hypervisorHostname: string
  readonly hostIp: string
  readonly vcpus: number
  readonly vcpusUsed: number
  readonly memoryMb: number
  readonly memoryMbUsed: number
  readonly localGb: number
  readonly localGbUsed: number
  readonly cpuInfo: Readonly<Record<string, unknown>>
  /** [architecture, hypervisor_type, vm_mode] triples (ImagePropertiesFilter). */
  readonly supportedInstances: ReadonlyArray<readonly [string, string, string]>
  /** Traits published to placement (e.g. COMPUTE_NET_ATTACH_INTERFACE). */
  readonly traits: readonly string[]
  /**
   * Hosts inside the node whose individual free capacity matters for
   * placement (vSphere: ESXi hosts in the cluster). Absent for simple nodes.
   */
  readonly subHosts?: readonly SubHostResources[]
}

export interface DriverCapabilities {
  readonly supportsRecreate: boolean
  readonly supportsMigrateToSameHost: boolean
  readonly supportsAttachInterface: boolean
  readonly supportsMultiattach: boolean
  readonly supportsLiveMigration: boolean
  readonly supportsRescue: boolean
  readonly supportsPause: boolean
  readonly supportsSuspend: boolean
  readonly supportsConsoleOutput: boolean
  readonly supportsRemoteConsole: boolean
  readonly supportsExtendVolume: boolean
}

/** What the driver knows about an instance right now. */
export interface InstanceInfo {
  readonly powerState: PowerState
  /** Sub-host the instance runs on (ESXi host), when the node has sub-hosts. */
  readonly subHost?: string
}

export interface DriverInstance extends InstanceInfo {
  readonly uuid: string
  readonly node: string
}

/** Events a driver reports on its own (vCenter property collector, libvirt events). */
export interface DriverCallbacks {
  /** The power state of an instance changed outside a driver call (or after one). */
  instanceChanged(uuid: string, info: InstanceInfo): void
  /** A node's capacity changed (host in maintenance, disconnected, ...). */
  resourcesChanged(nodename: string): void
}

/**
 * Nova's standardised server diagnostics (microversion 2.48,
 * nova/virt/diagnostics.py); null where a hypervisor cannot tell.
 */
export interface ServerDiagnostics {
  readonly state: 'pending' | 'running' | 'paused' | 'shutdown' | 'crashed' | 'suspended'
  /** Which Nova driver family this corresponds to (the API validates an enum). */
  readonly driver: 'libvirt' | 'vmwareapi'
  readonly hypervisor: string | null
  readonly hypervisor_os: string | null
  readonly uptime: number | null
  readonly config_drive: boolean
  readonly num_cpus: number
  readonly num_nics: number
  readonly num_disks: number
  readonly memory_details: { readonly maximum: number | null; readonly used: number | null }
  readonly cpu_details: ReadonlyArray<{
    id: number | null
    time: number | null
    utilisation: number | null
  }>
  readonly nic_details: ReadonlyArray<{
    mac_address: string | null
    rx_octets: number | null
    rx_errors: number | null
    rx_drop: number | null
    rx_packets: number | null
    rx_rate: number | null
    tx_octets: number | null
    tx_errors: number | null
    tx_drop: number | null
    tx_packets: number | null
    tx_rate: number | null
  }>
  readonly disk_details: ReadonlyArray<{
    read_bytes: number | null
    read_requests: number | null
    write_bytes: number | null
    write_requests: number | null
    errors_count: number | null
  }>
}

export interface RemoteConsole {
  readonly protocol: 'vnc' | 'spice' | 'serial' | 'rdp' | 'mks'
  readonly type: string
  readonly host: string
  readonly port: number
  /** Driver-specific data (e.g. a vCenter MKS ticket). */
  readonly internalAccessPath?: string
}

/** Bytes of a snapshot or disk for the image service. */
export interface ImageUpload {
  (
    data: AsyncIterable<Buffer> | Buffer,
    format: { diskFormat: string; containerFormat: string },
  ): Promise<void>
}

export interface ComputeDriver {
  /** Name used in `compute_driver` (fake, vsphere, libvirt). */
  readonly name: string
  readonly capabilities: DriverCapabilities

  /** Connects, subscribes to events; called once before anything else. */
  init(callbacks: DriverCallbacks): Promise<void>
  /** The nodenames this driver serves (one compute node each). */
  nodes(): readonly string[]
  getAvailableResource(nodename: string): Promise<NodeResources>
  /** Every instance the driver finds on the node (start-up reconciliation). */
  listInstances(nodename: string): Promise<readonly DriverInstance[]>
  getInfo(instance: InstanceSpec): Promise<InstanceInfo>

  spawn(
    instance: InstanceSpec,
    image: ImageSpec | undefined,
    vifs: readonly Vif[],
    blockDevices: readonly BlockDevice[],
    adminPassword?: string,
  ): Promise<InstanceInfo>
  /** Removes the instance; succeeds when it is already gone. */
  destroy(
    instance: InstanceSpec,
    vifs: readonly Vif[],
    blockDevices: readonly BlockDevice[],
    destroyDisks: boolean,
  ): Promise<void>
  reboot(instance: InstanceSpec, type: 'SOFT' | 'HARD'): Promise<void>
  powerOff(instance: InstanceSpec, timeoutSec?: number): Promise<void>
  powerOn(instance: InstanceSpec): Promise<void>
  pause(instance: InstanceSpec): Promise<void>
  unpause(instance: InstanceSpec): Promise<void>
  suspend(instance: InstanceSpec): Promise<void>
  resume(instance: InstanceSpec): Promise<void>
  rescue(
    instance: InstanceSpec,
    rescueImage: ImageSpec | undefined,
    adminPassword?: string,
  ): Promise<void>
  unrescue(instance: InstanceSpec): Promise<void>
  /** Writes the root disk to the image service through `upload`. */
  snapshot(instance: InstanceSpec, upload: ImageUpload): Promise<void>

  /** Cold migration/resize, source side: stop and hand the disks over. */
  migrateDiskAndPowerOff(
    instance: InstanceSpec,
    destNode: string,
    newFlavor: FlavorSpec,
  ): Promise<void>
  /** Destination side: bring the instance up on `instance.node` with its new flavor. */
  finishMigration(
    instance: InstanceSpec,
    vifs: readonly Vif[],
    powerOn: boolean,
  ): Promise<InstanceInfo>
  /** Source side after confirmResize: drop what is left on the old node. */
  confirmMigration(instance: InstanceSpec, sourceNode: string): Promise<void>
  /** Back to the old node/flavor after revertResize. */
  finishRevertMigration(
    instance: InstanceSpec,
    vifs: readonly Vif[],
    powerOn: boolean,
  ): Promise<InstanceInfo>
  /** Live migration to `destNode` (and a sub-host there when given). */
  liveMigration(instance: InstanceSpec, destNode: string, destSubHost?: string): Promise<void>

  attachVolume(instance: InstanceSpec, device: BlockDevice): Promise<void>
  detachVolume(instance: InstanceSpec, device: BlockDevice): Promise<void>
  extendVolume(instance: InstanceSpec, device: BlockDevice, newSizeGb: number): Promise<void>
  attachInterface(instance: InstanceSpec, vif: Vif): Promise<void>
  detachInterface(instance: InstanceSpec, vif: Vif): Promise<void>

  getConsoleOutput(instance: InstanceSpec): Promise<string>
  /**
   * Sets the guest's administrator password (Nova's set_admin_password);
   * NotImplementedError when the guest or driver cannot.
   */
  setAdminPassword(instance: InstanceSpec, password: string): Promise<void>
  /** Diagnostics of a server (os-server-diagnostics); NotImplementedError when the driver has none. */
  getDiagnostics(instance: InstanceSpec): Promise<ServerDiagnostics>
  getRemoteConsole(
    instance: InstanceSpec,
    protocol: RemoteConsole['protocol'],
  ): Promise<RemoteConsole>

  /** Closes sessions and subscriptions. */
  close(): Promise<void>
}
