import type { GroupValues } from '../../../config/option.js'
import type { vmwareGroup } from '../../../config/groups/vmware.js'
import { ConflictError, NotFoundError, NotImplementedError } from '../../../common/errors.js'
import type {
  BlockDevice,
  ComputeDriver,
  DriverCallbacks,
  DriverCapabilities,
  DriverInstance,
  FlavorSpec,
  ImageSpec,
  ImageUpload,
  InstanceInfo,
  InstanceSpec,
  NodeResources,
  RemoteConsole,
  Vif,
  ServerDiagnostics,
} from '../../driver.js'
import { PowerState } from '../../driver.js'
import { DatastoreFiles } from '../vim25/datastore-files.js'
import { isFault } from '../vim25/faults.js'
import { Inventory, type ClusterView, type VmView } from '../vim25/inventory.js'
import { Vim25Session } from '../vim25/session.js'
import { el, moRef, text, type MoRef } from '../vim25/soap.js'
import { findVmByInstanceUuid } from '../vim25/vm-nic.js'
import { mapFault } from './fault-map.js'
import { ImageCache, type Datacenter, type ImageSource } from './image-cache.js'
import { hostState, nodeResources, subHosts, usableDatastores } from './resources.js'
import { VmDevices } from './vm-devices.js'
import { vmDiagnostics } from './vm-diagnostics.js'
import { VmBuilder } from './vm-builder.js'

export type VmwareConfig = GroupValues<typeof vmwareGroup>

/** One compute node: a vCenter cluster. */
export interface ClusterNode {
  readonly nodename: string
  readonly cluster: string
  readonly dc: Datacenter
  readonly vmFolder: MoRef
}

const POWER: Readonly<Record<string, PowerState>> = {
  poweredOn: PowerState.RUNNING,
  poweredOff: PowerState.SHUTDOWN,
  suspended: PowerState.SUSPENDED,
}

/**
 * The `vsphere` compute driver (Nova's VMwareVCDriver): one node per vCenter
 * cluster in [vmware] cluster_name. State comes from one live Inventory
 * (WaitForUpdatesEx), so reads cost no SOAP calls and changes made in vCenter
 * reach DriverCallbacks within a second.
 */
export class VsphereDriver implements ComputeDriver {
  readonly name = 'vsphere'
  readonly capabilities: DriverCapabilities = {
    supportsRecreate: true,
    supportsMigrateToSameHost: true,
    supportsAttachInterface: true,
    supportsMultiattach: false,
    supportsLiveMigration: true,
    supportsRescue: true,
    supportsPause: false,
    supportsSuspend: true,
    supportsConsoleOutput: true,
    supportsRemoteConsole: false,
    supportsExtendVolume: true,
  }
  /** Set by the process that wires services: the image service's openImage. */
  imageSource: ImageSource | undefined
  #session!: Vim25Session
  #inventory!: Inventory
  #cache!: ImageCache
  #devices!: VmDevices
  #builder!: VmBuilder
  readonly #nodes = new Map<string, ClusterNode>()
  readonly #created = new Map<string, string>()
  readonly #pending = new Set<{ host: string; memoryMb: number }>()
  readonly #regex: RegExp | undefined
  #callbacks: DriverCallbacks | undefined

  private constructor(
    readonly config: VmwareConfig,
    imageSource: ImageSource | undefined,
  ) {
    this.imageSource = imageSource
    this.#regex = config.datastore_regex ? new RegExp(config.datastore_regex) : undefined
  }

  static async create(
    config: VmwareConfig,
    opts: { imageSource?: ImageSource } = {},
  ): Promise<VsphereDriver> {
    if (!config.host_ip) throw new Error('[vmware] host_ip is required by compute_driver = vsphere')
    if (config.cluster_name.length === 0) throw new Error('[vmware] cluster_name names no cluster')
    return new VsphereDriver(config, opts.imageSource)
  }

