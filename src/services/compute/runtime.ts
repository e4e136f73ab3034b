import type { Logger } from 'pino'
import type { ComputeContext } from './compute-context.js'

export interface ComputeRuntimeOptions {
  readonly ctx: ComputeContext
  readonly logger: Logger
  /** Run the conductor and scheduler in this process. */
  readonly conductor: boolean
  /** Run compute workers for `[compute] compute_driver` in this process. */
  readonly workers: boolean
}

export interface ComputeRuntime {
  close(): Promise<void>
}

/**
 * Starts the background parts of compute in this process: conductor, scheduler
 * and compute workers (owned by the boot-path work).
 */
export async function startComputeRuntime(
  _options: ComputeRuntimeOptions,
): Promise<ComputeRuntime> {
  return { async close() {} }
}
