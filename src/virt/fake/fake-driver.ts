import { setTimeout as sleep } from 'node:timers/promises'
import { ConflictError, NotFoundError } from '../../common/errors.js'
import type { fakeDriverGroup } from '../../config/groups/compute.js'
import type { GroupValues } from '../../config/option.js'
import {
  PowerState,
  type BlockDevice,
  type ComputeDriver,
  type DriverCallbacks,
  type DriverCapabilities,
  type DriverInstance,
  type FlavorSpec,
  type ImageSpec,
  type ImageUpload,
  type InstanceInfo,
  type InstanceSpec,
  type NodeResources,
  type RemoteConsole,
  type ServerDiagnostics,
  type Vif,
} from '../driver.js'
import {
  pickSubHost,
  subHostResources,
  sumUsage,
  usageOf,
  type FakeInstance,
  type FakeNode,
} from './fake-state.js'

export type FakeDriverConfig = GroupValues<typeof fakeDriverGroup>

const CONSOLE_TYPES: Record<RemoteConsole['protocol'], string> = {
  vnc: 'novnc',
  spice: 'spice-html5',
  serial: 'serial',
  rdp: 'rdp-html5',
  mks: 'webmks',
}

/**
 * A real driver with an in-memory hypervisor (nova/virt/fake.py): `[fake] nodes`
 * nodes in one process share one state, so resize and migration move instances
 * between them. Failure injection: `fail_spawn_on`.
 */
export class FakeDriver implements ComputeDriver {
  readonly name = 'fake'
  readonly capabilities: DriverCapabilities = {
    supportsRecreate: true,
    supportsMigrateToSameHost: true,
    supportsAttachInterface: true,
    supportsMultiattach: true,
    supportsLiveMigration: true,
    supportsRescue: true,
    supportsPause: true,
    supportsSuspend: true,
    supportsConsoleOutput: true,
    supportsRemoteConsole: true,
    supportsExtendVolume: true,
  }
  readonly #config: FakeDriverConfig
  readonly #nodes = new Map<string, FakeNode>()
  readonly #instances = new Map<string, FakeInstance>()
  #failSpawnOn: readonly string[]
  #callbacks: DriverCallbacks | undefined

  static async create(config: FakeDriverConfig): Promise<FakeDriver> {
    return new FakeDriver(config)
  }

