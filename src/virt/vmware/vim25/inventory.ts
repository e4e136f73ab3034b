import { isFault } from './faults.js'
import type { Vim25Session } from './session.js'
import { bool, child, el, list, moRef, num, text, type MoRef, type XmlNode } from './soap.js'

export interface HostView {
  readonly ref: string
  name: string
  /** Moref value of the parent compute resource (cluster). */
  parent: string
  connectionState: string
  inMaintenanceMode: boolean
  powerState: string
  cpuThreads: number
  memoryMb: number
  /** quickStats.overallMemoryUsage (MB). */
  memoryUsageMb: number
}

export interface ClusterView {
  readonly ref: string
  name: string
  hosts: string[]
  resourcePool: string
  datastores: string[]
  networks: string[]
}

export interface DatastoreView {
  readonly ref: string
  name: string
  capacity: number
  freeSpace: number
  accessible: boolean
}

export interface NetworkView {
  readonly ref: string
  readonly type: string
  name: string
}

export interface VmView {
  readonly ref: string
  name: string
  powerState: string
  host: string
  instanceUuid: string
  numCpu: number
  memoryMb: number
  toolsRunning: boolean
  template: boolean
}

/** What changed, for listeners (the driver turns these into DriverCallbacks). */
export interface InventoryListener {
  vmChanged?(vm: VmView, before: VmView | undefined): void
  vmRemoved?(vm: VmView): void
  hostChanged?(host: HostView, before: HostView | undefined): void
}

const PROPS: Readonly<Record<string, readonly string[]>> = {
  ClusterComputeResource: ['name', 'host', 'resourcePool', 'datastore', 'network'],
  HostSystem: [
    'name',
    'parent',
    'runtime.connectionState',
    'runtime.inMaintenanceMode',
    'runtime.powerState',
    'summary.hardware.numCpuThreads',
    'summary.hardware.memorySize',
    'summary.quickStats.overallMemoryUsage',
  ],
  Datastore: ['name', 'summary.capacity', 'summary.freeSpace', 'summary.accessible'],
  Network: ['name'],
  VirtualMachine: [
    'name',
    'runtime.powerState',
    'runtime.host',
    'config.instanceUuid',
    'config.hardware.numCPU',
    'config.hardware.memoryMB',
    'config.template',
    'guest.toolsRunningStatus',
  ],
}

/** A named TraversalSpec (inner: nested selectSets). */
const traverse = (name: string, type: string, path: string, next: readonly string[]): string =>
  `<selectSet xsi:type="TraversalSpec"><name>${name}</name><type>${type}</type><path>${path}</path>` +
  `<skip>false</skip>${next.map((n) => `<selectSet><name>${n}</name></selectSet>`).join('')}</selectSet>`

/**
 * The whole inventory from the root folder by classic TraversalSpecs
 * (folders, datacenters' four folders, compute resources' hosts), as Nova's
 * vim_util does. NOTE: not a ContainerView: vcsim's views miss VMs created
 * concurrently (their membership is decided once, when the VM is registered),
 * while traversal specs are re-walked on every change.
 */
export function inventoryTraversal(root: MoRef): string {
  const all = ['folder', 'dcVm', 'dcHost', 'dcDs', 'dcNet', 'crHost', 'ccrHost']
  return (
    `<objectSet><obj type="${root.type}">${root.value}</obj><skip>true</skip>` +
    traverse('folder', 'Folder', 'childEntity', all) +
    traverse('dcVm', 'Datacenter', 'vmFolder', ['folder']) +
    traverse('dcHost', 'Datacenter', 'hostFolder', ['folder']) +
    traverse('dcDs', 'Datacenter', 'datastoreFolder', ['folder']) +
    traverse('dcNet', 'Datacenter', 'networkFolder', ['folder']) +
    traverse('crHost', 'ComputeResource', 'host', []) +
    traverse('ccrHost', 'ClusterComputeResource', 'host', []) +
    '</objectSet>'
  )
}

const refs = (v: XmlNode | XmlNode[] | undefined): string[] =>
  list(child(v, 'ManagedObjectReference')).map((n) => text(n) ?? '')

/**
 * The live view of one vCenter: one PropertyCollector with one filter over a
 * ContainerView of the whole inventory, kept current by a WaitForUpdatesEx
 * loop (vCenter pushes changes; nothing is polled). When the subscription is
 * lost (session re-login, vCenter restart) it is re-created and the view is
 * rebuilt from a full enter set, so listeners see every difference.
 */
