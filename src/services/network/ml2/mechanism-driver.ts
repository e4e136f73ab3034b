import type { Logger } from 'pino'
import type { Db } from '../../../db/database.js'

/**
 * The ML2 mechanism-driver boundary (neutron/plugins/ml2/driver_api.py
 * `MechanismDriver`). Drivers are told about every network, subnet and port
 * change twice:
 *
 * - `*Precommit` runs INSIDE the API's database transaction (`ctx.db` is that
 *   transaction). Throwing there rolls the whole change back and the API call
 *   fails with the thrown error. Do no I/O beyond the database here.
 * - `*Postcommit` runs AFTER the commit. Throwing there is surfaced to the API
 *   caller (Neutron deletes the just-created resource and reports the error;
 *   the caller of the chain decides what to undo — see MechanismChain).
 *
 * Every hook is optional; a driver implements only what it needs.
 */

/** One segment of a network, as drivers see it (neutron_lib `api.NETWORK_TYPE` etc.). */
export interface Segment {
  readonly id: string
  readonly network_type: string
  /** null when the type has none (vxlan, gre, local). */
  readonly physical_network: string | null
  /** null for flat and local. */
  readonly segmentation_id: number | null
}

/** Resource as the API renders it (Neutron's dict), e.g. `{ id, name, network_id, … }`. */
export type Resource = Readonly<Record<string, unknown>>

interface HookContextBase {
  /** The open transaction in precommit; the plain database handle in postcommit. */
  readonly db: Db
  /** The resource after the change (for delete: as it was before deletion). */
  readonly current: Resource
  /** The resource before an update; undefined for create and delete. */
  readonly original?: Resource
}

/** Context of network hooks (driver_api.NetworkContext). */
export interface NetworkHookContext extends HookContextBase {
  /** The network's segments (after allocation on create). */
  readonly segments: readonly Segment[]
}

/** Context of subnet hooks (driver_api.SubnetContext). */
export interface SubnetHookContext extends HookContextBase {
  /** The network the subnet belongs to (rendered dict). */
  readonly network?: Resource
}

/** Context of port hooks (driver_api.PortContext). */
export interface PortHookContext extends HookContextBase {
  /** The port's network (rendered dict) and its segments. */
  readonly network?: Resource
  readonly segments?: readonly Segment[]
}

/**
 * Context of `securityGroupRulesChanged`: after the commit of a rule create or
 * delete (or a group delete, which drops the rules naming it as remote group).
 * Neutron's drivers learn this from SECURITY_GROUP_RULE AFTER_* callbacks.
 */
export interface SecurityGroupHookContext {
  readonly db: Db
  readonly securityGroupIds: readonly string[]
}

/** What a driver sets to bind a port (PortContext.set_binding). */
export interface Binding {
  /** The segment the port is bound to. */
  readonly segmentId: string
  /** e.g. 'ovs', 'bridge', 'dvs', 'other'. */
  readonly vifType: string
  readonly vifDetails: Readonly<Record<string, unknown>>
}

/** Context of `bindPort` (driver_api.PortContext during binding). */
export interface PortBindingContext {
  readonly db: Db
  readonly port: Resource
  /** binding:host_id — the compute node (or vCenter cluster) the port goes to. */
  readonly host: string
  /** binding:vnic_type, 'normal' by default. */
  readonly vnicType: string
  /** binding:profile. */
  readonly profile: Readonly<Record<string, unknown>>
  /** Segments a driver may bind to, in order of preference. */
  readonly segmentsToBind: readonly Segment[]
  /** Claims the port. The first driver (in chain order) that calls this wins. */
  setBinding(binding: Binding): void
}

/**
 * A mechanism driver. `initialize` is called once when the chain is built.
 * `bindPort` must call `ctx.setBinding` to claim the port for the host, or
 * return without calling it to let the next driver try; it should not throw
 * for "cannot bind" (that is not an error, the port just stays unbound).
 */
export interface MechanismDriver {
  /** The config name ([ml2] mechanism_drivers), e.g. 'logger'. */
  readonly name: string
  initialize?(logger: Logger): void | Promise<void>

  createNetworkPrecommit?(ctx: NetworkHookContext): void | Promise<void>
  createNetworkPostcommit?(ctx: NetworkHookContext): void | Promise<void>
  updateNetworkPrecommit?(ctx: NetworkHookContext): void | Promise<void>
  updateNetworkPostcommit?(ctx: NetworkHookContext): void | Promise<void>
  deleteNetworkPrecommit?(ctx: NetworkHookContext): void | Promise<void>
  deleteNetworkPostcommit?(ctx: NetworkHookContext): void | Promise<void>

  createSubnetPrecommit?(ctx: SubnetHookContext): void | Promise<void>
  createSubnetPostcommit?(ctx: SubnetHookContext): void | Promise<void>
  updateSubnetPrecommit?(ctx: SubnetHookContext): void | Promise<void>
  updateSubnetPostcommit?(ctx: SubnetHookContext): void | Promise<void>
  deleteSubnetPrecommit?(ctx: SubnetHookContext): void | Promise<void>
  deleteSubnetPostcommit?(ctx: SubnetHookContext): void | Promise<void>

  createPortPrecommit?(ctx: PortHookContext): void | Promise<void>
  createPortPostcommit?(ctx: PortHookContext): void | Promise<void>
  updatePortPrecommit?(ctx: PortHookContext): void | Promise<void>
  updatePortPostcommit?(ctx: PortHookContext): void | Promise<void>
  deletePortPrecommit?(ctx: PortHookContext): void | Promise<void>
  deletePortPostcommit?(ctx: PortHookContext): void | Promise<void>

  /** Rules of these groups changed (after commit); a failure is logged, the change stands. */
  securityGroupRulesChanged?(ctx: SecurityGroupHookContext): void | Promise<void>

  bindPort?(ctx: PortBindingContext): void | Promise<void>
}

/** The hook names a chain can call, for generic dispatch. */
export type HookName = Exclude<keyof MechanismDriver, 'name' | 'initialize' | 'bindPort'>
