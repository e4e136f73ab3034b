import type { BlockDevice, FlavorSpec, PowerState, SubHostResources, Vif } from '../driver.js'

/** What one fake instance uses on its node. */
export interface FakeUsage {
  readonly vcpus: number
  readonly memoryMb: number
  readonly diskGb: number
}

/** An instance as the fake hypervisor holds it. */
export interface FakeInstance {
  readonly uuid: string
  node: string
  subHost: string | undefined
  powerState: PowerState
  flavor: FlavorSpec
  rescued: boolean
  readonly volumes: Map<string, BlockDevice>
  readonly interfaces: Map<string, Vif>
  readonly console: string[]
  /** When the guest last booted (ms since the epoch), for diagnostics' uptime. */
  bootedAt?: number
  /** Last password set by setAdminPassword (a guest agent would apply it). */
  adminPassword?: string
}

/** A fake node: its capacity, its sub-hosts and the disks a cold migration left behind. */
export interface FakeNode {
  readonly name: string
  readonly vcpus: number
  readonly memoryMb: number
  readonly localGb: number
  readonly subHosts: ReadonlyArray<{ readonly name: string; state: SubHostResources['state'] }>
  /** Source-side leftovers of a resize/migration until confirm or revert (uuid → usage). */
  readonly leftovers: Map<string, FakeUsage>
}

export function usageOf(flavor: FlavorSpec): FakeUsage {
  return {
    vcpus: flavor.vcpus,
    memoryMb: flavor.memoryMb,
    diskGb: flavor.rootGb + flavor.ephemeralGb + Math.ceil(flavor.swapMb / 1024),
  }
}

export function sumUsage(items: Iterable<FakeUsage>): FakeUsage {
  let vcpus = 0
  let memoryMb = 0
  let diskGb = 0
  for (const u of items) {
    vcpus += u.vcpus
    memoryMb += u.memoryMb
    diskGb += u.diskGb
  }
  return { vcpus, memoryMb, diskGb }
}

/** Per-sub-host capacity and use; capacity is the node's split evenly. */
export function subHostResources(
  node: FakeNode,
  instances: Iterable<FakeInstance>,
): SubHostResources[] {
  const k = node.subHosts.length
  const list = [...instances].filter((i) => i.node === node.name)
  return node.subHosts.map((h) => {
    const used = sumUsage(list.filter((i) => i.subHost === h.name).map((i) => usageOf(i.flavor)))
    return {
      name: h.name,
      vcpus: Math.floor(node.vcpus / k),
      vcpusUsed: used.vcpus,
      memoryMb: Math.floor(node.memoryMb / k),
      memoryMbUsed: used.memoryMb,
      state: h.state,
    }
  })
}

/**
 * The sub-host with the most free RAM that still fits `flavor` (what DRS
 * would pick), or undefined when the node has no sub-hosts or none fits.
 */
export function pickSubHost(
  node: FakeNode,
  instances: Iterable<FakeInstance>,
  flavor: FlavorSpec,
  preferred?: string,
): string | undefined {
  const hosts = subHostResources(node, instances).filter(
    (h) => h.state === 'up' && h.memoryMb - h.memoryMbUsed >= flavor.memoryMb,
  )
  if (preferred !== undefined && hosts.some((h) => h.name === preferred)) return preferred
  hosts.sort((a, b) => b.memoryMb - b.memoryMbUsed - (a.memoryMb - a.memoryMbUsed))
  return hosts[0]?.name
}
