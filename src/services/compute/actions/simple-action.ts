import type { ComputeContext } from '../compute-context.js'
import type { ComputeMethod, ComputeMethods } from '../rpc.js'
import { castCompute, recordAction, saveExpecting, type ActionCaller } from './action-start.js'
import {
  checkHost,
  checkLock,
  checkState,
  loadInstance,
  type InstanceRow,
  type StateRule,
} from './instance-guard.js'

/** An action that is: checks, task_state CAS, instance-action record, one cast to the instance's host. */
export interface SimpleAction<M extends ComputeMethod> {
  /** Name in the API's 409 messages ("Cannot 'pause' instance ..."). */
  readonly api: string
  /** instance_actions.action (nova/compute/instance_actions.py). */
  readonly record: string
  readonly rule: StateRule
  /** Set while the worker runs. */
  readonly taskState: string
  readonly expected?: ReadonlyArray<string | null>
  readonly method: M
  /** Skip check_instance_lock (stop/trigger_crash_dump still check it in Nova; lock/unlock do not). */
  readonly ignoreLock?: boolean
}

/** Runs a SimpleAction against server `id`: Nova's compute/api.py order (lock, host, state). */
export async function runSimpleAction<M extends ComputeMethod>(
  ctx: ComputeContext,
  caller: ActionCaller,
  id: string,
  spec: SimpleAction<M>,
  extra: Omit<ComputeMethods[M], 'instanceUuid' | 'requestId'>,
): Promise<InstanceRow> {
  const inst = await loadInstance(ctx, caller.auth, id)
  return startSimpleAction(ctx, caller, inst, spec, extra)
}

export async function startSimpleAction<M extends ComputeMethod>(
  ctx: ComputeContext,
  caller: ActionCaller,
  inst: InstanceRow,
  spec: SimpleAction<M>,
  extra: Omit<ComputeMethods[M], 'instanceUuid' | 'requestId'>,
): Promise<InstanceRow> {
  if (!spec.ignoreLock) checkLock(caller.auth, inst)
  const host = checkHost(inst)
  checkState(inst, spec.api, spec.rule)
  const saved = await saveExpecting(
    ctx,
    inst,
    { task_state: spec.taskState },
    spec.expected ?? [null],
  )
  await recordAction(ctx, inst, caller, spec.record)
  await castCompute(ctx, host, spec.method, {
    ...extra,
    instanceUuid: inst.uuid,
    requestId: caller.requestId,
  } as ComputeMethods[M])
  return saved
}
