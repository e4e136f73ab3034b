import type { Db } from '../../database.js'
import { nowIso, parseJsonObject } from './rows.js'

/** A Glance task (api_image_import): pending → processing → success | failure. */
export interface TaskRecord {
  readonly id: string
  readonly type: string
  readonly status: string
  readonly owner: string | null
  readonly userId: string | null
  readonly requestId: string | null
  readonly imageId: string | null
  readonly input: Readonly<Record<string, unknown>>
  readonly result: Readonly<Record<string, unknown>> | null
  readonly message: string
  readonly createdAt: string
  readonly updatedAt: string
  readonly expiresAt: string | null
}

type Row = {
  id: string
  type: string
  status: string
  owner: string | null
  user_id: string | null
  request_id: string | null
  image_id: string | null
  input: string
  result: string | null
  message: string
  created_at: string
  updated_at: string
  expires_at: string | null
}

const toTask = (r: Row): TaskRecord => ({
  id: r.id,
  type: r.type,
  status: r.status,
  owner: r.owner,
  userId: r.user_id,
  requestId: r.request_id,
  imageId: r.image_id,
  input: parseJsonObject(r.input),
  result: r.result === null ? null : parseJsonObject(r.result),
  message: r.message,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  expiresAt: r.expires_at,
})

export async function insertTask(
  db: Db,
  t: Pick<TaskRecord, 'id' | 'type' | 'owner' | 'userId' | 'requestId' | 'imageId' | 'input'>,
): Promise<void> {
  const now = nowIso()
  await db
    .insertInto('image_tasks')
    .values({
      id: t.id,
      type: t.type,
      status: 'pending',
      owner: t.owner,
      user_id: t.userId,
      request_id: t.requestId,
      image_id: t.imageId,
      input: JSON.stringify(t.input),
      result: null,
      message: '',
      created_at: now,
      updated_at: now,
      expires_at: null,
    })
    .execute()
}

/** Moves a task on; finished tasks get `expires_at` = now + ttl. */
export async function updateTask(
  db: Db,
  id: string,
  change: { status: string; message?: string; result?: Record<string, unknown>; ttlHours?: number },
): Promise<void> {
  const now = new Date()
  await db
    .updateTable('image_tasks')
    .set({
      status: change.status,
      updated_at: now.toISOString(),
      ...(change.message !== undefined ? { message: change.message } : {}),
      ...(change.result !== undefined ? { result: JSON.stringify(change.result) } : {}),
      ...(change.ttlHours !== undefined
        ? { expires_at: new Date(now.getTime() + change.ttlHours * 3_600_000).toISOString() }
        : {}),
    })
    .where('id', '=', id)
    .execute()
}

export async function getTask(db: Db, id: string): Promise<TaskRecord | undefined> {
  const r = await db.selectFrom('image_tasks').selectAll().where('id', '=', id).executeTakeFirst()
  return r ? toTask(r) : undefined
}

/** Tasks of an image, oldest first, without expired ones. */
export async function tasksOfImage(db: Db, imageId: string): Promise<TaskRecord[]> {
  const now = nowIso()
  const rows = await db
    .selectFrom('image_tasks')
    .selectAll()
    .where('image_id', '=', imageId)
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
    .orderBy('created_at')
    .execute()
  return rows.map(toTask)
}