  /** The session (SOAP round-trip counters for tests and benchmarks). */
  get session(): Vim25Session {
    return this.#session
  }

  get inventory(): Inventory {
    return this.#inventory
  }

  get imageCache(): ImageCache {
    return this.#cache
  }

  async init(callbacks: DriverCallbacks): Promise<void> {
    this.#callbacks = callbacks
    const c = this.config
    this.#session = await Vim25Session.create({
      url: `https://${c.host_ip}:${c.host_port}`,
      username: c.host_username,
      password: c.host_password,
      insecure: c.insecure && !c.ca_file,
      ...(c.ca_file ? { caFile: c.ca_file } : {}),
      retries: c.api_retry_count,
      maxObjects: c.maximum_objects,
      taskPollSec: Math.max(1, Math.ceil(c.task_poll_interval)),
    })
    this.#inventory = new Inventory(this.#session, 10, c.inventory_resync_interval)
    await this.#inventory.start()
    const files = new DatastoreFiles(this.#session)
    this.#cache = new ImageCache(
      this.#session,
      files,
      `${c.cache_prefix}${c.image_cache_subdirectory_name}`,
      () => this.imageSource,
    )
    this.#devices = new VmDevices(this.#session)
    this.#builder = new VmBuilder(this.#session, this.#cache, this.#devices, c)
    for (const name of c.cluster_name) {
      const cl = [...this.#inventory.clusters.values()].find((x) => x.name === name)
      if (!cl) throw new NotFoundError(`vCenter ${c.host_ip} has no cluster named ${name}`)
      const nodename = `${cl.ref}.${this.#session.content.instanceUuid}`
      const { dc, vmFolder } = await this.#datacenterOf(cl.ref)
      this.#nodes.set(nodename, { nodename, cluster: cl.ref, dc, vmFolder })
    }
    this.#inventory.listen({
      vmChanged: (vm, before) => this.#vmChanged(vm, before),
      hostChanged: (h, before) => {
        if (!before) return
        if (
          before.connectionState !== h.connectionState ||
          before.inMaintenanceMode !== h.inMaintenanceMode ||
          before.powerState !== h.powerState
        ) {
          const node = [...this.#nodes.values()].find((n) => n.cluster === h.parent)
          if (node) this.#callbacks?.resourcesChanged(node.nodename)
        }
      },
    })
  }

  #vmChanged(vm: VmView, before: VmView | undefined): void {
    if (!before || vm.name !== vm.instanceUuid) return
    if (before.powerState === vm.powerState && before.host === vm.host) return
    this.#callbacks?.instanceChanged(vm.instanceUuid, this.#info(vm))
  }

  async #datacenterOf(clusterRef: string): Promise<{ dc: Datacenter; vmFolder: MoRef }> {
    let cur: MoRef = { type: 'ClusterComputeResource', value: clusterRef }
    for (let i = 0; i < 20 && cur.type !== 'Datacenter'; i++) {
      const parent = moRef(await this.#session.property(cur, 'parent'))
      if (!parent) break
      cur = parent
    }
    if (cur.type !== 'Datacenter')
      throw new NotFoundError(`cluster ${clusterRef} is in no datacenter`)
    const p = await this.#session.properties(cur, ['name', 'vmFolder'])
    return {
      dc: { ref: cur, name: text(p.get('name')) ?? '' },
      vmFolder: moRef(p.get('vmFolder'))!,
    }
  }

  nodes(): readonly string[] {
    return [...this.#nodes.keys()]
  }

  #node(nodename: string): ClusterNode & { view: ClusterView } {
    const n = this.#nodes.get(nodename)
    const view = n && this.#inventory.clusters.get(n.cluster)
    if (!n || !view)
      throw new NotFoundError(`Compute node ${nodename} is not served by this vSphere driver.`)
    return { ...n, view }
  }

  async getAvailableResource(nodename: string): Promise<NodeResources> {
    const n = this.#node(nodename)
    return nodeResources(this.#inventory, n.view, {
      nodename,
      hostIp: this.config.host_ip,
      version: this.#session.content.apiVersion,
      datastoreRegex: this.#regex,
    })
  }

  #info(vm: VmView): InstanceInfo {
    const host = this.#inventory.hosts.get(vm.host)
    return {
      powerState: POWER[vm.powerState] ?? PowerState.NOSTATE,
      ...(host ? { subHost: host.name } : {}),
    }
  }

  async listInstances(nodename: string): Promise<readonly DriverInstance[]> {
    const n = this.#node(nodename)
    const hosts = new Set(n.view.hosts)
    return [...this.#inventory.vms.values()]
      .filter((vm) => vm.name === vm.instanceUuid && hosts.has(vm.host))
      .map((vm) => ({ uuid: vm.instanceUuid, node: nodename, ...this.#info(vm) }))
  }

  /** The VM of an instance: inventory first, then what spawn just made, then SearchIndex. */
  async #vm(uuid: string): Promise<MoRef> {
    const v = this.#inventory.vmByUuid(uuid)
    if (v) return { type: 'VirtualMachine', value: v.ref }
    const made = this.#created.get(uuid)
    if (made) return { type: 'VirtualMachine', value: made }
    const found = await findVmByInstanceUuid(this.#session, uuid)
    if (!found)
      throw new NotFoundError(`Instance ${uuid} could not be found.`, { type: 'InstanceNotFound' })
    return found
  }

  async getInfo(instance: InstanceSpec): Promise<InstanceInfo> {
    const v = this.#inventory.vmByUuid(instance.uuid)
    if (v) return this.#info(v)
    const ref = await this.#vm(instance.uuid)
    const p = await this.#session.properties(ref, ['runtime.powerState'])
    return { powerState: POWER[text(p.get('runtime.powerState')) ?? ''] ?? PowerState.NOSTATE }
  }

  async #op<T>(what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn()
    } catch (err) {
      throw mapFault(err, what)
    }
  }

  async spawn(
    instance: InstanceSpec,
    image: ImageSpec | undefined,
    vifs: readonly Vif[],
    blockDevices: readonly BlockDevice[],
  ): Promise<InstanceInfo> {
    const n = this.#node(instance.node)
    return this.#op(`spawn of ${instance.uuid}`, async () => {
      const existing = this.#inventory.vmByUuid(instance.uuid)
      if (existing) return this.#recreate(existing, n.view, instance.flavor)
      // Checked before vCenter is asked: a VM cannot span hosts (seed 004).
      const host = this.#roomiestHost(n.view, instance.flavor.memoryMb, instance.flavor.vcpus)
      const ds = this.#pickDatastore(n.view, instance.flavor)
      // Held until the inventory shows the VM running there, so concurrent spawns spread out.
      const hold = { host, memoryMb: instance.flavor.memoryMb }
      this.#pending.add(hold)
      const vm = await this.#builder
        .build({
          instance,
          image,
          vifs,
          blockDevices,
          dc: n.dc,
          folder: n.vmFolder,
          pool: { type: 'ResourcePool', value: n.view.resourcePool },
          host: { type: 'HostSystem', value: host },
          datastore: ds,
        })
        .finally(() => this.#pending.delete(hold))
      this.#created.set(instance.uuid, vm.value)
      this.#inventory.seed({
        ref: vm.value,
        name: instance.uuid,
        powerState: 'poweredOn',
        host,
        instanceUuid: instance.uuid,
        numCpu: instance.flavor.vcpus,
        memoryMb: instance.flavor.memoryMb,
        toolsRunning: false,
        template: false,
      })
      return {
        powerState: PowerState.RUNNING,
        subHost: this.#inventory.hosts.get(host)?.name ?? host,
      }
    })
  }

  /**
   * Evacuate/rebuild of a VM vCenter still has (shared datastores): keep its
   * disks. When vSphere HA already restarted it on a healthy host of this
   * cluster, only make sure it runs; otherwise move it to one and start it.
   */
  async #recreate(vm: VmView, cluster: ClusterView, flavor: FlavorSpec): Promise<InstanceInfo> {
    const ref: MoRef = { type: 'VirtualMachine', value: vm.ref }
    const host = this.#inventory.hosts.get(vm.host)
    const healthy = host && hostState(host) === 'up' && cluster.hosts.includes(vm.host)
    if (!healthy) {
      await this.#powerOff(ref).catch(() => undefined)
      await this.#relocate(ref, cluster, this.#roomiestHost(cluster, flavor.memoryMb, flavor.vcpus))
    }
    await this.#powerOn(ref)
    return this.#info(this.#inventory.vms.get(vm.ref) ?? vm)
  }

  #pickDatastore(cluster: ClusterView, flavor: FlavorSpec): string {
    const need = (flavor.rootGb + flavor.ephemeralGb) * 1024 ** 3
    const ds = usableDatastores(this.#inventory, cluster, this.#regex)
      .filter((d) => d.freeSpace >= need)
      .sort((a, b) => b.freeSpace - a.freeSpace)[0]
    if (!ds)
      throw new ConflictError(
        `No datastore of cluster ${cluster.name} matching datastore_regex has ${flavor.rootGb + flavor.ephemeralGb} GB free`,
      )
    return ds.name
  }

  async destroy(
    instance: InstanceSpec,
    _vifs: readonly Vif[],
    blockDevices: readonly BlockDevice[],
    _destroyDisks: boolean,
  ): Promise<void> {
    await this.#op(`destroy of ${instance.uuid}`, async () => {
      let vm: MoRef
      try {
        vm = await this.#vm(instance.uuid)
      } catch (err) {
        if (err instanceof NotFoundError) return
        throw err
      }
      try {
        await this.#powerOff(vm)
        // Volumes first: Destroy_Task deletes every attached disk file.
        for (const bd of blockDevices)
          if (bd.volumeId) await this.#devices.detachDisk(vm, bd).catch(() => undefined)
        await this.#session.runTask('Destroy_Task', vm)
        this.#inventory.forget(vm)
      } catch (err) {
        if (!isFault(err, 'ManagedObjectNotFound')) throw err
      }
      this.#created.delete(instance.uuid)
    })
  }

  async #powerOff(vm: MoRef): Promise<void> {
    await this.#session.runTask('PowerOffVM_Task', vm).catch((err: unknown) => {
      if (!isFault(err, 'InvalidPowerState')) throw err
    })
    this.#inventory.assume(vm.value, { powerState: 'poweredOff' })
  }

  async #powerOn(vm: MoRef): Promise<void> {
    await this.#session.runTask('PowerOnVM_Task', vm).catch((err: unknown) => {
      if (!isFault(err, 'InvalidPowerState')) throw err
    })
    this.#inventory.assume(vm.value, { powerState: 'poweredOn' })
  }

  async reboot(instance: InstanceSpec, type: 'SOFT' | 'HARD'): Promise<void> {
    await this.#op(`reboot of ${instance.uuid}`, async () => {
      const vm = await this.#vm(instance.uuid)
      const tools = this.#inventory.vmByUuid(instance.uuid)?.toolsRunning ?? false
      if (type === 'SOFT' && tools) {
        try {
          await this.#session.call('RebootGuest', vm)
          return
        } catch (err) {
          if (!isFault(err, 'MethodNotFound', 'ToolsUnavailable', 'NotSupported')) throw err
        }
      }
      await this.#session.runTask('ResetVM_Task', vm)
      this.#inventory.assume(vm.value, { powerState: 'poweredOn' })
    })
  }

  async powerOff(instance: InstanceSpec): Promise<void> {
    await this.#op(`power off of ${instance.uuid}`, async () =>
      this.#powerOff(await this.#vm(instance.uuid)),
    )
  }

  async powerOn(instance: InstanceSpec): Promise<void> {
    await this.#op(`power on of ${instance.uuid}`, async () =>
      this.#powerOn(await this.#vm(instance.uuid)),
    )
  }

  pause(_instance: InstanceSpec): Promise<void> {
    return Promise.reject(
      new NotImplementedError('vSphere has no pause; suspend the server instead.'),
    )
  }

  unpause(_instance: InstanceSpec): Promise<void> {
    return Promise.reject(
      new NotImplementedError('vSphere has no pause; suspend the server instead.'),
    )
  }

  async suspend(instance: InstanceSpec): Promise<void> {
    await this.#op(`suspend of ${instance.uuid}`, async () => {
      const vm = await this.#vm(instance.uuid)
      await this.#session.runTask('SuspendVM_Task', vm)
      this.#inventory.assume(vm.value, { powerState: 'suspended' })
    })
  }

  async resume(instance: InstanceSpec): Promise<void> {
    await this.#op(`resume of ${instance.uuid}`, async () =>
      this.#powerOn(await this.#vm(instance.uuid)),
    )
  }

  async rescue(instance: InstanceSpec, rescueImage: ImageSpec | undefined): Promise<void> {
    const n = this.#node(instance.node)
    await this.#op(`rescue of ${instance.uuid}`, async () => {
      const vm = await this.#vm(instance.uuid)
      const image = rescueImage ?? instance.image
      if (!image) throw new ConflictError(`Instance ${instance.uuid} has no image to rescue from`)
      await this.#powerOff(vm)
      await this.#builder.attachRescueDisk(vm, n.dc, image)
      await this.#powerOn(vm)
    })
  }

  async unrescue(instance: InstanceSpec): Promise<void> {
    await this.#op(`unrescue of ${instance.uuid}`, async () => {
      const vm = await this.#vm(instance.uuid)
      await this.#powerOff(vm)
      await this.#devices.removeRescueDisk(vm)
      await this.#powerOn(vm)
    })
  }

  async snapshot(instance: InstanceSpec, upload: ImageUpload): Promise<void> {
    const n = this.#node(instance.node)
    await this.#op(`snapshot of ${instance.uuid}`, async () => {
      const vm = await this.#vm(instance.uuid)
      const snap = moRef(
        (
          await this.#session.runTask(
            'CreateSnapshot_Task',
            vm,
            el('name', `nubis-snapshot-${Date.now()}`) + el('memory', false) + el('quiesce', false),
          )
        ).result,
      )
      try {
        const root = await this.#devices.rootDiskFile(vm)
        const m = /^\[([^\]]+)\] (.*)\.vmdk$/.exec(root)
        if (!m) throw new NotFoundError(`Instance ${instance.uuid} has no root disk`)
        const files = new DatastoreFiles(this.#session)
        const stream = await files.download({
          dcPath: n.dc.name,
          dsName: m[1]!,
          path: `${m[2]}-flat.vmdk`,
        })
        await upload(stream, { diskFormat: 'vmdk', containerFormat: 'bare' })
      } finally {
        if (snap)
          await this.#session
            .runTask('RemoveSnapshot_Task', snap, el('removeChildren', false))
            .catch(() => undefined)
      }
    })
  }

  async migrateDiskAndPowerOff(
    instance: InstanceSpec,
    destNode: string,
    newFlavor: FlavorSpec,
  ): Promise<void> {
    const dest = this.#node(destNode)
    await this.#op(`migration of ${instance.uuid}`, async () => {
      const vm = await this.#vm(instance.uuid)
      await this.#powerOff(vm)
      if (destNode !== instance.node)
        await this.#relocate(vm, dest.view, this.#roomiestHost(dest.view, newFlavor.memoryMb))
    })
  }

  /**
   * The 'up' host of a cluster with the most free RAM that fits `memoryMb`,
   * counting spawns still in flight. vCPUs overcommit, as on vSphere: a VM
   * only needs no more vCPUs than the host has threads. Spawns and moves name
   * the host, as vCenter needs one when DRS does not place the VM itself.
   */
  #roomiestHost(cluster: ClusterView, memoryMb: number, vcpus = 0): string {
    const byName = new Map(cluster.hosts.map((h) => [this.#inventory.hosts.get(h)?.name, h]))
    const pendingMb = (name: string): number => {
      let mem = 0
      for (const p of this.#pending)
        if (this.#inventory.hosts.get(p.host)?.name === name) mem += p.memoryMb
      return mem
    }
    const best = subHosts(this.#inventory, cluster)
      .map((h) => ({
        name: h.name,
        state: h.state,
        threads: h.vcpus,
        free: h.memoryMb - h.memoryMbUsed - pendingMb(h.name),
      }))
      .filter((h) => h.state === 'up' && h.free >= memoryMb && h.threads >= vcpus)
      .sort((a, b) => b.free - a.free)[0]
    const ref = best && byName.get(best.name)
    if (!ref)
      throw new ConflictError(
        `No single ESXi host of cluster ${cluster.name} has ${memoryMb} MB of RAM free (and ${vcpus} vCPUs) for this server; a VM cannot span hosts.`,
      )
    return ref
  }

  async #relocate(vm: MoRef, cluster: ClusterView, hostRef: string | undefined): Promise<void> {
    await this.#session.runTask(
      'RelocateVM_Task',
      vm,
      `<spec><pool type="ResourcePool">${cluster.resourcePool}</pool>${hostRef ? `<host type="HostSystem">${hostRef}</host>` : ''}</spec>`,
    )
    if (hostRef) this.#inventory.assume(vm.value, { host: hostRef })
    else await this.#inventory.refresh(vm)
  }

  async finishMigration(
    instance: InstanceSpec,
    _vifs: readonly Vif[],
    powerOn: boolean,
  ): Promise<InstanceInfo> {
    return this.#op(`resize of ${instance.uuid}`, async () => {
      const vm = await this.#vm(instance.uuid)
      await this.#devices.resize(vm, instance.flavor)
      this.#inventory.assume(vm.value, {
        numCpu: instance.flavor.vcpus,
        memoryMb: instance.flavor.memoryMb,
      })
      if (powerOn) await this.#powerOn(vm)
      return { powerState: powerOn ? PowerState.RUNNING : PowerState.SHUTDOWN }
    })
  }

  async confirmMigration(_instance: InstanceSpec, _sourceNode: string): Promise<void> {
    // The VM moved whole (RelocateVM_Task): nothing is left on the source node.
  }

  async finishRevertMigration(
    instance: InstanceSpec,
    _vifs: readonly Vif[],
    powerOn: boolean,
  ): Promise<InstanceInfo> {
    const n = this.#node(instance.node)
    return this.#op(`resize revert of ${instance.uuid}`, async () => {
      const vm = await this.#vm(instance.uuid)
      await this.#powerOff(vm)
      const cur = this.#inventory.vmByUuid(instance.uuid)
      if (cur && !n.view.hosts.includes(cur.host))
        await this.#relocate(vm, n.view, this.#roomiestHost(n.view, instance.flavor.memoryMb))
      // NOTE: a grown disk stays grown: VMDKs cannot shrink (Nova's vmware driver keeps it too).
      await this.#devices.resize(vm, instance.flavor, { growDisk: false })
      this.#inventory.assume(vm.value, {
        numCpu: instance.flavor.vcpus,
        memoryMb: instance.flavor.memoryMb,
      })
      if (powerOn) await this.#powerOn(vm)
      return { powerState: powerOn ? PowerState.RUNNING : PowerState.SHUTDOWN }
    })
  }

  async liveMigration(
    instance: InstanceSpec,
    destNode: string,
    destSubHost?: string,
  ): Promise<void> {
    const dest = this.#node(destNode)
    await this.#op(`live migration of ${instance.uuid}`, async () => {
      const vm = await this.#vm(instance.uuid)
      let hostRef: string | undefined
      if (destSubHost) {
        hostRef = dest.view.hosts.find(
          (h) => this.#inventory.hosts.get(h)?.name === destSubHost || h === destSubHost,
        )
        if (!hostRef)
          throw new NotFoundError(`Host ${destSubHost} is not in cluster ${dest.view.name}.`)
      }
      await this.#relocate(vm, dest.view, hostRef)
    })
  }

  async attachVolume(instance: InstanceSpec, device: BlockDevice): Promise<void> {
    await this.#op(`attach of volume ${device.volumeId ?? ''}`, async () =>
      this.#devices.attachDisk(await this.#vm(instance.uuid), device),
    )
  }

  async detachVolume(instance: InstanceSpec, device: BlockDevice): Promise<void> {
    await this.#op(`detach of volume ${device.volumeId ?? ''}`, async () =>
      this.#devices.detachDisk(await this.#vm(instance.uuid), device),
    )
  }

  async extendVolume(
    instance: InstanceSpec,
    device: BlockDevice,
    newSizeGb: number,
  ): Promise<void> {
    await this.#op(`extend of volume ${device.volumeId ?? ''}`, async () =>
      this.#devices.extendDisk(await this.#vm(instance.uuid), device, newSizeGb),
    )
  }

  async attachInterface(instance: InstanceSpec, vif: Vif): Promise<void> {
    await this.#op(`attach of port ${vif.portId}`, async () =>
      this.#devices.attachNic(await this.#vm(instance.uuid), await this.#builder.nicTarget(vif)),
    )
  }

  async detachInterface(instance: InstanceSpec, vif: Vif): Promise<void> {
    await this.#op(`detach of port ${vif.portId}`, async () =>
      this.#devices.detachNic(await this.#vm(instance.uuid), vif.macAddress),
    )
  }

  async getDiagnostics(instance: InstanceSpec): Promise<ServerDiagnostics> {
    return this.#op(`diagnostics of ${instance.uuid}`, async () =>
      vmDiagnostics(this.#session, await this.#vm(instance.uuid), instance.configDrive),
    )
  }

  async setAdminPassword(_instance: InstanceSpec, _password: string): Promise<void> {
    // Like Nova's VMwareVCDriver: vCenter has no call that sets a guest OS password
    // (guest operations need the current credentials).
    throw new NotImplementedError('set_admin_password is not implemented by this driver.')
  }

  async getConsoleOutput(_instance: InstanceSpec): Promise<string> {
    // vCenter keeps no serial log unless a serial port writes one to a datastore.
    return ''
  }

  async getRemoteConsole(
    instance: InstanceSpec,
    protocol: RemoteConsole['protocol'],
  ): Promise<RemoteConsole> {
    if (protocol !== 'mks')
      throw new NotImplementedError(
        `vSphere servers have no ${protocol} console; ask for a WebMKS console.`,
      )
    return this.#op(`console of ${instance.uuid}`, async () => {
      const vm = await this.#vm(instance.uuid)
      let t
      try {
        t = await this.#session.call('AcquireTicket', vm, el('ticketType', 'webmks'))
      } catch (err) {
        if (isFault(err, 'MethodNotFound', 'NotSupported'))
          throw new NotImplementedError(
            'This vCenter cannot issue WebMKS console tickets (AcquireTicket).',
          )
        throw err
      }
      const host = text((t as never)?.['host']) ?? this.config.host_ip
      return {
        protocol: 'mks',
        type: 'webmks',
        host,
        port: Number(text((t as never)?.['port']) ?? 443),
        internalAccessPath: text((t as never)?.['ticket']) ?? '',
      }
    })
  }

  async close(): Promise<void> {
    await this.#inventory?.close()
    await this.#session?.close()
  }
}
