/**
 * The bus contracts of the compute service: who listens where and the names
 * and arguments of the messages (oslo.messaging-style RPC over src/bus).
 *
 * Boot path: API (cast) conductor.build_instances → conductor calls
 * scheduler.select_destinations (claims in placement) → conductor casts
 * compute.<host>.build_and_run_instance → the worker runs its driver and
 * reads/writes everything through conductor calls (workers hold no database
 * credentials, seed 002).
 */
import type { NodeResources } from '../../virt/driver.js'

export const CONDUCTOR_TOPIC = 'conductor'
export const SCHEDULER_TOPIC = 'scheduler'
export const COMPUTE_TOPIC = 'compute'

/** Every compute-worker message names the instance and the API request it serves. */
export interface InstanceMessage {
  readonly instanceUuid: string
  /** x-openstack-request-id of the API call; instance-action events hang off it. */
  readonly requestId: string
}

/** One scheduling choice: a host/node with the allocation already claimed for the consumer. */
export interface Selection {
  readonly host: string
  readonly nodename: string
  /** Placement resource provider (compute node uuid). */
  readonly providerUuid: string
  /** Sub-host the scheduler found room on (vSphere: the ESXi host), if the node has sub-hosts. */
  readonly subHost?: string
  /** Resources claimed (primary) or to claim (alternates): {VCPU: n, MEMORY_MB: n, DISK_GB: n}. */
  readonly resources: Readonly<Record<string, number>>
}

/** API → compute.<host> (casts unless noted). Arguments are InstanceMessage plus the extras listed. */
export interface ComputeMethods {
  build_and_run_instance: InstanceMessage & {
    readonly alternates: readonly Selection[]
    readonly adminPass?: string
  }
  terminate_instance: InstanceMessage
  reboot_instance: InstanceMessage & { readonly type: 'SOFT' | 'HARD' }
  stop_instance: InstanceMessage
  start_instance: InstanceMessage
  pause_instance: InstanceMessage
  unpause_instance: InstanceMessage
  suspend_instance: InstanceMessage
  resume_instance: InstanceMessage
  rescue_instance: InstanceMessage & {
    readonly rescueImageRef?: string
    readonly adminPass?: string
  }
  unrescue_instance: InstanceMessage
  rebuild_instance: InstanceMessage & {
    readonly imageRef: string
    readonly adminPass?: string
    readonly recreate?: boolean
  }
  snapshot_instance: InstanceMessage & { readonly imageId: string }
  shelve_instance: InstanceMessage & { readonly imageId?: string }
  unshelve_instance: InstanceMessage
  /** Resize/migrate steps; the conductor drives them (prep on dest, resize on source, finish on dest). */
  prep_resize: InstanceMessage & { readonly migrationUuid: string; readonly selection: Selection }
  resize_instance: InstanceMessage & { readonly migrationUuid: string }
  finish_resize: InstanceMessage & { readonly migrationUuid: string }
  confirm_resize: InstanceMessage & { readonly migrationUuid: string }
  revert_resize: InstanceMessage & { readonly migrationUuid: string }
  finish_revert_resize: InstanceMessage & { readonly migrationUuid: string }
  live_migration: InstanceMessage & {
    readonly migrationUuid: string
    readonly selection: Selection
  }
  attach_volume: InstanceMessage & { readonly bdmUuid: string }
  detach_volume: InstanceMessage & { readonly volumeId: string; readonly attachmentId?: string }
  /** call: answers the new interface. */
  attach_interface: InstanceMessage & { readonly portId: string }
  detach_interface: InstanceMessage & { readonly portId: string }
  /** call: answers {output}. */
  get_console_output: InstanceMessage & { readonly length?: number }
  /** A call: the driver's diagnostics of the server. */
  get_diagnostics: InstanceMessage
  /** A call: the API answers only once the guest has the password (or cannot). */
  set_admin_password: InstanceMessage & { readonly password: string }
  /** call: answers RemoteConsole (driver.ts). */
  get_remote_console: InstanceMessage & { readonly protocol: string; readonly type: string }
  /** os-server-external-events: network-vif-plugged, volume-extended, ... */
  external_instance_event: InstanceMessage & {
    readonly events: ReadonlyArray<{
      readonly name: string
      readonly tag?: string
      readonly status: string
    }>
  }
}
export type ComputeMethod = keyof ComputeMethods

/** What compute workers report on each heartbeat / resource update. */
export interface NodeReport {
  readonly host: string
  readonly resources: NodeResources
}

/** A requested NIC of server create (`networks` list entries), or the auto/none keywords. */
export type RequestedNetworks =
  | 'auto'
  | 'none'
  | ReadonlyArray<{
      readonly uuid?: string
      readonly port?: string
      readonly fixedIp?: string
      readonly tag?: string
    }>

/**
 * What the scheduler needs to place the instances of one create request. Written
 * by the API into instances.request_spec (same JSON on every instance of the
 * request) and completed by the conductor (group hosts, retry state).
 */
export interface RequestSpec {
  readonly projectId: string
  readonly userId: string
  readonly flavor: {
    readonly id: string
    readonly name: string
    readonly vcpus: number
    readonly memoryMb: number
    readonly rootGb: number
    readonly ephemeralGb: number
    readonly swapMb: number
    readonly extraSpecs: Readonly<Record<string, string>>
  }
  /** Image of the server (absent for boot from volume without image); properties drive ImagePropertiesFilter. */
  readonly image?: { readonly id: string; readonly properties: Readonly<Record<string, string>> }
  /** From `availability_zone` ("zone", "zone:host", "zone:host:node", ":host" for admins). */
  readonly availabilityZone?: string
  readonly forceHost?: string
  readonly forceNode?: string
  /** 2.74 requested destination: only this host/node, but every filter still applies. */
  readonly requestedHost?: string
  readonly requestedNode?: string
  readonly schedulerHints: {
    readonly group?: string
    readonly sameHost?: readonly string[]
    readonly differentHost?: readonly string[]
    readonly [k: string]: unknown
  }
  readonly requestedNetworks: RequestedNetworks
  readonly securityGroups: readonly string[]
  readonly numInstances: number
  /** Filled by the conductor: the server group and the hosts its members are on. */
  readonly instanceGroup?: {
    readonly uuid: string
    readonly policy: string
    readonly rules: { readonly max_server_per_host?: number }
    readonly hosts: readonly string[]
    /** host → members already there (max_server_per_host, soft weighers). */
    readonly memberCountByHost: Readonly<Record<string, number>>
  }
  /** Filled by the conductor on retries: hosts/nodes that already failed this build (RetryFilter). */
  readonly retry?: {
    readonly numAttempts: number
    readonly hosts: ReadonlyArray<readonly [string, string]>
  }
  /** Hosts to ignore (resize to a different host, migrate away). */
  readonly ignoreHosts?: readonly string[]
  /** For same_host/different_host: host of each referenced instance, filled by the conductor. */
  readonly hostsOfInstances?: Readonly<Record<string, string>>
}
