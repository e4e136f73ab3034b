import type { InstanceSpec } from '../../../../virt/driver.js'
import type { InstanceMessage } from '../../rpc.js'
import type { InstanceRecord, WorkerContext } from '../worker-context.js'

export const nowIso = (): string => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z')

export interface ActionFailure {
  /** Columns written when the action fails (task_state is always reset). */
  readonly values?: Partial<Omit<InstanceRecord, 'uuid'>>
  /** Rethrow after recording (for calls, whose caller wants the error). */
  readonly rethrow?: boolean
}

/**
 * One worker-side action in Nova's decorators' terms: the instance-action
 * event around it (wrap_instance_event), and on failure the fault
 * (wrap_instance_fault) and task_state back to None (reverts_task_state).
 */
export async function runWorkerAction<T>(
  w: WorkerContext,
  msg: InstanceMessage,
  event: string,
  body: (spec: InstanceSpec) => Promise<T>,
  failure: ActionFailure = {},
): Promise<T | undefined> {
  const uuid = msg.instanceUuid
  await w.conductor.startEvent(uuid, msg.requestId, event)
  try {
    const spec = await w.conductor.instanceSpec(uuid)
    const out = await body(spec)
    await w.conductor.finishEvent(uuid, msg.requestId, event, 'Success')
    return out
  } catch (err) {
    const e = err instanceof Error ? err : new Error(String(err))
    w.logger.warn({ err: e, instance: uuid, event }, 'server action failed')
    await recordFailure(w, msg, event, e, failure)
    if (failure.rethrow) throw e
    return undefined
  }
}

async function recordFailure(
  w: WorkerContext,
  msg: InstanceMessage,
  event: string,
  e: Error,
  failure: ActionFailure,
): Promise<void> {
  const uuid = msg.instanceUuid
  // Best effort each: the instance may be gone, the conductor may be busy.
  // Fault and event first, task_state last (Nova's decorator order): whoever
  // sees the task cleared also sees why it failed.
  const status = (e as { status?: unknown }).status
  await w.conductor
    .setFault(uuid, {
      code: typeof status === 'number' ? status : 500,
      message: e.message,
      ...(e.stack !== undefined ? { details: e.stack } : {}),
    })
    .catch(() => undefined)
  await w.conductor
    .finishEvent(uuid, msg.requestId, event, 'Error', e.stack ?? e.message)
    .catch(() => undefined)
  await w.conductor
    .updateInstance(uuid, { task_state: null, ...(failure.values ?? {}) })
    .catch(() => undefined)
}
