import type { HostAggregate } from '../../db/repositories/placement/host-aggregates.js'
import { capacityOf, type InventoryLimits } from '../placement/capacity.js'
import type { SubHostResources } from '../../virt/driver.js'

/** A sub-host (ESXi host in a cluster) with what the scheduler has placed on it since the report. */
export interface SubHostState {
  readonly name: string
  readonly state: SubHostResources['state']
  readonly vcpus: number
  vcpusUsed: number
  readonly memoryMb: number
  memoryMbUsed: number
}

export interface ComputeServiceState {
  readonly disabled: boolean
  readonly disabledReason: string | null
  readonly forcedDown: boolean
  /** Epoch ms of the last heartbeat, or undefined when never seen. */
  readonly lastSeenUpMs: number | undefined
}

/**
 * What the filters and weighers know of one compute node: the node report,
 * its service, its placement inventory and usage, and its aggregates. The
 * mutable fields change as a request's instances are placed one by one.
 */
export interface HostState {
  readonly host: string
  readonly nodename: string
  /** Compute node uuid = placement resource provider uuid. */
  readonly uuid: string
  readonly hypervisorType: string
  readonly hypervisorVersion: number
  readonly hypervisorHostname: string
  readonly hostIp: string
  readonly cpuInfo: Readonly<Record<string, unknown>>
  readonly supportedInstances: ReadonlyArray<readonly [string, string, string]>
  readonly traits: readonly string[]
  /** Node totals as reported (not ratio-adjusted). */
  readonly vcpus: number
  readonly memoryMb: number
  readonly localGb: number
  readonly service: ComputeServiceState | undefined
  /** Placement inventory per resource class. */
  readonly inventory: Readonly<Record<string, InventoryLimits>>
  /** Placement usage per resource class. */
  readonly used: Record<string, number>
  readonly aggregates: readonly HostAggregate[]
  /** Every aggregate metadata key of the host → its values across aggregates. */
  readonly aggregateMetadata: ReadonlyMap<string, readonly string[]>
  readonly availabilityZones: readonly string[]
  /** Empty for simple nodes. */
  readonly subHosts: SubHostState[]
  /** Epoch ms of the node's last report (compute_nodes.updated_at). */
  readonly reportedAtMs: number
  /** Recent build failures on the host (BuildFailureWeigher). */
  readonly failedBuilds: number
  numInstances: number
}

/** Ratio-adjusted free amount of a class (capacity minus placement usage); 0 without inventory. */
export function freeOf(host: HostState, cls: string): number {
  const inv = host.inventory[cls]
  return inv ? capacityOf(inv) - (host.used[cls] ?? 0) : 0
}
