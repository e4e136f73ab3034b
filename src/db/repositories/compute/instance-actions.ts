import type { Selectable } from 'kysely'
import type { InstanceActionEventTable, InstanceActionTable } from '../../compute-schema.js'
import type { Db } from '../../database.js'

export type InstanceActionRow = Selectable<InstanceActionTable>
export type InstanceActionEventRow = Selectable<InstanceActionEventTable>

export interface StartAction {
  readonly instanceUuid: string
  /** Nova's action names: create, delete, reboot, stop, start, resize, ... */
  readonly action: string
  readonly requestId: string
  readonly userId: string
  readonly projectId: string
  readonly message?: string | null
}

/** Records the start of an action on an instance (os-instance-actions); returns its row id. */
export async function startAction(
  db: Db,
  a: StartAction,
  now = new Date().toISOString(),
): Promise<number> {
  const r = await db
    .insertInto('instance_actions')
    .values({
      action: a.action,
      instance_uuid: a.instanceUuid,
      request_id: a.requestId,
      user_id: a.userId,
      project_id: a.projectId,
      start_time: now,
      finish_time: null,
      message: a.message ?? null,
      updated_at: now,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  return r.id
}

async function actionByRequest(
  db: Db,
  instanceUuid: string,
  requestId: string,
): Promise<InstanceActionRow | undefined> {
  return db
    .selectFrom('instance_actions')
    .selectAll()
    .where('instance_uuid', '=', instanceUuid)
    .where('request_id', '=', requestId)
    .orderBy('id', 'desc')
    .executeTakeFirst()
}

/** Marks the action of (instance, request) finished; `message` is 'Error' on failure as in Nova. */
export async function finishAction(
  db: Db,
  instanceUuid: string,
  requestId: string,
  message: string | null = null,
  now = new Date().toISOString(),
): Promise<void> {
  await db
    .updateTable('instance_actions')
    .set({ finish_time: now, updated_at: now, ...(message !== null ? { message } : {}) })
    .where('instance_uuid', '=', instanceUuid)
    .where('request_id', '=', requestId)
    .execute()
}

/**
 * Starts an event (e.g. compute__do_build_and_run_instance) under the action of
 * (instance, request); returns the event id, or undefined when no such action exists.
 */
export async function startEvent(
  db: Db,
  instanceUuid: string,
  requestId: string,
  event: string,
  host: string | null = null,
  now = new Date().toISOString(),
): Promise<number | undefined> {
  const action = await actionByRequest(db, instanceUuid, requestId)
  if (!action) return undefined
  const r = await db
    .insertInto('instance_action_events')
    .values({
      action_id: action.id,
      event,
      start_time: now,
      finish_time: null,
      result: null,
      traceback: null,
      host,
      details: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  await db
    .updateTable('instance_actions')
    .set({ updated_at: now })
    .where('id', '=', action.id)
    .execute()
  return r.id
}

/**
 * Finishes the latest unfinished event of that name; result 'Success' or
 * 'Error' (then the action's message becomes 'Error', as Nova does).
 */
export async function finishEvent(
  db: Db,
  instanceUuid: string,
  requestId: string,
  event: string,
  result: 'Success' | 'Error',
  failure: { traceback?: string; details?: string } = {},
  now = new Date().toISOString(),
): Promise<void> {
  const action = await actionByRequest(db, instanceUuid, requestId)
  if (!action) return
  const ev = await db
    .selectFrom('instance_action_events')
    .select('id')
    .where('action_id', '=', action.id)
    .where('event', '=', event)
    .orderBy('id', 'desc')
    .executeTakeFirst()
  if (ev)
    await db
      .updateTable('instance_action_events')
      .set({
        finish_time: now,
        result,
        traceback: failure.traceback ?? null,
        details: failure.details ?? null,
      })
      .where('id', '=', ev.id)
      .execute()
  await db
    .updateTable('instance_actions')
    .set({ updated_at: now, ...(result === 'Error' ? { message: 'Error' } : {}) })
    .where('id', '=', action.id)
    .execute()
}

/** Actions of an instance, newest first (Nova orders by created_at desc). */
export async function listActions(db: Db, instanceUuid: string): Promise<InstanceActionRow[]> {
  return db
    .selectFrom('instance_actions')
    .selectAll()
    .where('instance_uuid', '=', instanceUuid)
    .orderBy('start_time', 'desc')
    .orderBy('id', 'desc')
    .execute()
}

/** One action by request id, with its events (oldest first). */
export async function getAction(
  db: Db,
  instanceUuid: string,
  requestId: string,
): Promise<{ action: InstanceActionRow; events: InstanceActionEventRow[] } | undefined> {
  const action = await actionByRequest(db, instanceUuid, requestId)
  if (!action) return undefined
  const events = await db
    .selectFrom('instance_action_events')
    .selectAll()
    .where('action_id', '=', action.id)
    .orderBy('start_time', 'asc')
    .orderBy('id', 'asc')
    .execute()
  return { action, events }
}
