import type { Logger } from 'pino'
import type { ImageData } from '../image/driver-access.js'
import type { Subscription } from '../../bus/bus.js'
import { computeGroup, fakeDriverGroup } from '../../config/groups/compute.js'
import type { Group, GroupValues } from '../../config/option.js'
import type { DriverConfigSource } from '../../virt/registry.js'
import { startConductor } from '../conductor/index.js'
import { startScheduler } from '../scheduler/index.js'
import type { ComputeContext } from './compute-context.js'
import { startComputeWorkers, type ComputeWorkers } from './worker/compute-workers.js'

export interface ComputeRuntimeOptions {
  readonly ctx: ComputeContext
  readonly logger: Logger
  /** Run the conductor and scheduler in this process. */
  readonly conductor: boolean
  /** Run compute workers for `[compute] compute_driver` in this process. */
  readonly workers: boolean
  /**
   * The process configuration, for drivers that read their own group ([vmware]).
   * Without it only the groups in ctx.config are available (enough for `fake`).
   */
  readonly config?: DriverConfigSource
  /** Host name of the conductor/scheduler service rows (default: the machine's). */
  readonly host?: string
  /**
   * In-process image access for drivers that copy image bytes themselves (vsphere's
   * per-datastore cache). Workers in a separate `nubis compute` process have none.
   */
  readonly openImage?: (imageId: string) => Promise<ImageData>
}

export interface ComputeRuntime {
  /** The compute workers of this process, when it runs them. */
  readonly workers: ComputeWorkers | undefined
  close(): Promise<void>
}

/** ctx.config seen as a configuration source (for drivers when no full Config was given). */
function contextConfig(ctx: ComputeContext): DriverConfigSource {
  const known = new Map<string, unknown>([
    [computeGroup.name, ctx.config.compute],
    [fakeDriverGroup.name, ctx.config.fake],
  ])
  return {
    get<G extends Group>(group: G): GroupValues<G> {
      const v = known.get(group.name)
      if (v === undefined)
        throw new Error(`config group [${group.name}] is not available to compute`)
      return v as GroupValues<G>
    },
  }
}

/**
 * Starts the background parts of compute in this process: conductor and
 * scheduler (they share the database), and compute workers (bus only).
 */
export async function startComputeRuntime(options: ComputeRuntimeOptions): Promise<ComputeRuntime> {
  const { ctx } = options
  const subs: Subscription[] = []
  let workers: ComputeWorkers | undefined
  try {
    if (options.conductor) {
      subs.push(await startConductor(ctx, options.host !== undefined ? { host: options.host } : {}))
      subs.push(
        await startScheduler(ctx, options.host !== undefined ? { server: options.host } : {}),
      )
    }
    if (options.workers)
      workers = await startComputeWorkers({
        bus: ctx.bus,
        compute: ctx.config.compute,
        driverConfig: options.config ?? contextConfig(ctx),
        logger: options.logger,
      })
    const driver = workers?.driver as { imageSource?: unknown } | undefined
    if (driver && 'imageSource' in driver && options.openImage)
      driver.imageSource = options.openImage
  } catch (err) {
    await Promise.allSettled(subs.map((s) => s.close()))
    throw err
  }
  return {
    workers,
    // Callers before callees, each waiting for its work under way: workers call the
    // conductor, the conductor calls the scheduler (and only casts to workers). A
    // callee closed first would leave a handler waiting for the bus timeout.
    async close() {
      await workers?.close()
      for (const s of subs) await s.close()
    },
  }
}
