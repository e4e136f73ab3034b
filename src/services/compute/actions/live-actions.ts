import { BadRequestError, NotFoundError } from '../../../common/errors.js'
import type { ComputeContext } from '../compute-context.js'
import { CONDUCTOR_TOPIC } from '../rpc.js'
import { TaskState, VmState } from '../states.js'
import { recordAction, saveExpecting, type ActionCaller } from './action-start.js'
import { checkHost, checkLock, checkState, loadInstance } from './instance-guard.js'
import { callConductor } from './move-actions.js'
import { computeHostExists, computeServiceIsUp } from './service-state.js'

/** os-migrateLive: ACTIVE/PAUSED, task_state migrating, the conductor picks or claims the host. */
export async function liveMigrate(
  ctx: ComputeContext,
  caller: ActionCaller,
  id: string,
  options: { host: string | null; force: boolean; async: boolean },
): Promise<void> {
  const inst = await loadInstance(ctx, caller.auth, id)
  checkLock(caller.auth, inst)
  checkState(inst, 'os-migrateLive', { vm: [VmState.ACTIVE, VmState.PAUSED] })
  checkHost(inst)
  if (options.host !== null && !(await computeHostExists(ctx, options.host)))
    throw new BadRequestError(`Compute host ${options.host} could not be found.`)
  if (options.host !== null && options.host === inst.host)
    throw new BadRequestError(
      `Unable to migrate instance (${inst.uuid}) to current host (${inst.host}).`,
    )
  await saveExpecting(ctx, inst, { task_state: TaskState.MIGRATING }, [null])
  await recordAction(ctx, inst, caller, 'live-migration')
  const args = {
    instanceUuid: inst.uuid,
    requestId: caller.requestId,
    ...(options.host !== null ? { host: options.host } : {}),
    force: options.force,
  }
  if (options.async) {
    await ctx.bus.cast({ topic: CONDUCTOR_TOPIC }, 'live_migrate_instance', args)
    return
  }
  await callConductor(ctx, 'live_migrate_instance', args)
}

/**
 * evacuate: admin; the source's compute service must be down (400
 * ComputeServiceInUse as Nova), then the conductor rebuilds it elsewhere.
 */
export async function evacuate(
  ctx: ComputeContext,
  caller: ActionCaller,
  id: string,
  options: { host?: string; force: boolean; adminPass?: string },
): Promise<void> {
  const inst = await loadInstance(ctx, caller.auth, id)
  if (options.host !== undefined && !(await computeHostExists(ctx, options.host)))
    throw new NotFoundError(`Compute host ${options.host} not found.`)
  if (options.host !== undefined && inst.host === options.host)
    throw new BadRequestError("The target host can't be the same one.")
  checkState(inst, 'evacuate', { vm: [VmState.ACTIVE, VmState.STOPPED, VmState.ERROR] })
  const host = checkHost(inst)
  if (await computeServiceIsUp(ctx, host))
    throw new BadRequestError(`Compute service of ${host} is still in use.`)
  await saveExpecting(ctx, inst, { task_state: TaskState.REBUILDING }, [null])
  await recordAction(ctx, inst, caller, 'evacuate')
  await ctx.bus.cast({ topic: CONDUCTOR_TOPIC }, 'evacuate_instance', {
    instanceUuid: inst.uuid,
    requestId: caller.requestId,
    force: options.force,
    ...(options.host !== undefined ? { host: options.host } : {}),
    ...(options.adminPass !== undefined ? { adminPass: options.adminPass } : {}),
  })
}
