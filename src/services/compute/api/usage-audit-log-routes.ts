import type { FastifyPluginAsync } from 'fastify'
import { BadRequestError } from '../../../common/errors.js'
import type { ComputeContext } from '../compute-context.js'
import { requireAdmin } from './resource-policy.js'

const pad = (n: number) => String(n).padStart(2, '0')
/** Python's str(datetime) for a whole-second UTC time. */
const pyTime = (d: Date) =>
  `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`

/** Nova's last_completed_audit_period for the default 'month' unit. */
export function lastCompletedMonth(before: Date): { begin: Date; end: Date } {
  let end = new Date(Date.UTC(before.getUTCFullYear(), before.getUTCMonth(), 1))
  if (end >= before) end = new Date(Date.UTC(before.getUTCFullYear(), before.getUTCMonth() - 1, 1))
  const begin = new Date(Date.UTC(end.getUTCFullYear(), end.getUTCMonth() - 1, 1))
  return { begin, end }
}

/**
 * The audit log of every compute host for the period. NOTE: Nubis runs no
 * instance usage audit task ([DEFAULT] instance_usage_audit is off in Nova
 * too), so every compute host is listed as not run.
 */
async function auditLog(ctx: ComputeContext, before: Date) {
  const { begin, end } = lastCompletedMonth(before)
  const rows = await ctx.db
    .selectFrom('compute_services')
    .select('host')
    .where('topic', '=', 'compute')
    .distinct()
    .orderBy('host')
    .execute()
  const hosts = rows.map((r) => r.host)
  return {
    period_beginning: pyTime(begin),
    period_ending: pyTime(end),
    num_hosts: hosts.length,
    num_hosts_done: 0,
    num_hosts_running: 0,
    num_hosts_not_run: hosts.length,
    hosts_not_run: hosts,
    total_instances: 0,
    total_errors: 0,
    overall_status: `${hosts.length === 0 ? 'ALL' : `0 of ${hosts.length}`} hosts done. 0 errors.`,
    log: {},
  }
}

/** Nova's os-instance_usage_audit_log (admin). */
export function usageAuditLogRoutes(ctx: ComputeContext): FastifyPluginAsync {
  return async (app) => {
    app.get('/os-instance_usage_audit_log', async (request) => {
      requireAdmin(request.auth, 'os_compute_api:os-instance-usage-audit-log:list')
      return { instance_usage_audit_logs: await auditLog(ctx, new Date()) }
    })
    app.get<{ Params: { id: string } }>('/os-instance_usage_audit_log/:id', async (request) => {
      requireAdmin(request.auth, 'os_compute_api:os-instance-usage-audit-log:show')
      const id = request.params.id
      const m = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(\.\d{1,6})?$/.exec(id)
      const before = m
        ? new Date(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}${(m[7] ?? '').slice(0, 4)}Z`)
        : undefined
      if (!before || Number.isNaN(before.getTime()))
        throw new BadRequestError(`Invalid timestamp for date ${id}`)
      return { instance_usage_audit_log: await auditLog(ctx, before) }
    })
  }
}
