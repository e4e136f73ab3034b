import { isAdmin } from '../../../common/auth-context.js'
import { ForbiddenError } from '../../../common/errors.js'
import type { ComputeContext } from '../compute-context.js'
import { recordApiAction, saveInstance, type ActionCaller } from './action-start.js'
import { loadInstance } from './instance-guard.js'

/** Nova's compute API lock(): owners lock as 'owner', anyone else (admins) as 'admin'. */
export async function lockServer(
  ctx: ComputeContext,
  caller: ActionCaller,
  id: string,
  reason: string | null = null,
): Promise<void> {
  const inst = await loadInstance(ctx, caller.auth, id)
  const isOwner = inst.project_id === caller.auth.project?.id
  // An owner re-locking changes nothing (and must not take over an admin lock).
  if (inst.locked === 1 && isOwner) return
  await recordApiAction(ctx, inst, caller, 'lock')
  await saveInstance(ctx, inst, {
    locked: 1,
    locked_by: isOwner ? 'owner' : 'admin',
    locked_reason: reason,
  })
}

/** unlock; an owner cannot lift an admin's lock (policy unlock:unlock_override is admin-only). */
export async function unlockServer(
  ctx: ComputeContext,
  caller: ActionCaller,
  id: string,
): Promise<void> {
  const inst = await loadInstance(ctx, caller.auth, id)
  const isOwner = inst.project_id === caller.auth.project?.id
  const expected = isOwner ? 'owner' : 'admin'
  if (inst.locked_by && inst.locked_by !== expected && !isAdmin(caller.auth))
    throw new ForbiddenError(
      "Policy doesn't allow os_compute_api:os-lock-server:unlock:unlock_override to be performed.",
    )
  await recordApiAction(ctx, inst, caller, 'unlock')
  await saveInstance(ctx, inst, { locked: 0, locked_by: null, locked_reason: null })
}
