import { isAdmin, type AuthContext } from '../../../common/auth-context.js'
import { ConflictError, ForbiddenError, NotFoundError } from '../../../common/errors.js'
import type { InstanceTable } from '../../../db/compute-schema.js'
import type { ComputeContext } from '../compute-context.js'

export type InstanceRow = InstanceTable

/**
 * Loads a live instance the caller may act on: admins see every project,
 * everyone else only their own (Nova answers 404, not 403, for others').
 */
export async function loadInstance(
  ctx: ComputeContext,
  auth: AuthContext,
  id: string,
): Promise<InstanceRow> {
  const row = await ctx.db
    .selectFrom('instances')
    .selectAll()
    .where('uuid', '=', id)
    .where('deleted', '=', 0)
    .executeTakeFirst()
  if (!row || (!isAdmin(auth) && row.project_id !== auth.project?.id))
    throw new NotFoundError(`Instance ${id} could not be found.`)
  return row
}

/** Allowed states of an action, as nova/compute/api.py check_instance_state lists them. */
export interface StateRule {
  /** vm_states the action accepts (undefined: any). */
  readonly vm?: readonly string[]
  /** task_states the action accepts; Nova's default is [None]; 'any' skips the check. */
  readonly task?: ReadonlyArray<string | null> | 'any'
  /** Nova's must_have_launched (default true): never-launched instances are refused. */
  readonly mustHaveLaunched?: boolean
}

/**
 * The 409 Nova renders for InstanceInvalidState
 * (raise_http_conflict_for_instance_invalid_state).
 */
export function checkState(inst: InstanceRow, action: string, rule: StateRule): void {
  const task = rule.task ?? [null]
  if (rule.vm && !rule.vm.includes(inst.vm_state))
    throw invalidState(action, inst.uuid, 'vm_state', inst.vm_state)
  if (task !== 'any' && !task.includes(inst.task_state))
    throw invalidState(action, inst.uuid, 'task_state', String(inst.task_state))
  if ((rule.mustHaveLaunched ?? true) && !inst.launched_at)
    throw invalidState(action, inst.uuid, 'launched_at', 'None')
}

export function invalidState(
  action: string,
  uuid: string,
  attr: string,
  state: string,
): ConflictError {
  return new ConflictError(`Cannot '${action}' instance ${uuid} while it is in ${attr} ${state}`)
}

/** check_instance_lock: a locked instance only takes actions from admins. */
export function checkLock(auth: AuthContext, inst: InstanceRow): void {
  if (inst.locked === 1 && !isAdmin(auth))
    throw new ConflictError(`Instance ${inst.uuid} is locked`)
}

/** check_instance_host: the instance must be on a host (InstanceNotReady → 409). */
export function checkHost(inst: InstanceRow): string {
  if (!inst.host) throw new ConflictError(`Instance ${inst.uuid} is not ready`)
  return inst.host
}

/** Admin-only actions (policy rule:admin_api). */
export function requireAdmin(auth: AuthContext, rule: string): void {
  if (!isAdmin(auth)) throw new ForbiddenError(`Policy doesn't allow ${rule} to be performed.`)
}
