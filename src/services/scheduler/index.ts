import type { Subscription } from '../../bus/bus.js'
import type { ComputeContext } from '../compute/compute-context.js'
import type { RequestSpec, Selection } from '../compute/rpc.js'

/**
 * The scheduler (owned by the placement/scheduler work). `select_destinations`
 * on topic `scheduler` answers, for each instance uuid, [primary, ...alternates]
 * with the primary's allocation already claimed in placement for that uuid;
 * throws NoValidHost (ConflictError-like, see errors) when nothing fits.
 */
export interface SelectDestinationsArgs {
  readonly spec: RequestSpec
  readonly instanceUuids: readonly string[]
}
export type SelectDestinationsResult = Selection[][]

/** Listens on topic `scheduler` (select_destinations). */
export async function startScheduler(_ctx: ComputeContext): Promise<Subscription> {
  return { async close() {} }
}
