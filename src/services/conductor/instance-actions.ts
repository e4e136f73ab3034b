import type { Db } from '../../db/database.js'
import { requireInstance } from './instance-store.js'

/** Nova's action name for an event recorded without an action row (the API normally creates it). */
function actionOfEvent(event: string): string {
  if (event.includes('build_and_run') || event.includes('schedule_and_build')) return 'create'
  if (event.includes('terminate')) return 'delete'
  return event.replace(/^(compute|conductor)_+/, '').replace(/_instance$/, '')
}

async function actionId(db: Db, uuid: string, requestId: string, event: string): Promise<number> {
  const found = await db
    .selectFrom('instance_actions')
    .select('id')
    .where('instance_uuid', '=', uuid)
    .where('request_id', '=', requestId)
    .orderBy('id', 'desc')
    .executeTakeFirst()
  if (found) return found.id
  const inst = await requireInstance(db, uuid)
  const now = new Date().toISOString()
  const row = await db
    .insertInto('instance_actions')
    .values({
      action: actionOfEvent(event),
      instance_uuid: uuid,
      request_id: requestId,
      user_id: inst.user_id,
      project_id: inst.project_id,
      start_time: now,
      finish_time: null,
      message: null,
      updated_at: now,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  return row.id
}

/** Starts an instance-action event ("compute__do_build_and_run_instance") of the request's action. */
export async function startActionEvent(
  db: Db,
  uuid: string,
  requestId: string,
  event: string,
  host: string | null,
): Promise<void> {
  const id = await actionId(db, uuid, requestId, event)
  await db
    .insertInto('instance_action_events')
    .values({
      action_id: id,
      event,
      start_time: new Date().toISOString(),
      finish_time: null,
      result: null,
      traceback: null,
      host,
      details: null,
    })
    .execute()
}

/**
 * Finishes the newest open event of that name (starting it first when it never
 * started). An Error result marks the action's message 'Error', as Nova does.
 */
export async function finishActionEvent(
  db: Db,
  uuid: string,
  requestId: string,
  event: string,
  result: 'Success' | 'Error',
  host: string | null,
  traceback?: string,
  details?: string,
): Promise<void> {
  const id = await actionId(db, uuid, requestId, event)
  let open = await db
    .selectFrom('instance_action_events')
    .select('id')
    .where('action_id', '=', id)
    .where('event', '=', event)
    .where('finish_time', 'is', null)
    .orderBy('id', 'desc')
    .executeTakeFirst()
  if (!open) {
    await startActionEvent(db, uuid, requestId, event, host)
    open = await db
      .selectFrom('instance_action_events')
      .select('id')
      .where('action_id', '=', id)
      .where('event', '=', event)
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow()
  }
  const now = new Date().toISOString()
  await db
    .updateTable('instance_action_events')
    .set({ finish_time: now, result, traceback: traceback ?? null, details: details ?? null })
    .where('id', '=', open.id)
    .execute()
  await db
    .updateTable('instance_actions')
    .set({ updated_at: now, ...(result === 'Error' ? { message: 'Error' } : {}) })
    .where('id', '=', id)
    .execute()
}
