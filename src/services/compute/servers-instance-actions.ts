import { isAdmin, type AuthContext } from '../../common/auth-context.js'
import { BadRequestError, NotFoundError } from '../../common/errors.js'
import {
  getAction,
  listActions,
  type InstanceActionEventRow,
  type InstanceActionRow,
} from '../../db/repositories/compute/instance-actions.js'
import type { ComputeContext } from './compute-context.js'
import { hostId, naiveTime } from './server-view.js'
import { visibleInstance } from './servers-lookup.js'

/** From 2.21 the actions of deleted servers stay readable. */
async function instanceFor(ctx: ComputeContext, auth: AuthContext, uuid: string, mv: number) {
  return visibleInstance(ctx, auth, uuid, { includeDeleted: mv >= 21 })
}

export function actionView(a: InstanceActionRow, mv: number): Record<string, unknown> {
  return {
    action: a.action,
    instance_uuid: a.instance_uuid,
    request_id: a.request_id,
    user_id: a.user_id,
    project_id: a.project_id,
    start_time: naiveTime(a.start_time),
    message: a.message,
    ...(mv >= 58 ? { updated_at: naiveTime(a.updated_at) } : {}),
  }
}

/**
 * One event: traceback for admins; from 2.62 `hostId` (the obfuscated host,
 * for everyone) and `host` (admins only), as Nova's _format_event.
 */
function eventView(
  e: InstanceActionEventRow,
  admin: boolean,
  mv: number,
  projectId: string,
): Record<string, unknown> {
  return {
    event: e.event,
    start_time: naiveTime(e.start_time),
    finish_time: naiveTime(e.finish_time),
    result: e.result,
    ...(admin ? { traceback: e.traceback } : {}),
    ...(mv >= 62
      ? { hostId: hostId(e.host, projectId), ...(admin ? { host: e.host ?? '' } : {}) }
      : {}),
  }
}

export interface ActionPage {
  readonly actions: InstanceActionRow[]
  readonly limit: number
}

/**
 * os-instance-actions list: newest first; from 2.58 with changes-since and
 * limit/marker (marker is a request id).
 */
export async function listInstanceActions(
  ctx: ComputeContext,
  auth: AuthContext,
  uuid: string,
  mv: number,
  q: { changesSince?: string; changesBefore?: string; limit?: number; marker?: string },
  maxLimit: number,
): Promise<ActionPage> {
  await instanceFor(ctx, auth, uuid, mv)
  let actions = await listActions(ctx.db, uuid)
  if (mv < 58) return { actions, limit: Number.POSITIVE_INFINITY }
  if (q.changesSince !== undefined) {
    const since = q.changesSince
    actions = actions.filter((a) => new Date(a.updated_at).toISOString() >= since)
  }
  if (q.changesBefore !== undefined) {
    const before = q.changesBefore
    if (q.changesSince !== undefined && before < q.changesSince)
      throw new BadRequestError(
        'The value of changes-since must be less than or equal to changes-before.',
      )
    actions = actions.filter((a) => new Date(a.updated_at).toISOString() <= before)
  }
  if (q.marker !== undefined) {
    const i = actions.findIndex((a) => a.request_id === q.marker)
    if (i < 0) throw new BadRequestError(`Marker ${q.marker} could not be found.`)
    actions = actions.slice(i + 1)
  }
  const limit = Math.min(maxLimit, q.limit ?? maxLimit)
  return { actions: actions.slice(0, limit), limit }
}

/**
 * One action with its events: admins always see events (with traceback);
 * others see them from 2.51, without traceback.
 */
export async function showInstanceAction(
  ctx: ComputeContext,
  auth: AuthContext,
  uuid: string,
  requestId: string,
  mv: number,
): Promise<Record<string, unknown>> {
  const instance = await instanceFor(ctx, auth, uuid, mv)
  const found = await getAction(ctx.db, uuid, requestId)
  if (!found) throw new NotFoundError(`Action ${requestId} not found`)
  const view = actionView(found.action, mv)
  const admin = isAdmin(auth)
  if (admin || mv >= 51)
    view.events = found.events.map((e) => eventView(e, admin, mv, instance.project_id))
  return view
}
