import type { AuthContext } from '../../../common/auth-context.js'
import { ConflictError } from '../../../common/errors.js'
import type { JsonValue } from '../../../bus/bus.js'
import type { InstanceTable } from '../../../db/compute-schema.js'
import {
  finishAction,
  finishEvent,
  startAction,
  startEvent,
} from '../../../db/repositories/compute/instance-actions.js'
import type { ComputeContext } from '../compute-context.js'
import { COMPUTE_TOPIC, type ComputeMethod, type ComputeMethods } from '../rpc.js'
import type { InstanceRow } from './instance-guard.js'

/** Who asked for an action: the caller and the API request (instance actions hang off it). */
export interface ActionCaller {
  readonly auth: AuthContext
  readonly requestId: string
}

export const nowIso = (): string => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z')

/** Nova's _record_action_start: one instance_actions row per API request. */
export async function recordAction(
  ctx: ComputeContext,
  inst: InstanceRow,
  caller: ActionCaller,
  action: string,
): Promise<void> {
  await startAction(ctx.db, {
    instanceUuid: inst.uuid,
    action,
    requestId: caller.requestId,
    userId: caller.auth.userId,
    projectId: caller.auth.project?.id ?? inst.project_id,
  })
}

/** An action the API carries out itself (lock, reset state): Nova's api_<name> event, finished at once. */
export async function recordApiAction(
  ctx: ComputeContext,
  inst: InstanceRow,
  caller: ActionCaller,
  action: string,
): Promise<void> {
  await recordAction(ctx, inst, caller, action)
  await startEvent(ctx.db, inst.uuid, caller.requestId, `api_${action}`)
  await finishEvent(ctx.db, inst.uuid, caller.requestId, `api_${action}`, 'Success')
  await finishAction(ctx.db, inst.uuid, caller.requestId)
}

type InstanceValues = Partial<Omit<InstanceTable, 'uuid'>>

/**
 * instance.save(expected_task_state=...): updates only while task_state is
 * one of `expected`, so two racing actions cannot both start.
 */
export async function saveExpecting(
  ctx: ComputeContext,
  inst: InstanceRow,
  values: InstanceValues,
  expected: ReadonlyArray<string | null>,
): Promise<InstanceRow> {
  const named = expected.filter((s): s is string => s !== null)
  const allowNull = expected.includes(null)
  const res = await ctx.db
    .updateTable('instances')
    .set({ ...values, updated_at: nowIso() })
    .where('uuid', '=', inst.uuid)
    .where('deleted', '=', 0)
    .where((eb) => {
      const ors = []
      if (named.length > 0) ors.push(eb('task_state', 'in', named))
      if (allowNull) ors.push(eb('task_state', 'is', null))
      return ors.length > 0 ? eb.or(ors) : eb.val(false)
    })
    .executeTakeFirst()
  if (Number(res.numUpdatedRows) === 0) {
    const now = await ctx.db
      .selectFrom('instances')
      .select('task_state')
      .where('uuid', '=', inst.uuid)
      .executeTakeFirst()
    throw new ConflictError(
      `Conflict updating instance ${inst.uuid}. Expected: {'task_state': [${expected
        .map((s) => (s === null ? 'None' : `'${s}'`))
        .join(
          ', ',
        )}]}. Actual: {'task_state': ${now?.task_state == null ? 'None' : `'${now.task_state}'`}}`,
    )
  }
  return { ...inst, ...values }
}

/** Plain update (no task_state expectation): lock, reset state, ... */
export async function saveInstance(
  ctx: ComputeContext,
  inst: InstanceRow,
  values: InstanceValues,
): Promise<InstanceRow> {
  await ctx.db
    .updateTable('instances')
    .set({ ...values, updated_at: nowIso() })
    .where('uuid', '=', inst.uuid)
    .execute()
  return { ...inst, ...values }
}

/** Casts a compute.<host> method (fire and forget; the worker reports through the conductor). */
export async function castCompute<M extends ComputeMethod>(
  ctx: ComputeContext,
  host: string,
  method: M,
  args: ComputeMethods[M],
): Promise<void> {
  await ctx.bus.cast({ topic: COMPUTE_TOPIC, server: host }, method, args as unknown as JsonValue)
}

/** Calls a compute.<host> method and waits for its answer (console output, remote consoles). */
export async function callCompute<M extends ComputeMethod>(
  ctx: ComputeContext,
  host: string,
  method: M,
  args: ComputeMethods[M],
  timeoutMs = 30000,
): Promise<JsonValue | undefined> {
  return ctx.bus.call(
    { topic: COMPUTE_TOPIC, server: host },
    method,
    args as unknown as JsonValue,
    {
      timeoutMs,
    },
  )
}