export class Inventory {
  readonly hosts = new Map<string, HostView>()
  readonly clusters = new Map<string, ClusterView>()
  readonly datastores = new Map<string, DatastoreView>()
  readonly networks = new Map<string, NetworkView>()
  readonly vms = new Map<string, VmView>()
  readonly #byUuid = new Map<string, string>()
  /** Full re-syncs done after the first (a lost subscription). */
  resyncs = 0
  /** Why the subscription was last lost (for logs and tests). */
  lastError: unknown
  readonly #session: Vim25Session
  readonly #listeners: InventoryListener[] = []
  #collector: MoRef | undefined
  #version = ''
  #closed = false
  #loop: Promise<void> | undefined
  #ready: Promise<void>
  #markReady!: () => void
  #markFailed!: (e: unknown) => void

  /**
   * `maxWaitSeconds`: longest single WaitForUpdatesEx. `resyncSeconds` (0:
   * never): a full re-read this often heals updates vCenter dropped (vcsim
   * drops some; vCenter can across a failover). One RetrievePropertiesEx each.
   */
  constructor(
    session: Vim25Session,
    readonly maxWaitSeconds = 10,
    readonly resyncSeconds = 0,
  ) {
    this.#session = session
    this.#ready = new Promise((res, rej) => {
      this.#markReady = res
      this.#markFailed = rej
    })
    this.#ready.catch(() => undefined)
  }

  listen(l: InventoryListener): void {
    this.#listeners.push(l)
  }

  /** Subscribes and resolves after the first full update set is applied. */
  async start(): Promise<void> {
    this.#loop ??= this.#run()
    return this.#ready
  }

  /** Drops the collector behind the loop's back (tests of the lost-subscription path). */
  async breakSubscription(): Promise<void> {
    if (this.#collector)
      await this.#session.call('DestroyPropertyCollector', this.#collector).catch(() => undefined)
  }

  async #subscribe(): Promise<void> {
    const s = this.#session
    const collector = await s.callRef('CreatePropertyCollector', s.content.propertyCollector)
    const propSets = Object.entries(PROPS)
      .map(([t, paths]) => `<propSet><type>${t}</type>${el('pathSet', paths)}</propSet>`)
      .join('')
    await s.call(
      'CreateFilter',
      collector,
      `<spec>${propSets}${inventoryTraversal(s.content.rootFolder)}</spec>${el('partialUpdates', true)}`,
    )
    this.#collector = collector
    this.#version = ''
  }

  async #run(): Promise<void> {
    let first = true
    let failures = 0
    let lastFull = Date.now()
    const wait =
      this.resyncSeconds > 0
        ? Math.min(this.maxWaitSeconds, this.resyncSeconds)
        : this.maxWaitSeconds
    while (!this.#closed) {
      try {
        if (!this.#collector) {
          await this.#subscribe()
          if (!first) this.resyncs++
        }
        if (
          !first &&
          this.resyncSeconds > 0 &&
          Date.now() - lastFull >= this.resyncSeconds * 1000
        ) {
          lastFull = Date.now()
          await this.#reread()
        }
        const res = await this.#session.call(
          'WaitForUpdatesEx',
          this.#collector!,
          el('version', this.#version) + `<options>${el('maxWaitSeconds', wait)}</options>`,
          // A wait far beyond maxWaitSeconds is a stuck collector: start over.
          { timeoutMs: (wait + 15) * 1000 },
        )
        failures = 0
        if (res !== undefined) {
          const full = this.#version === ''
          this.#version = text(child(res, 'version')) ?? ''
          this.#apply(res, full)
          if (full) lastFull = Date.now()
        } else if (this.#version === '') continue
        if (first) {
          first = false
          this.#markReady()
        }
      } catch (err) {
        if (this.#closed) break
        this.lastError = err
        failures++
        if (first && failures > 3) {
          this.#markFailed(err)
          return
        }
        // Lost subscription: start over with a full enter set.
        this.#collector = undefined
        this.#version = ''
        await new Promise((r) => setTimeout(r, Math.min(200 * 2 ** failures, 5000)))
      }
    }
  }

  /** The whole view read again (RetrievePropertiesEx over the same spec), applied as a full set. */
  async #reread(): Promise<void> {
    const propSets = Object.entries(PROPS)
      .map(([t, paths]) => `<propSet><type>${t}</type>${el('pathSet', paths)}</propSet>`)
      .join('')
    const objs = await this.#session.retrieve(
      `<specSet>${propSets}${inventoryTraversal(this.#session.content.rootFolder)}</specSet>`,
    )
    const seen = new Set<string>()
    for (const o of objs) {
      seen.add(o.obj.value)
      this.#upsert(o.obj, o.props)
    }
    this.#dropUnseen(seen)
  }

  #dropUnseen(seen: ReadonlySet<string>): void {
    for (const m of [this.hosts, this.clusters, this.datastores, this.networks] as Map<
      string,
      unknown
    >[])
      for (const k of [...m.keys()]) if (!seen.has(k)) m.delete(k)
    for (const vm of [...this.vms.values()])
      if (!seen.has(vm.ref)) this.#remove({ type: 'VirtualMachine', value: vm.ref })
  }

  /** Applies an UpdateSet; a full set (after re-subscribing) also removes what vanished. */
  #apply(res: XmlNode | XmlNode[], full: boolean): void {
    const seen = new Set<string>()
    for (const fs of list(child(res, 'filterSet'))) {
      for (const ou of list(child(fs, 'objectSet'))) {
        const kind = text(child(ou, 'kind'))
        const obj = moRef(child(ou, 'obj'))
        if (!obj) continue
        seen.add(obj.value)
        if (kind === 'leave') {
          this.#remove(obj)
          continue
        }
        const changes = new Map<string, XmlNode | XmlNode[] | undefined>()
        for (const c of list(child(ou, 'changeSet'))) {
          const name = text(child(c, 'name'))
          if (!name) continue
          changes.set(name, text(child(c, 'op')) === 'remove' ? undefined : child(c, 'val'))
        }
        this.#upsert(obj, changes)
      }
    }
    if (full) this.#dropUnseen(seen)
  }

  #remove(obj: MoRef): void {
    const vm = this.vms.get(obj.value)
    if (vm) {
      this.vms.delete(obj.value)
      if (this.#byUuid.get(vm.instanceUuid) === vm.ref) this.#byUuid.delete(vm.instanceUuid)
      for (const l of this.#listeners) l.vmRemoved?.(vm)
      return
    }
    for (const m of [this.hosts, this.clusters, this.datastores, this.networks] as Map<
      string,
      unknown
    >[])
      m.delete(obj.value)
  }

  #upsert(obj: MoRef, c: Map<string, XmlNode | XmlNode[] | undefined>): void {
    const has = (k: string): boolean => c.has(k)
    const s = (k: string): string => text(c.get(k)) ?? ''
    const n = (k: string): number => num(c.get(k)) ?? 0
    const b = (k: string): boolean => bool(c.get(k)) ?? false
    const r = (k: string): string => moRef(c.get(k))?.value ?? ''
    switch (obj.type) {
      case 'HostSystem': {
        const before = this.hosts.get(obj.value)
        const h: HostView = before
          ? { ...before }
          : {
              ref: obj.value,
              name: '',
              parent: '',
              connectionState: '',
              inMaintenanceMode: false,
              powerState: '',
              cpuThreads: 0,
              memoryMb: 0,
              memoryUsageMb: 0,
            }
        if (has('name')) h.name = s('name')
        if (has('parent')) h.parent = r('parent')
        if (has('runtime.connectionState')) h.connectionState = s('runtime.connectionState')
        if (has('runtime.inMaintenanceMode')) h.inMaintenanceMode = b('runtime.inMaintenanceMode')
        if (has('runtime.powerState')) h.powerState = s('runtime.powerState')
        if (has('summary.hardware.numCpuThreads'))
          h.cpuThreads = n('summary.hardware.numCpuThreads')
        if (has('summary.hardware.memorySize'))
          h.memoryMb = Math.floor(n('summary.hardware.memorySize') / 1048576)
        if (has('summary.quickStats.overallMemoryUsage'))
          h.memoryUsageMb = n('summary.quickStats.overallMemoryUsage')
        this.hosts.set(obj.value, h)
        for (const l of this.#listeners) l.hostChanged?.(h, before)
        return
      }
      case 'ClusterComputeResource': {
        const cl = this.clusters.get(obj.value) ?? {
          ref: obj.value,
          name: '',
          hosts: [],
          resourcePool: '',
          datastores: [],
          networks: [],
        }
        if (has('name')) cl.name = s('name')
        if (has('host')) cl.hosts = refs(c.get('host'))
        if (has('resourcePool')) cl.resourcePool = r('resourcePool')
        if (has('datastore')) cl.datastores = refs(c.get('datastore'))
        if (has('network')) cl.networks = refs(c.get('network'))
        this.clusters.set(obj.value, cl)
        return
      }
      case 'Datastore': {
        const d = this.datastores.get(obj.value) ?? {
          ref: obj.value,
          name: '',
          capacity: 0,
          freeSpace: 0,
          accessible: false,
        }
        if (has('name')) d.name = s('name')
        if (has('summary.capacity')) d.capacity = n('summary.capacity')
        if (has('summary.freeSpace')) d.freeSpace = n('summary.freeSpace')
        if (has('summary.accessible')) d.accessible = b('summary.accessible')
        this.datastores.set(obj.value, d)
        return
      }
      case 'VirtualMachine': {
        const before = this.vms.get(obj.value)
        const v: VmView = before
          ? { ...before }
          : {
              ref: obj.value,
              name: '',
              powerState: '',
              host: '',
              instanceUuid: '',
              numCpu: 0,
              memoryMb: 0,
              toolsRunning: false,
              template: false,
            }
        if (has('name')) v.name = s('name')
        if (has('runtime.powerState')) v.powerState = s('runtime.powerState')
        if (has('runtime.host')) v.host = r('runtime.host')
        if (has('config.instanceUuid')) {
          v.instanceUuid = s('config.instanceUuid')
          if (v.instanceUuid) this.#byUuid.set(v.instanceUuid, v.ref)
        }
        if (has('config.hardware.numCPU')) v.numCpu = n('config.hardware.numCPU')
        if (has('config.hardware.memoryMB')) v.memoryMb = n('config.hardware.memoryMB')
        if (has('config.template')) v.template = b('config.template')
        if (has('guest.toolsRunningStatus'))
          v.toolsRunning = s('guest.toolsRunningStatus') === 'guestToolsRunning'
        this.vms.set(obj.value, v)
        for (const l of this.#listeners) l.vmChanged?.(v, before)
        return
      }
      case 'Network':
      case 'DistributedVirtualPortgroup':
      case 'OpaqueNetwork': {
        const nw = this.networks.get(obj.value) ?? { ref: obj.value, type: obj.type, name: '' }
        if (has('name')) nw.name = s('name')
        this.networks.set(obj.value, nw)
      }
    }
  }

  /**
   * Re-reads one object now (one RetrievePropertiesEx) and applies it, or
   * drops it when vCenter no longer has it. The driver calls this after its
   * own changes, so its view does not wait for the next update batch (and
   * does not depend on vcsim, which misses some notifications).
   */
  async refresh(obj: MoRef): Promise<void> {
    const paths = PROPS[obj.type] ?? PROPS['Network']!
    let props: Map<string, XmlNode | XmlNode[]>
    try {
      props = await this.#session.properties(obj, paths)
    } catch (err) {
      if (isFault(err, 'ManagedObjectNotFound')) return this.#remove(obj)
      throw err
    }
    this.#upsert(obj, new Map(paths.map((p) => [p, props.get(p)])))
  }

  /** Records a VM the caller just made, before vCenter's update about it arrives (no round trip). */
  seed(vm: VmView): void {
    if (this.vms.has(vm.ref)) return this.assume(vm.ref, vm)
    this.vms.set(vm.ref, vm)
    if (vm.instanceUuid) this.#byUuid.set(vm.instanceUuid, vm.ref)
  }

  /** Applies what the caller's own successful call did to a VM (no round trip). */
  assume(ref: string, patch: Partial<Omit<VmView, 'ref'>>): void {
    const before = this.vms.get(ref)
    if (!before) return
    const v = { ...before, ...patch }
    this.vms.set(ref, v)
    for (const l of this.#listeners) l.vmChanged?.(v, before)
  }

  /** Drops an object the caller just destroyed. */
  forget(obj: MoRef): void {
    this.#remove(obj)
  }

  /** The VM whose instanceUuid is `uuid` (Nubis names and tags VMs by it). */
  vmByUuid(uuid: string): VmView | undefined {
    const ref = this.#byUuid.get(uuid)
    return ref === undefined ? undefined : this.vms.get(ref)
  }

  async close(): Promise<void> {
    this.#closed = true
    if (this.#collector) {
      await this.#session.call('CancelWaitForUpdates', this.#collector).catch(() => undefined)
      await this.#session.call('DestroyPropertyCollector', this.#collector).catch(() => undefined)
    }
    await this.#loop
  }
}
