import { ConflictError } from '../../../common/errors.js'
import type { ComputeContext } from '../compute-context.js'
import { checkZone } from '../servers-create-placement.js'
import { CONDUCTOR_TOPIC } from '../rpc.js'
import { TaskState, VmState } from '../states.js'
import { castCompute, recordAction, saveExpecting, type ActionCaller } from './action-start.js'
import { checkHost, checkLock, checkState, loadInstance } from './instance-guard.js'
import { SNAPSHOT_STATES } from './image-actions.js'
import { createSnapshotImage } from './snapshot-image.js'

/** shelve: snapshot "<name>-shelved", power off, then offload (shelved_offload_time 0). */
export async function shelveServer(
  ctx: ComputeContext,
  caller: ActionCaller,
  id: string,
): Promise<void> {
  const inst = await loadInstance(ctx, caller.auth, id)
  checkLock(caller.auth, inst)
  checkState(inst, 'shelve', { vm: SNAPSHOT_STATES })
  const host = checkHost(inst)
  const imageId = await createSnapshotImage(
    ctx,
    caller.auth,
    inst,
    `${inst.display_name}-shelved`,
    'snapshot',
    {},
  )
  await saveExpecting(ctx, inst, { task_state: TaskState.SHELVING }, [null])
  await recordAction(ctx, inst, caller, 'shelve')
  await castCompute(ctx, host, 'shelve_instance', {
    instanceUuid: inst.uuid,
    requestId: caller.requestId,
    imageId,
  })
}

/** shelveOffload: a SHELVED server leaves its host. */
export async function shelveOffloadServer(
  ctx: ComputeContext,
  caller: ActionCaller,
  id: string,
): Promise<void> {
  const inst = await loadInstance(ctx, caller.auth, id)
  checkLock(caller.auth, inst)
  checkState(inst, 'shelveOffload', { vm: [VmState.SHELVED] })
  const host = checkHost(inst)
  await saveExpecting(ctx, inst, { task_state: TaskState.SHELVING_OFFLOADING }, [null])
  await recordAction(ctx, inst, caller, 'shelveOffload')
  await castCompute(ctx, host, 'shelve_instance', {
    instanceUuid: inst.uuid,
    requestId: caller.requestId,
  })
}

/** unshelve: on its host when only SHELVED, else scheduled anew by the conductor. */
export async function unshelveServer(
  ctx: ComputeContext,
  caller: ActionCaller,
  id: string,
  options: { availabilityZone?: string | null } = {},
): Promise<void> {
  const inst = await loadInstance(ctx, caller.auth, id)
  checkLock(caller.auth, inst)
  checkState(inst, 'unshelve', { vm: [VmState.SHELVED, VmState.SHELVED_OFFLOADED] })
  const az = options.availabilityZone
  let spec: string | undefined
  if (az !== undefined) {
    // 2.77: only an offloaded server goes through the scheduler again, so only
    // it can change zone; the zone is kept in its request spec for that.
    if (inst.vm_state !== VmState.SHELVED_OFFLOADED)
      throw new ConflictError(
        `Specifying an availability zone or a host when unshelving server "${inst.uuid}" with status "${inst.vm_state}" is not supported. The server status must be SHELVED_OFFLOADED.`,
      )
    if (az !== null) await checkZone(ctx, az)
    const rs = JSON.parse(inst.request_spec || '{}') as Record<string, unknown>
    if (az === null) delete rs['availabilityZone']
    else rs['availabilityZone'] = az
    spec = JSON.stringify(rs)
  }
  await saveExpecting(
    ctx,
    inst,
    { task_state: TaskState.UNSHELVING, ...(spec !== undefined ? { request_spec: spec } : {}) },
    [null],
  )
  await recordAction(ctx, inst, caller, 'unshelve')
  const msg = { instanceUuid: inst.uuid, requestId: caller.requestId }
  if (inst.vm_state === VmState.SHELVED && inst.host)
    await castCompute(ctx, inst.host, 'unshelve_instance', msg)
  else await ctx.bus.cast({ topic: CONDUCTOR_TOPIC }, 'unshelve_instance', msg)
}