  private constructor(config: FakeDriverConfig) {
    this.#config = config
    this.#failSpawnOn = config.fail_spawn_on
    for (let i = 1; i <= config.nodes; i++) {
      const name = config.nodes === 1 ? config.host_prefix : `${config.host_prefix}-${i}`
      this.#nodes.set(name, {
        name,
        vcpus: config.vcpus,
        memoryMb: config.memory_mb,
        localGb: config.local_gb,
        subHosts: Array.from({ length: config.sub_hosts }, (_, j) => ({
          name: `${name}-h${j + 1}`,
          state: 'up' as const,
        })),
        leftovers: new Map(),
      })
    }
  }

  async init(callbacks: DriverCallbacks): Promise<void> {
    this.#callbacks = callbacks
  }

  nodes(): readonly string[] {
    return [...this.#nodes.keys()]
  }

  async getAvailableResource(nodename: string): Promise<NodeResources> {
    const node = this.#node(nodename)
    const here = [...this.#instances.values()].filter((i) => i.node === nodename)
    const used = sumUsage([...here.map((i) => usageOf(i.flavor)), ...node.leftovers.values()])
    return {
      nodename,
      hypervisorType: 'fake',
      hypervisorVersion: 1000,
      hypervisorHostname: nodename,
      hostIp: '127.0.0.1',
      vcpus: node.vcpus,
      vcpusUsed: used.vcpus,
      memoryMb: node.memoryMb,
      memoryMbUsed: used.memoryMb,
      localGb: node.localGb,
      localGbUsed: used.diskGb,
      cpuInfo: {
        arch: 'x86_64',
        model: 'fake',
        vendor: 'fake',
        topology: { sockets: 1, cores: node.vcpus, threads: 1 },
        features: [],
      },
      supportedInstances: [['x86_64', 'fake', 'hvm']],
      traits: [
        'COMPUTE_NET_ATTACH_INTERFACE',
        'COMPUTE_NET_ATTACH_INTERFACE_WITH_TAG',
        'COMPUTE_VOLUME_ATTACH',
        'COMPUTE_VOLUME_ATTACH_WITH_TAG',
        'COMPUTE_VOLUME_EXTEND',
        'COMPUTE_VOLUME_MULTI_ATTACH',
        'COMPUTE_DEVICE_TAGGING',
      ],
      ...(node.subHosts.length > 0 ? { subHosts: subHostResources(node, here) } : {}),
    }
  }

  async listInstances(nodename: string): Promise<readonly DriverInstance[]> {
    this.#node(nodename)
    return [...this.#instances.values()]
      .filter((i) => i.node === nodename)
      .map((i) => ({
        uuid: i.uuid,
        node: i.node,
        powerState: i.powerState,
        ...(i.subHost !== undefined ? { subHost: i.subHost } : {}),
      }))
  }

  async getInfo(instance: InstanceSpec): Promise<InstanceInfo> {
    return infoOf(this.#get(instance.uuid))
  }

  async spawn(
    instance: InstanceSpec,
    image: ImageSpec | undefined,
    vifs: readonly Vif[],
    blockDevices: readonly BlockDevice[],
  ): Promise<InstanceInfo> {
    const node = this.#node(instance.node)
    if (this.#config.spawn_delay_ms > 0) await sleep(this.#config.spawn_delay_ms)
    if (this.#failSpawnOn.includes(node.name))
      throw new Error(`fake spawn failure injected on node ${node.name}`)
    const others = [...this.#instances.values()].filter((i) => i.uuid !== instance.uuid)
    const subHost =
      node.subHosts.length > 0 ? pickSubHost(node, others, instance.flavor) : undefined
    if (node.subHosts.length > 0 && subHost === undefined)
      throw new Error(`no host of node ${node.name} has ${instance.flavor.memoryMb} MB free`)
    const inst: FakeInstance = {
      uuid: instance.uuid,
      node: node.name,
      subHost,
      powerState: PowerState.RUNNING,
      bootedAt: Date.now(),
      flavor: instance.flavor,
      rescued: false,
      volumes: new Map(
        blockDevices.filter((d) => d.volumeId !== undefined).map((d) => [d.volumeId ?? '', d]),
      ),
      interfaces: new Map(vifs.map((v) => [v.portId, v])),
      console: [
        `fake: booting ${instance.name} from ${image?.name ?? 'volume'}`,
        ...vifs.map(
          (v) => `fake: eth up ${v.macAddress} ${v.fixedIps.map((f) => f.ipAddress).join(' ')}`,
        ),
        `${instance.hostname} login:`,
      ],
    }
    this.#instances.set(instance.uuid, inst)
    return infoOf(inst)
  }

  async destroy(
    instance: InstanceSpec,
    _vifs?: readonly Vif[],
    _blockDevices?: readonly BlockDevice[],
    _destroyDisks?: boolean,
  ): Promise<void> {
    this.#instances.delete(instance.uuid)
    for (const n of this.#nodes.values()) n.leftovers.delete(instance.uuid)
  }

  async reboot(instance: InstanceSpec, type: 'SOFT' | 'HARD'): Promise<void> {
    const i = this.#get(instance.uuid)
    i.powerState = PowerState.RUNNING
    i.console.push(`fake: ${type.toLowerCase()} reboot`)
  }

  async powerOff(instance: InstanceSpec): Promise<void> {
    this.#get(instance.uuid).powerState = PowerState.SHUTDOWN
  }

  async powerOn(instance: InstanceSpec): Promise<void> {
    this.#get(instance.uuid).powerState = PowerState.RUNNING
  }

  async pause(instance: InstanceSpec): Promise<void> {
    this.#transition(instance, PowerState.RUNNING, PowerState.PAUSED)
  }

  async unpause(instance: InstanceSpec): Promise<void> {
    this.#transition(instance, PowerState.PAUSED, PowerState.RUNNING)
  }

  async suspend(instance: InstanceSpec): Promise<void> {
    this.#transition(instance, PowerState.RUNNING, PowerState.SUSPENDED)
  }

  async resume(instance: InstanceSpec): Promise<void> {
    this.#transition(instance, PowerState.SUSPENDED, PowerState.RUNNING)
  }

  async rescue(instance: InstanceSpec, rescueImage: ImageSpec | undefined): Promise<void> {
    const i = this.#get(instance.uuid)
    i.rescued = true
    i.powerState = PowerState.RUNNING
    i.console.push(`fake: rescue boot from ${rescueImage?.name ?? 'the original image'}`)
  }

  async unrescue(instance: InstanceSpec): Promise<void> {
    const i = this.#get(instance.uuid)
    i.rescued = false
    i.powerState = PowerState.RUNNING
  }

  async snapshot(instance: InstanceSpec, upload: ImageUpload): Promise<void> {
    this.#get(instance.uuid)
    // A small raw disk whose bytes name the instance, so uploads are distinguishable.
    const data = Buffer.alloc(4096)
    data.write(`nubis fake disk of ${instance.uuid}\n`)
    await upload(data, { diskFormat: 'raw', containerFormat: 'bare' })
  }

  async migrateDiskAndPowerOff(
    instance: InstanceSpec,
    destNode: string,
    newFlavor: FlavorSpec,
  ): Promise<void> {
    this.#node(destNode)
    const i = this.#get(instance.uuid)
    i.powerState = PowerState.SHUTDOWN
    i.console.push(`fake: migrating to ${destNode} as ${newFlavor.name}`)
  }

  async finishMigration(
    instance: InstanceSpec,
    _vifs: readonly Vif[],
    powerOn: boolean,
  ): Promise<InstanceInfo> {
    const dest = this.#node(instance.node)
    const i = this.#get(instance.uuid)
    // The source keeps its disks (and their use) until confirm or revert.
    this.#node(i.node).leftovers.set(i.uuid, usageOf(i.flavor))
    this.#move(i, dest, instance.flavor)
    i.powerState = powerOn ? PowerState.RUNNING : PowerState.SHUTDOWN
    return infoOf(i)
  }

  async confirmMigration(instance: InstanceSpec, sourceNode: string): Promise<void> {
    this.#nodes.get(sourceNode)?.leftovers.delete(instance.uuid)
  }

  async finishRevertMigration(
    instance: InstanceSpec,
    _vifs: readonly Vif[],
    powerOn: boolean,
  ): Promise<InstanceInfo> {
    const source = this.#node(instance.node)
    const i = this.#get(instance.uuid)
    source.leftovers.delete(i.uuid)
    this.#move(i, source, instance.flavor)
    i.powerState = powerOn ? PowerState.RUNNING : PowerState.SHUTDOWN
    return infoOf(i)
  }

  async liveMigration(
    instance: InstanceSpec,
    destNode: string,
    destSubHost?: string,
  ): Promise<void> {
    const dest = this.#node(destNode)
    const i = this.#get(instance.uuid)
    if (i.powerState !== PowerState.RUNNING && i.powerState !== PowerState.PAUSED)
      throw new ConflictError(`Instance ${i.uuid} is not running: cannot live-migrate it`)
    this.#move(i, dest, i.flavor, destSubHost)
  }

  async attachVolume(instance: InstanceSpec, device: BlockDevice): Promise<void> {
    const i = this.#get(instance.uuid)
    const id = device.volumeId ?? device.deviceName
    if (i.volumes.has(id)) throw new ConflictError(`Volume ${id} is already attached`)
    i.volumes.set(id, device)
  }

  async detachVolume(instance: InstanceSpec, device: BlockDevice): Promise<void> {
    this.#get(instance.uuid).volumes.delete(device.volumeId ?? device.deviceName)
  }

  async extendVolume(
    instance: InstanceSpec,
    device: BlockDevice,
    newSizeGb: number,
  ): Promise<void> {
    const i = this.#get(instance.uuid)
    const id = device.volumeId ?? device.deviceName
    const cur = i.volumes.get(id)
    if (!cur) throw new NotFoundError(`Volume ${id} is not attached to ${i.uuid}`)
    i.volumes.set(id, { ...cur, sizeGb: newSizeGb })
  }

  async attachInterface(instance: InstanceSpec, vif: Vif): Promise<void> {
    this.#get(instance.uuid).interfaces.set(vif.portId, vif)
  }

  async detachInterface(instance: InstanceSpec, vif: Vif): Promise<void> {
    this.#get(instance.uuid).interfaces.delete(vif.portId)
  }

  /**
   * Diagnostics from what the fake knows (counters are all zero: no guest runs).
   * `driver` says libvirt, as Nova's own fake driver does: the API's enum has
   * no value for a test driver, and the fake stands in for a KVM node.
   */
  async getDiagnostics(instance: InstanceSpec): Promise<ServerDiagnostics> {
    const i = this.#get(instance.uuid)
    const state =
      i.powerState === PowerState.RUNNING
        ? 'running'
        : i.powerState === PowerState.PAUSED
          ? 'paused'
          : i.powerState === PowerState.SUSPENDED
            ? 'suspended'
            : 'shutdown'
    const zeroNic = { rx_octets: 0, rx_errors: 0, rx_drop: 0, rx_packets: 0, rx_rate: null }
    const zeroTx = { tx_octets: 0, tx_errors: 0, tx_drop: 0, tx_packets: 0, tx_rate: null }
    const disks = 1 + i.volumes.size
    return {
      state,
      driver: 'libvirt',
      hypervisor: 'fake',
      hypervisor_os: null,
      uptime:
        state === 'running' && i.bootedAt !== undefined
          ? Math.floor((Date.now() - i.bootedAt) / 1000)
          : null,
      config_drive: instance.configDrive,
      num_cpus: i.flavor.vcpus,
      num_nics: i.interfaces.size,
      num_disks: disks,
      memory_details: {
        maximum: i.flavor.memoryMb,
        used: state === 'running' ? i.flavor.memoryMb : 0,
      },
      cpu_details: Array.from({ length: i.flavor.vcpus }, (_, id) => ({
        id,
        time: 0,
        utilisation: null,
      })),
      nic_details: [...i.interfaces.values()].map((v) => ({
        mac_address: v.macAddress,
        ...zeroNic,
        ...zeroTx,
      })),
      disk_details: Array.from({ length: disks }, () => ({
        read_bytes: 0,
        read_requests: 0,
        write_bytes: 0,
        write_requests: 0,
        errors_count: 0,
      })),
    }
  }

  async setAdminPassword(instance: InstanceSpec, password: string): Promise<void> {
    const i = this.#get(instance.uuid)
    if (i.powerState !== PowerState.RUNNING)
      throw new ConflictError(`Instance ${instance.uuid} is not running`)
    i.adminPassword = password
    i.console.push('fake: administrator password changed')
  }

  /** The password the last setAdminPassword gave the guest (tests read it). */
  adminPasswordOf(uuid: string): string | undefined {
    return this.#get(uuid).adminPassword
  }

  async getConsoleOutput(instance: InstanceSpec): Promise<string> {
    return `${this.#get(instance.uuid).console.join('\n')}\n`
  }

  async getRemoteConsole(
    instance: InstanceSpec,
    protocol: RemoteConsole['protocol'],
  ): Promise<RemoteConsole> {
    this.#get(instance.uuid)
    return { protocol, type: CONSOLE_TYPES[protocol], host: '127.0.0.1', port: 6969 }
  }

  async close(): Promise<void> {
    this.#callbacks = undefined
  }

  // ---- test and operator hooks (what a real hypervisor does on its own) ----

  /** Replaces `[fake] fail_spawn_on` (failure injection at run time). */
  setFailSpawnOn(nodes: readonly string[]): void {
    this.#failSpawnOn = [...nodes]
  }

  /** The guest changes power state by itself (shutdown inside the VM, crash, HA restart). */
  simulatePowerState(uuid: string, powerState: PowerState): void {
    const i = this.#get(uuid)
    i.powerState = powerState
    this.#callbacks?.instanceChanged(uuid, infoOf(i))
  }

  /** The instance disappears behind Nubis's back (deleted in the hypervisor). */
  simulateVanish(uuid: string): void {
    this.#instances.delete(uuid)
  }

  /** A sub-host goes into maintenance / comes back. */
  setSubHostState(subHost: string, state: 'up' | 'maintenance' | 'down'): void {
    for (const n of this.#nodes.values()) {
      const h = n.subHosts.find((x) => x.name === subHost)
      if (h) {
        h.state = state
        this.#callbacks?.resourcesChanged(n.name)
        return
      }
    }
    throw new NotFoundError(`Sub-host ${subHost} could not be found.`)
  }

  /** Volumes and interfaces the hypervisor has on an instance (tests). */
  devicesOf(uuid: string): { volumes: string[]; interfaces: string[] } {
    const i = this.#get(uuid)
    return { volumes: [...i.volumes.keys()], interfaces: [...i.interfaces.keys()] }
  }

  /** The block device the hypervisor has attached for a volume (tests). */
  volumeOf(uuid: string, volumeId: string): BlockDevice | undefined {
    return this.#get(uuid).volumes.get(volumeId)
  }

  #move(i: FakeInstance, dest: FakeNode, flavor: FlavorSpec, subHost?: string): void {
    const others = [...this.#instances.values()].filter((x) => x.uuid !== i.uuid)
    const sub = dest.subHosts.length > 0 ? pickSubHost(dest, others, flavor, subHost) : undefined
    if (dest.subHosts.length > 0 && sub === undefined)
      throw new Error(`no host of node ${dest.name} has ${flavor.memoryMb} MB free`)
    i.node = dest.name
    i.subHost = sub
    i.flavor = flavor
  }

  #transition(instance: InstanceSpec, from: PowerState, to: PowerState): void {
    const i = this.#get(instance.uuid)
    if (i.powerState !== from)
      throw new ConflictError(`Instance ${i.uuid} is in power state ${i.powerState}, not ${from}`)
    i.powerState = to
  }

  #node(name: string): FakeNode {
    const n = this.#nodes.get(name)
    if (!n) throw new NotFoundError(`Compute node ${name} is not served by this fake driver.`)
    return n
  }

  #get(uuid: string): FakeInstance {
    const i = this.#instances.get(uuid)
    if (!i)
      throw new NotFoundError(`Instance ${uuid} could not be found.`, { type: 'InstanceNotFound' })
    return i
  }
}

function infoOf(i: FakeInstance): InstanceInfo {
  return { powerState: i.powerState, ...(i.subHost !== undefined ? { subHost: i.subHost } : {}) }
}
