import { CloudError, NotImplementedError } from '../../../common/errors.js'
import { finishAction } from '../../../db/repositories/compute/instance-actions.js'
import type { ComputeContext } from '../compute-context.js'
import { VmState } from '../states.js'
import { recordAction, saveInstance, type ActionCaller } from './action-start.js'
import { checkLock, checkState, loadInstance, requireAdmin } from './instance-guard.js'

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
 * changePassword: Nova's checks, then the driver call; no driver here can set
 * a guest password, so the answer is Nova's 501 for NotImplementedError.
 */
export async function changePassword(
  ctx: ComputeContext,
  caller: ActionCaller,
  id: string,
): Promise<never> {
  const inst = await loadInstance(ctx, caller.auth, id)
  checkLock(caller.auth, inst)
  checkState(inst, 'changePassword', { vm: [VmState.ACTIVE] })
  throw new NotImplementedError('Unable to set password on instance')
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
