import { CloudError, ConflictError, NotImplementedError } from '../../../common/errors.js'
import { finishAction } from '../../../db/repositories/compute/instance-actions.js'
import type { ComputeContext } from '../compute-context.js'
import { TaskState, VmState } from '../states.js'
import {
  callCompute,
  recordAction,
  saveExpecting,
  saveInstance,
  type ActionCaller,
} from './action-start.js'
import { checkHost, checkLock, checkState, loadInstance, requireAdmin } from './instance-guard.js'

/** 410 Gone (Nova's fault name for it is computeFault). */
export class GoneError extends CloudError {
  readonly status = 410
  readonly code: string = 'NUBIS_GONE'
}

/** os-resetState: admin sets vm_state active|error and clears task_state. */
export async function resetState(
  ctx: ComputeContext,
  caller: ActionCaller,
  id: string,
  state: 'active' | 'error',
): Promise<void> {
  const inst = await loadInstance(ctx, caller.auth, id)
  requireAdmin(caller.auth, 'os_compute_api:os-admin-actions:reset_state')
  await recordAction(ctx, inst, caller, 'resetState')
  await saveInstance(ctx, inst, {
    vm_state: state === 'active' ? VmState.ACTIVE : VmState.ERROR,
    task_state: null,
  })
  await finishAction(ctx.db, inst.uuid, caller.requestId)
}

/**
 * injectNetworkInfo: admin; Nova casts inject_network_info, which only the
 * Xen driver ever acted on, so accepting it is all there is to do.
 */
export async function injectNetworkInfo(
  ctx: ComputeContext,
  caller: ActionCaller,
  id: string,
): Promise<void> {
  const inst = await loadInstance(ctx, caller.auth, id)
  requireAdmin(caller.auth, 'os_compute_api:os-admin-actions:inject_network_info')
  checkLock(caller.auth, inst)
}

/**
 * changePassword: task_state updating_password, then a call to the compute
 * host, which asks the driver (Nova's set_admin_password is an RPC call, so
 * the API answers 202 only once the guest took it). A driver that cannot →
 * 501 as Nova; any other failure → 409 InstancePasswordSetFailed.
 */
export async function changePassword(
  ctx: ComputeContext,
  caller: ActionCaller,
  id: string,
  password: string,
): Promise<void> {
  const inst = await loadInstance(ctx, caller.auth, id)
  checkLock(caller.auth, inst)
  checkState(inst, 'changePassword', { vm: [VmState.ACTIVE] })
  const host = checkHost(inst)
  await saveExpecting(ctx, inst, { task_state: TaskState.UPDATING_PASSWORD }, [null])
  await recordAction(ctx, inst, caller, 'changePassword')
  try {
    await callCompute(ctx, host, 'set_admin_password', {
      instanceUuid: inst.uuid,
      requestId: caller.requestId,
      password,
    })
  } catch (err) {
    if (err instanceof NotImplementedError)
      throw new NotImplementedError('Unable to set password on instance')
    if (err instanceof CloudError && err.status === 503) throw err
    throw new ConflictError(
      `Failed to set admin password on ${inst.uuid} because ${err instanceof Error ? err.message : String(err)}`,
    )
  } finally {
    await finishAction(ctx.db, inst.uuid, caller.requestId)
  }
}

/** restore: only soft-deleted servers ([DEFAULT] reclaim_instance_interval is 0: there are none). */
export async function restoreServer(
  ctx: ComputeContext,
  caller: ActionCaller,
  id: string,
): Promise<never> {
  const inst = await loadInstance(ctx, caller.auth, id)
  checkLock(caller.auth, inst)
  checkState(inst, 'restore', { vm: [VmState.SOFT_DELETED] })
  throw new NotImplementedError('Deferred delete is not enabled: nothing to restore.')
}
