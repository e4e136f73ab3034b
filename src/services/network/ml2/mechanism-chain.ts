import type { Logger } from 'pino'
import { CloudError } from '../../../common/errors.js'
import type { Db } from '../../../db/database.js'
import type {
  Binding,
  HookName,
  MechanismDriver,
  NetworkHookContext,
  PortHookContext,
  Resource,
  Segment,
  SecurityGroupHookContext,
  SubnetHookContext,
} from './mechanism-driver.js'

/**
 * Neutron's MechanismDriverError: a driver failed in a hook. Rendered as 500
 * with type `MechanismDriverError`, as Neutron does. A driver that throws a
 * CloudError (a 409, a 400…) has that error passed through unchanged.
 */
export class MechanismDriverError extends CloudError {
  readonly status = 500
  readonly code: string = 'NUBIS_ML2_MECHANISM_DRIVER'
  constructor(method: string, cause: unknown) {
    super(`${method} failed.`, { cause, type: 'MechanismDriverError' })
  }
}

/** Result of `MechanismChain.bindPort`: what the port's binding:* attributes become. */
export interface BindResult {
  /** 'unbound' (no host), 'binding_failed' (no driver bound it) or the driver's vif_type. */
  readonly vifType: string
  readonly vifDetails: Readonly<Record<string, unknown>>
  /** The segment bound, null when not bound. */
  readonly segmentId: string | null
  /** The driver that bound it, null when not bound. */
  readonly driver: string | null
}

/** Arguments of `MechanismChain.bindPort`. */
export interface BindPortArgs {
  readonly db: Db
  readonly port: Resource
  readonly host: string
  readonly vnicType?: string
  readonly profile?: Readonly<Record<string, unknown>>
  /** The network's segments (see segments repository `listSegments`). */
  readonly segments: readonly Segment[]
}

/**
 * The ordered mechanism-driver chain ([ml2] mechanism_drivers), as
 * neutron/plugins/ml2/managers.py `MechanismManager`.
 *
 * Contract for callers (networks, subnets, ports services):
 * - call `xPrecommit` inside your transaction, passing the transaction as `db`;
 *   it stops at the first failing driver and throws, so your transaction rolls back;
 * - call `xPostcommit` after the commit, passing the plain `ctx.db`. Create and
 *   update stop at the first failure and throw; on a CREATE postcommit failure
 *   the caller must delete the resource it just made (Neutron does) and then
 *   rethrow. Delete postcommit runs every driver and throws the first failure
 *   afterwards. A postcommit failure is never swallowed.
 */
export class MechanismChain {
  readonly #drivers: readonly MechanismDriver[]
  readonly #logger: Logger

  constructor(drivers: readonly MechanismDriver[], logger: Logger) {
    this.#drivers = drivers
    this.#logger = logger
  }

  /** The driver named `name` (tests and diagnostics reach a driver's own state through it). */
  driver(name: string): MechanismDriver | undefined {
    return this.#drivers.find((d) => d.name === name)
  }

  /** Driver names in call order. */
  get names(): string[] {
    return this.#drivers.map((d) => d.name)
  }

  async #call(hook: HookName, ctx: never, continueOnFailure = false): Promise<void> {
    let first: CloudError | undefined
    for (const d of this.#drivers) {
      if (!d[hook]) continue
      try {
        await d[hook](ctx)
      } catch (err) {
        this.#logger.error({ err, driver: d.name, hook }, 'mechanism driver failed')
        const wrapped = err instanceof CloudError ? err : new MechanismDriverError(snake(hook), err)
        if (!continueOnFailure) throw wrapped
        first ??= wrapped
      }
    }
    if (first !== undefined) throw first
  }

  createNetworkPrecommit = (c: NetworkHookContext) =>
    this.#call('createNetworkPrecommit', c as never)
  createNetworkPostcommit = (c: NetworkHookContext) =>
    this.#call('createNetworkPostcommit', c as never)
  updateNetworkPrecommit = (c: NetworkHookContext) =>
    this.#call('updateNetworkPrecommit', c as never)
  updateNetworkPostcommit = (c: NetworkHookContext) =>
    this.#call('updateNetworkPostcommit', c as never)
  deleteNetworkPrecommit = (c: NetworkHookContext) =>
    this.#call('deleteNetworkPrecommit', c as never)
  deleteNetworkPostcommit = (c: NetworkHookContext) =>
    this.#call('deleteNetworkPostcommit', c as never, true)

  createSubnetPrecommit = (c: SubnetHookContext) => this.#call('createSubnetPrecommit', c as never)
  createSubnetPostcommit = (c: SubnetHookContext) =>
    this.#call('createSubnetPostcommit', c as never)
  updateSubnetPrecommit = (c: SubnetHookContext) => this.#call('updateSubnetPrecommit', c as never)
  updateSubnetPostcommit = (c: SubnetHookContext) =>
    this.#call('updateSubnetPostcommit', c as never)
  deleteSubnetPrecommit = (c: SubnetHookContext) => this.#call('deleteSubnetPrecommit', c as never)
  deleteSubnetPostcommit = (c: SubnetHookContext) =>
    this.#call('deleteSubnetPostcommit', c as never, true)

  createPortPrecommit = (c: PortHookContext) => this.#call('createPortPrecommit', c as never)
  createPortPostcommit = (c: PortHookContext) => this.#call('createPortPostcommit', c as never)
  updatePortPrecommit = (c: PortHookContext) => this.#call('updatePortPrecommit', c as never)
  updatePortPostcommit = (c: PortHookContext) => this.#call('updatePortPostcommit', c as never)
  deletePortPrecommit = (c: PortHookContext) => this.#call('deletePortPrecommit', c as never)
  deletePortPostcommit = (c: PortHookContext) =>
    this.#call('deletePortPostcommit', c as never, true)

  /** Every driver runs; the first failure is thrown afterwards. */
  securityGroupRulesChanged = (c: SecurityGroupHookContext) =>
    this.#call('securityGroupRulesChanged', c as never, true)

  /**
   * Binds a port to `host`: asks each driver in order; the first that calls
   * setBinding wins (MechanismManager.bind_port). No host → 'unbound'; no
   * driver binds → 'binding_failed' (not an error: Neutron stores it on the port).
   * A driver that throws is logged and skipped, as Neutron does.
   */
  async bindPort(args: BindPortArgs): Promise<BindResult> {
    if (!args.host) return { vifType: 'unbound', vifDetails: {}, segmentId: null, driver: null }
    for (const d of this.#drivers) {
      if (!d.bindPort) continue
      let bound: Binding | undefined
      try {
        await d.bindPort({
          db: args.db,
          port: args.port,
          host: args.host,
          vnicType: args.vnicType ?? 'normal',
          profile: args.profile ?? {},
          segmentsToBind: args.segments,
          setBinding: (b) => {
            bound ??= b
          },
        })
      } catch (err) {
        this.#logger.error({ err, driver: d.name, port: args.port['id'] }, 'bind_port failed')
        continue
      }
      if (bound) return { ...bound, driver: d.name }
    }
    this.#logger.warn(
      { port: args.port['id'], host: args.host },
      'no mechanism driver bound the port',
    )
    return { vifType: 'binding_failed', vifDetails: {}, segmentId: null, driver: null }
  }
}

/** createNetworkPostcommit → create_network_postcommit (Neutron's method name in messages). */
function snake(s: string): string {
  return s.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)
}
