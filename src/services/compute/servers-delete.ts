import { isAdmin, type AuthContext } from '../../common/auth-context.js'
import { ConflictError } from '../../common/errors.js'
import { startAction } from '../../db/repositories/compute/instance-actions.js'
import {
  getInstance,
  markInstanceDeleted,
  updateInstance,
  type InstanceRow,
} from '../../db/repositories/compute/instances.js'
import { deleteInstanceAllocations } from '../placement/index.js'
import type { ComputeContext } from './compute-context.js'
import { COMPUTE_TOPIC, CONDUCTOR_TOPIC } from './rpc.js'
import { visibleInstance } from './servers-lookup.js'
import { TaskState } from './states.js'

/** True when the nova-compute service of `host` reported within service_down_time. */
async function computeIsUp(ctx: ComputeContext, host: string): Promise<boolean> {
  const svc = await ctx.db
    .selectFrom('compute_services')
    .select(['last_seen_up', 'updated_at', 'forced_down'])
    .where('host', '=', host)
    .where('binary', '=', 'nova-compute')
    .executeTakeFirst()
  if (!svc || svc.forced_down === 1) return false
  const seen = Date.parse(svc.last_seen_up ?? svc.updated_at)
  return Date.now() - seen <= ctx.config.compute.service_down_time * 1000
}

/**
 * Nova's _local_delete for a server on no (live) host: the conductor frees
 * its ports and allocations and marks it deleted; when no conductor answers,
 * the API does the database part itself so the server does not linger.
 */
async function localDelete(
  ctx: ComputeContext,
  inst: InstanceRow,
  requestId: string,
): Promise<void> {
  try {
    await ctx.bus.call(
      { topic: CONDUCTOR_TOPIC },
      'local_delete',
      { instanceUuid: inst.uuid, requestId },
      { timeoutMs: 30_000 },
    )
  } catch (err) {
    ctx.logger.warn(
      { err: String(err), instance: inst.uuid },
      'conductor local_delete failed; deleting in the API',
    )
  }
  const after = await getInstance(ctx.db, inst.uuid)
  if (after && after.deleted === 0) {
    await deleteInstanceAllocations(ctx.db, inst.uuid)
    await markInstanceDeleted(ctx.db, inst.uuid, new Date().toISOString())
  }
}

/**
 * DELETE /servers/{id} (Nova's API.delete): refuses locked servers for
 * non-admins, records the 'delete' action, moves the server to
 * task_state deleting and has its compute host terminate it, or deletes it
 * locally when it is on no host that is up.
 */
export async function deleteServer(
  ctx: ComputeContext,
  auth: AuthContext,
  uuid: string,
  requestId: string,
): Promise<void> {
  const inst = await visibleInstance(ctx, auth, uuid)
  if (inst.locked === 1 && !isAdmin(auth)) throw new ConflictError(`Instance ${uuid} is locked`)
  await startAction(ctx.db, {
    instanceUuid: uuid,
    action: 'delete',
    requestId,
    userId: auth.userId,
    projectId: auth.project?.id ?? inst.project_id,
  })
  await updateInstance(ctx.db, uuid, { task_state: TaskState.DELETING })
  const current = (await getInstance(ctx.db, uuid)) ?? inst
  if (current.host && (await computeIsUp(ctx, current.host))) {
    await ctx.bus.cast({ topic: COMPUTE_TOPIC, server: current.host }, 'terminate_instance', {
      instanceUuid: uuid,
      requestId,
    })
    return
  }
  await localDelete(ctx, current, requestId)
}
