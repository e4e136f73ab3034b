import { hostname } from 'node:os'
import type { JsonValue, Subscription } from '../../bus/bus.js'
import { BadRequestError } from '../../common/errors.js'
import {
  bumpBuildFailures,
  resetBuildFailures,
} from '../../db/repositories/placement/build-failures.js'
import type { ComputeContext } from '../compute/compute-context.js'
import { SCHEDULER_TOPIC, type RequestSpec, type Selection } from '../compute/rpc.js'
import { createFilterScheduler, type FilterSchedulerOptions } from './filter-scheduler.js'

/**
 * The scheduler. On topic `scheduler`:
 * - `select_destinations` {spec, instanceUuids} (call) → Selection[][]: per
 *   instance [primary, ...alternates] (at most [scheduler] max_attempts), the
 *   primary's allocation claimed in placement for that uuid; NoValidHostError
 *   (see errors.ts, isNoValidHost) when nothing fits.
 * - `record_build_failure` {host} (call or cast): a build failed on the host;
 *   BuildFailureWeigher pushes it down until `reset_build_failures` {host}
 *   (send it when a build succeeds there). The counter lives in the
 *   compute_build_failures table, so the conductor may also use
 *   recordBuildFailure/resetBuildFailure below directly.
 */
export interface SelectDestinationsArgs {
  readonly spec: RequestSpec
  readonly instanceUuids: readonly string[]
}
export type SelectDestinationsResult = Selection[][]

export interface SchedulerOptions extends FilterSchedulerOptions {
  /** Server name on the bus (default: the machine's host name). */
  readonly server?: string
}

/** Listens on topic `scheduler`; throws ConfigError for unknown filter/weigher names. */
export async function startScheduler(
  ctx: ComputeContext,
  options: SchedulerOptions = {},
): Promise<Subscription> {
  const scheduler = createFilterScheduler(ctx.db, ctx.config, {
    ...options,
    onDecision: (ms, hosts) => {
      options.onDecision?.(ms, hosts)
      ctx.logger.debug({ ms: Math.round(ms * 1000) / 1000, hosts }, 'scheduling decision')
    },
  })
  return ctx.bus.listen(
    { topic: SCHEDULER_TOPIC, server: options.server ?? hostname() },
    async (method, args) => {
      const a = (args ?? {}) as Record<string, unknown>
      switch (method) {
        case 'select_destinations': {
          const { spec, instanceUuids } = a as unknown as SelectDestinationsArgs
          if (!spec || !Array.isArray(instanceUuids))
            throw new BadRequestError('select_destinations needs {spec, instanceUuids}')
          const result = await scheduler.selectDestinations(spec, instanceUuids)
          return result as unknown as JsonValue
        }
        case 'record_build_failure':
          await recordBuildFailure(ctx, String(a['host']))
          return null
        case 'reset_build_failures':
          await resetBuildFailure(ctx, String(a['host']))
          return null
        default:
          throw new BadRequestError(`scheduler has no method ${method}`)
      }
    },
  )
}

/** One more recent build failure on `host` (BuildFailureWeigher). */
export async function recordBuildFailure(
  ctx: Pick<ComputeContext, 'db'>,
  host: string,
): Promise<void> {
  await bumpBuildFailures(ctx.db, host, new Date().toISOString())
}

/** A build succeeded on `host`: forget its failures. */
export async function resetBuildFailure(
  ctx: Pick<ComputeContext, 'db'>,
  host: string,
): Promise<void> {
  await resetBuildFailures(ctx.db, host)
}

export { createFilterScheduler, type FilterScheduler } from './filter-scheduler.js'
export { NoValidHostError, isNoValidHost, NO_VALID_HOST_MESSAGE } from './errors.js'
export type { HostState } from './host-state.js'
export type { HostFilter, HostFilterFactory } from './filters/index.js'
export type { HostWeigher } from './weighers/index.js'
