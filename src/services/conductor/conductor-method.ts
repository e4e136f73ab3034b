import type { JsonValue } from '../../bus/bus.js'
import type { ComputeContext } from '../compute/compute-context.js'

/** What conductor methods run with: the compute context of this process plus its host name. */
export interface ConductorContext extends ComputeContext {
  /** Host name of this conductor (service rows, instance-action event hosts). */
  readonly conductorHost: string
}

/** One method of topic `conductor`; `args` is the JSON the caller sent. */
export type ConductorMethod = (
  c: ConductorContext,
  args: JsonValue,
) => Promise<JsonValue | undefined>

export type ConductorMethods = Readonly<Record<string, ConductorMethod>>

/** Types a method's arguments (they are the caller's JSON, trusted inside the cloud). */
export function conductorMethod<A>(
  fn: (c: ConductorContext, args: A) => Promise<JsonValue | undefined | void>,
): ConductorMethod {
  return async (c, args) => (await fn(c, args as unknown as A)) ?? null
}
