import type { Logger } from 'pino'
import type { Bus, Subscription } from '../../../bus/bus.js'
import { NotImplementedError } from '../../../common/errors.js'
import type { ComputeDriver, InstanceInfo } from '../../../virt/driver.js'
import { COMPUTE_TOPIC, type ComputeMethod } from '../rpc.js'
import { BusConductorClient } from './conductor-client.js'
import { workerHandlers } from './handlers/index.js'
import { InstanceEvents } from './instance-events.js'
import { syncInstancePowerState, syncPowerStates } from './power-sync.js'
import { reconcileNode } from './reconcile.js'
import type {
  InstanceRecord,
  WorkerContext,
  WorkerHandler,
  WorkerOptions,
} from './worker-context.js'

export interface ComputeManagerOptions {
  readonly bus: Bus
  readonly driver: ComputeDriver
  readonly nodename: string
  readonly host: string
  readonly options: WorkerOptions
  readonly logger: Logger
}

/**
 * The compute service of one node (Nova's ComputeManager): serves
 * compute.<host>, heartbeats, reports the node's resources, keeps power states
 * in sync. Everything persistent goes through the conductor.
 */
export class ComputeManager {
  readonly ctx: WorkerContext
  readonly #conductor: BusConductorClient
  readonly #bus: Bus
  readonly #timers: NodeJS.Timeout[] = []
  /** Periodic and event-driven work under way; close() waits for it. */
  readonly #busy = new Set<Promise<unknown>>()
  #sub: Subscription | undefined
  #report: Promise<void> | undefined
  #reportAgain = false
  #closed = false

  static async start(o: ComputeManagerOptions): Promise<ComputeManager> {
    const m = new ComputeManager(o)
    await m.#start()
    return m
  }

  private constructor(o: ComputeManagerOptions) {
    this.#bus = o.bus
    this.#conductor = new BusConductorClient(o.bus, o.host)
    this.ctx = {
      host: o.host,
      nodename: o.nodename,
      driver: o.driver,
      conductor: this.#conductor,
      logger: o.logger.child({ host: o.host, node: o.nodename }),
      reportResources: () => void this.reportResources(),
      instanceEvents: new InstanceEvents(),
      options: o.options,
    }
  }

  async #start(): Promise<void> {
    const log = this.ctx.logger
    await this.#tick('heartbeat', () => this.#conductor.heartbeat())
    await this.reportResources()
    await this.#tick('start-up reconciliation', async () =>
      reconcileNode(this.ctx, await this.#conductor.instancesOnNode(this.ctx.nodename)),
    )
    this.#sub = await this.#bus.listen(
      { topic: COMPUTE_TOPIC, server: this.ctx.host },
      async (method, args) => {
        const handler = workerHandlers[method as ComputeMethod] as
          WorkerHandler<ComputeMethod> | undefined
        if (!handler) throw new NotImplementedError(`compute has no method ${method}`)
        return handler(this.ctx, args as never)
      },
    )
    const o = this.ctx.options
    this.#every(o.reportInterval, 'heartbeat', () => this.#conductor.heartbeat())
    this.#every(o.resourceReportInterval, 'resource report', () => this.reportResources())
    if (o.syncPowerStateInterval > 0)
      this.#every(o.syncPowerStateInterval, 'power state sync', () => this.syncPowerStates())
    log.info('compute worker started')
  }

  /** Reports the node now; calls during a report coalesce into one more report after it. */
  reportResources(): Promise<void> {
    if (this.#closed) return Promise.resolve()
    this.#reportAgain = true
    this.#report ??= this.#reportLoop()
    return this.#report
  }

  async #reportLoop(): Promise<void> {
    // NOTE: first let reportResources() store this promise, which the end of the loop clears.
    await Promise.resolve()
    while (this.#reportAgain && !this.#closed) {
      this.#reportAgain = false
      await this.#tick('resource report', async () =>
        this.#conductor.reportNode(await this.ctx.driver.getAvailableResource(this.ctx.nodename)),
      )
    }
    // Cleared in the same turn as the last check, so no request falls between them.
    this.#report = undefined
  }

  async syncPowerStates(): Promise<void> {
    await syncPowerStates(this.ctx, await this.#conductor.instancesOnNode(this.ctx.nodename))
  }

  /** A driver event about an instance the database puts on this node. */
  async onInstanceChanged(inst: InstanceRecord, info: InstanceInfo): Promise<void> {
    if (this.#closed) return
    await this.track(syncInstancePowerState(this.ctx, inst, info))
  }

  /** Runs `work` as background work of this node: close() waits for it. */
  track<T>(work: Promise<T>): Promise<T> {
    this.#busy.add(work)
    const done = (): void => void this.#busy.delete(work)
    work.then(done, done)
    return work
  }

  /**
   * Stops in order: no new periodic work, no new messages (waiting for the
   * handlers under way), then the reports and syncs under way. Afterwards this
   * node sends nothing more, so the conductor and the database can go.
   */
  async close(): Promise<void> {
    this.#closed = true
    for (const t of this.#timers) clearInterval(t)
    await this.#sub?.close()
    while (this.#busy.size > 0 || this.#report)
      await Promise.allSettled([...this.#busy, this.#report])
  }

  #every(seconds: number, what: string, fn: () => Promise<unknown>): void {
    let running = false
    const t = setInterval(() => {
      if (running || this.#closed) return
      running = true
      void this.track(this.#tick(what, fn)).finally(() => (running = false))
    }, seconds * 1000)
    t.unref()
    this.#timers.push(t)
  }

  /** Runs periodic work; a failure is logged and retried next time, never thrown. */
  async #tick(what: string, fn: () => Promise<unknown>): Promise<void> {
    try {
      await fn()
    } catch (err) {
      if (!this.#closed) this.ctx.logger.warn({ err: String(err) }, `${what} failed`)
    }
  }
}
