import { VmState } from '../compute/states.js'
import type { ConductorContext } from './conductor-method.js'
import { finishActionEvent } from './instance-actions.js'
import { faultColumn, saveInstance } from './instance-store.js'

/** Nova's NoValidHost text (nova/exception.py). */
export function noValidHostMessage(reason: string): string {
  const r = reason.replace(/^No valid host was found\.\s*/, '')
  return `No valid host was found. ${r}`.trimEnd()
}

/** Nova's MaxRetriesExceeded text. */
export function maxRetriesMessage(uuid: string): string {
  return `Exceeded maximum number of retries. Exhausted all hosts available for retrying build failures for instance ${uuid}.`
}

/**
 * Puts a server that could not be built into ERROR with its fault (Nova's
 * _set_vm_state_and_notify): vm_state error, task_state none, not on any host.
 */
export async function failBuild(
  c: ConductorContext,
  uuid: string,
  requestId: string,
  /** Event to finish with Error; undefined when the failing party already recorded it. */
  event: string | undefined,
  fault: { code: number; message: string; details?: string },
): Promise<void> {
  // The event first, then ERROR with its fault in one write: whoever sees the server in
  // ERROR (the API, a test polling it) finds the fault and the finished event too.
  if (event !== undefined)
    await finishActionEvent(
      c.db,
      uuid,
      requestId,
      event,
      'Error',
      c.conductorHost,
      fault.details ?? fault.message,
    )
  await saveInstance(c.db, uuid, {
    vm_state: VmState.ERROR,
    task_state: null,
    host: null,
    node: null,
    fault: faultColumn(fault),
  })
}
