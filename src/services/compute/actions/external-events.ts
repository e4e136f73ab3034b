import type { ComputeContext } from '../compute-context.js'
import type { ActionCaller } from './action-start.js'
import { castCompute, recordAction } from './action-start.js'
import { requireAdmin } from './instance-guard.js'

export interface ExternalEventIn {
  readonly server_uuid: string
  readonly name: string
  readonly status?: string
  readonly tag?: string
}

export type ExternalEventOut = ExternalEventIn & { status: string; code: number }

// Events that mean nothing without a tag (which volume, which power state).
const TAG_REQUIRED = new Set(['volume-extended', 'power-update', 'accelerator-request-bound'])

/**
 * os-server-external-events (Nova's ServerExternalEventsController.create):
 * each event gets code 200 (sent to the instance's host), 404 (no such
 * instance), 400 (tag missing) or 422 (instance on no host); 207 overall
 * when any failed.
 */
export async function deliverExternalEvents(
  ctx: ComputeContext,
  caller: ActionCaller,
  events: readonly ExternalEventIn[],
): Promise<{ status: number; events: ExternalEventOut[] }> {
  requireAdmin(caller.auth, 'os_compute_api:os-server-external-events:create')
  const uuids = [...new Set(events.map((e) => e.server_uuid))]
  const rows = await ctx.db
    .selectFrom('instances')
    .selectAll()
    .where('uuid', 'in', uuids)
    .where('deleted', '=', 0)
    .execute()
  const byUuid = new Map(rows.map((r) => [r.uuid, r]))
  const out: ExternalEventOut[] = []
  const accepted = new Map<string, Array<{ name: string; tag?: string; status: string }>>()
  let status = 200
  for (const e of events) {
    const inst = byUuid.get(e.server_uuid)
    const evStatus = e.status ?? 'completed'
    if (!inst) {
      out.push({ ...e, status: 'failed', code: 404 })
      status = 207
    } else if (TAG_REQUIRED.has(e.name) && e.tag === undefined) {
      out.push({ ...e, status: 'failed', code: 400 })
      status = 207
    } else if (inst.host) {
      out.push({ ...e, status: 'completed', code: 200 })
      const list = accepted.get(inst.uuid) ?? []
      list.push({ name: e.name, status: evStatus, ...(e.tag !== undefined ? { tag: e.tag } : {}) })
      accepted.set(inst.uuid, list)
      if (e.name === 'volume-extended') await recordAction(ctx, inst, caller, 'extend_volume')
      // Nova records a start/stop action so users see why their server changed state.
      if (e.name === 'power-update' && (e.tag === 'POWER_ON' || e.tag === 'POWER_OFF'))
        await recordAction(ctx, inst, caller, e.tag === 'POWER_ON' ? 'start' : 'stop')
    } else {
      out.push({ ...e, status: 'failed', code: 422 })
      status = 207
    }
  }
  for (const [uuid, evs] of accepted) {
    const host = byUuid.get(uuid)?.host
    if (host)
      await castCompute(ctx, host, 'external_instance_event', {
        instanceUuid: uuid,
        requestId: caller.requestId,
        events: evs,
      })
  }
  return { status, events: out }
}
