import { ConflictError, NotFoundError } from '../../common/errors.js'
import type { InstanceTable } from '../../db/compute-schema.js'
import type { Db } from '../../db/database.js'

/**
 * The conductor's reads and writes of instance rows (on behalf of compute
 * workers). Updates can be compare-and-swap on task_state, like Nova's
 * instance.save(expected_task_state=...).
 */
export async function loadInstance(db: Db, uuid: string): Promise<InstanceTable | undefined> {
  return db.selectFrom('instances').selectAll().where('uuid', '=', uuid).executeTakeFirst()
}

export async function requireInstance(db: Db, uuid: string): Promise<InstanceTable> {
  const row = await loadInstance(db, uuid)
  if (!row)
    throw new NotFoundError(`Instance ${uuid} could not be found.`, { type: 'InstanceNotFound' })
  return row
}

export type InstanceChanges = Partial<Omit<InstanceTable, 'uuid'>>

/**
 * Updates an instance. With `expectedTaskState` the write happens only when
 * task_state is still one of those values; otherwise ConflictError of type
 * UnexpectedTaskStateError (UnexpectedDeletingTaskStateError when it is being deleted).
 */
export async function saveInstance(
  db: Db,
  uuid: string,
  values: InstanceChanges,
  expectedTaskState?: ReadonlyArray<string | null>,
): Promise<InstanceTable> {
  const changes = { ...values, updated_at: new Date().toISOString() }
  let q = db.updateTable('instances').set(changes).where('uuid', '=', uuid)
  const named = (expectedTaskState ?? []).filter((s): s is string => s !== null)
  const allowNull = expectedTaskState?.includes(null) ?? false
  if (expectedTaskState !== undefined) {
    q = q.where((eb) =>
      eb.or([
        ...(named.length > 0 ? [eb('task_state', 'in', named)] : []),
        ...(allowNull ? [eb('task_state', 'is', null)] : []),
      ]),
    )
  }
  // An empty expectation list matches nothing, as in Nova.
  const matchesNothing = expectedTaskState !== undefined && named.length === 0 && !allowNull
  const updated = matchesNothing ? 0 : Number((await q.executeTakeFirst()).numUpdatedRows)
  if (updated === 0) {
    const cur = await requireInstance(db, uuid)
    const expected = JSON.stringify(expectedTaskState ?? [])
    const deleting = cur.task_state === 'deleting' || cur.deleted === 1
    throw new ConflictError(
      deleting
        ? `Conflict updating instance ${uuid}. Expected: {'task_state': ${expected}}. Actual: {'task_state': '${cur.task_state ?? 'None'}'}`
        : `Unexpected task state: expecting ${expected} but the actual state is ${cur.task_state ?? 'None'}`,
      { type: deleting ? 'UnexpectedDeletingTaskStateError' : 'UnexpectedTaskStateError' },
    )
  }
  return requireInstance(db, uuid)
}

/** Sets the fault shown on ERROR (Nova's instance_faults, newest only). */
export async function saveFault(
  db: Db,
  uuid: string,
  fault: { code: number; message: string; details?: string },
): Promise<void> {
  await db
    .updateTable('instances')
    .set({ fault: faultColumn(fault) })
    .where('uuid', '=', uuid)
    .execute()
}

/**
 * The instances.fault value; written in the same update as vm_state ERROR so
 * that no reader sees an ERROR server without its fault.
 */
export function faultColumn(fault: { code: number; message: string; details?: string }): string {
  return JSON.stringify({
    code: fault.code,
    message: fault.message,
    details: fault.details ?? '',
    created: new Date().toISOString(),
  })
}
