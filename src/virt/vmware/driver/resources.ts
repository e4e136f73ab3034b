import type { NodeResources, SubHostResources } from '../../driver.js'
import type { ClusterView, DatastoreView, HostView, Inventory } from '../vim25/inventory.js'

export const HYPERVISOR_TYPE = 'VMware vCenter Server'

/** 'up' only when connected, powered on and not in maintenance mode. */
export function hostState(h: HostView): SubHostResources['state'] {
  if (h.connectionState !== 'connected' || (h.powerState !== '' && h.powerState !== 'poweredOn'))
    return 'down'
  return h.inMaintenanceMode ? 'maintenance' : 'up'
}

/** Datastores of the cluster that instances may use: accessible and matching datastore_regex. */
export function usableDatastores(
  inv: Inventory,
  cluster: ClusterView,
  regex: RegExp | undefined,
): DatastoreView[] {
  return cluster.datastores
    .map((d) => inv.datastores.get(d))
    .filter((d): d is DatastoreView => !!d && d.accessible && (!regex || regex.test(d.name)))
}

/**
 * Per-host use: the vCPUs and RAM allocated to its powered-on VMs, or the
 * host's measured memory use when that is higher (VMs Nubis does not manage,
 * the hypervisor's own overhead).
 */
export function subHosts(inv: Inventory, cluster: ClusterView): SubHostResources[] {
  const used = new Map<string, { cpu: number; mem: number }>()
  for (const vm of inv.vms.values()) {
    if (vm.powerState !== 'poweredOn' || vm.template) continue
    const u = used.get(vm.host) ?? { cpu: 0, mem: 0 }
    u.cpu += vm.numCpu
    u.mem += vm.memoryMb
    used.set(vm.host, u)
  }
  return cluster.hosts
    .map((r) => inv.hosts.get(r))
    .filter((h): h is HostView => !!h)
    .map((h) => {
      const u = used.get(h.ref) ?? { cpu: 0, mem: 0 }
      return {
        name: h.name,
        vcpus: h.cpuThreads,
        vcpusUsed: u.cpu,
        memoryMb: h.memoryMb,
        memoryMbUsed: Math.min(h.memoryMb, Math.max(u.mem, h.memoryUsageMb)),
        state: hostState(h),
      }
    })
}

/** `4.5.0` → 4005000, Nova's version integer. */
export function versionInt(v: string): number {
  const [a = 0, b = 0, c = 0] = v.split('.').map((x) => Number.parseInt(x, 10) || 0)
  return a * 1_000_000 + b * 1000 + c
}

const GB = 1024 ** 3

/** The node's report: totals over the hosts that are up, each host, the usable datastores. */
export function nodeResources(
  inv: Inventory,
  cluster: ClusterView,
  opts: { nodename: string; hostIp: string; version: string; datastoreRegex: RegExp | undefined },
): NodeResources {
  const hosts = subHosts(inv, cluster)
  const up = hosts.filter((h) => h.state === 'up')
  const sum = (f: (h: SubHostResources) => number): number => up.reduce((a, h) => a + f(h), 0)
  const ds = usableDatastores(inv, cluster, opts.datastoreRegex)
  const capacity = ds.reduce((a, d) => a + d.capacity, 0)
  const free = ds.reduce((a, d) => a + d.freeSpace, 0)
  return {
    nodename: opts.nodename,
    hypervisorType: HYPERVISOR_TYPE,
    hypervisorVersion: versionInt(opts.version),
    hypervisorHostname: opts.nodename,
    hostIp: opts.hostIp,
    vcpus: sum((h) => h.vcpus),
    vcpusUsed: sum((h) => h.vcpusUsed),
    memoryMb: sum((h) => h.memoryMb),
    memoryMbUsed: sum((h) => h.memoryMbUsed),
    localGb: Math.floor(capacity / GB),
    localGbUsed: Math.floor((capacity - free) / GB),
    cpuInfo: {
      vendor: 'VMware',
      model: 'vCenter cluster',
      cluster: cluster.name,
      hosts: up.length,
      datastores: ds.map((d) => ({ name: d.name, free_gb: Math.floor(d.freeSpace / GB) })),
    },
    supportedInstances: [
      ['x86_64', 'vmware', 'hvm'],
      ['i686', 'vmware', 'hvm'],
    ],
    traits: ['COMPUTE_NET_ATTACH_INTERFACE', 'COMPUTE_VOLUME_EXTEND', 'COMPUTE_NODE'],
    subHosts: hosts,
  }
}
