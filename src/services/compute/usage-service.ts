import { BadRequestError } from '../../common/errors.js'
import type { ComputeContext } from './compute-context.js'

/** os-simple-tenant-usage: server hours within a period, from the instances table. */

export interface ServerUsage {
  instance_id: string
  name: string
  tenant_id: string
  flavor: string
  hours: number
  memory_mb: number
  local_gb: number
  vcpus: number
  started_at: string
  ended_at: string | null
  state: string
  uptime: number
}

export interface TenantUsage {
  tenant_id: string
  server_usages?: ServerUsage[]
  total_local_gb_usage: number
  total_vcpus_usage: number
  total_memory_mb_usage: number
  total_hours: number
  start: string
  stop: string
}

/** Nova accepts these three forms, read as UTC; none → now. */
export function parseUsageTime(raw: string | undefined, now: Date): Date {
  if (!raw) return now
  const m = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(\.\d{1,6})?$/.exec(raw)
  if (!m || (raw.includes(' ') && !m[7]))
    throw new BadRequestError('Invalid string format: Datetime is in invalid format')
  const d = new Date(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}${(m[7] ?? '').slice(0, 4)}Z`)
  if (Number.isNaN(d.getTime()))
    throw new BadRequestError('Invalid string format: Datetime is in invalid format')
  return d
}

interface FlavorJson {
  name?: string
  vcpus?: number
  memoryMb?: number
  memory_mb?: number
  rootGb?: number
  root_gb?: number
  ephemeralGb?: number
  ephemeral_gb?: number
}

function flavorOf(text: string): FlavorJson {
  try {
    return JSON.parse(text) as FlavorJson
  } catch {
    return {}
  }
}

/**
 * Usage of the instances active in [start, stop] (deleted ones included),
 * grouped by project in first-seen order; paged by instance uuid.
 */
export async function tenantUsages(
  ctx: ComputeContext,
  period: { start: Date; stop: Date },
  opts: { tenantId?: string; detailed: boolean; limit: number; marker?: string | undefined },
): Promise<{ usages: TenantUsage[]; servers: ServerUsage[] }> {
  const startIso = period.start.toISOString()
  const stopIso = period.stop.toISOString()
  let q = ctx.db
    .selectFrom('instances')
    .selectAll()
    .where((eb) => eb.or([eb('terminated_at', 'is', null), eb('terminated_at', '>', startIso)]))
    .where((eb) => eb.or([eb('launched_at', 'is', null), eb('launched_at', '<', stopIso)]))
  if (opts.tenantId !== undefined) q = q.where('project_id', '=', opts.tenantId)
  let rows = await q.orderBy('created_at').orderBy('uuid').execute()
  if (opts.marker !== undefined) {
    const at = rows.findIndex((r) => r.uuid === opts.marker)
    if (at < 0) throw new BadRequestError(`Marker ${opts.marker} could not be found.`)
    rows = rows.slice(at + 1)
  }
  rows = rows.slice(0, opts.limit)
  const now = Date.now()
  const byTenant = new Map<string, TenantUsage>()
  const servers: ServerUsage[] = []
  for (const r of rows) {
    const f = flavorOf(r.flavor)
    const launched = r.launched_at ? Date.parse(r.launched_at) : undefined
    const ended = r.terminated_at ? Date.parse(r.terminated_at) : undefined
    let hours = 0
    if (
      launched !== undefined &&
      !(ended !== undefined && ended < period.start.getTime()) &&
      launched <= period.stop.getTime()
    ) {
      const from = Math.max(launched, period.start.getTime())
      const to =
        ended !== undefined ? Math.min(period.stop.getTime(), ended) : period.stop.getTime()
      hours = (to - from) / 3600000
    }
    const startedAt = r.launched_at ?? r.created_at
    const info: ServerUsage = {
      instance_id: r.uuid,
      name: r.display_name,
      tenant_id: r.project_id,
      flavor: f.name ?? '',
      hours,
      memory_mb: f.memoryMb ?? f.memory_mb ?? 0,
      local_gb: (f.rootGb ?? f.root_gb ?? 0) + (f.ephemeralGb ?? f.ephemeral_gb ?? 0),
      vcpus: f.vcpus ?? 0,
      started_at: startedAt,
      ended_at: r.terminated_at,
      state: r.terminated_at ? 'terminated' : r.vm_state,
      uptime: Math.floor(((ended ?? now) - Date.parse(startedAt)) / 1000),
    }
    let t = byTenant.get(r.project_id)
    if (!t) {
      t = {
        tenant_id: r.project_id,
        ...(opts.detailed ? { server_usages: [] } : {}),
        total_local_gb_usage: 0,
        total_vcpus_usage: 0,
        total_memory_mb_usage: 0,
        total_hours: 0,
        start: startIso,
        stop: stopIso,
      }
      byTenant.set(r.project_id, t)
    }
    t.total_local_gb_usage += info.local_gb * hours
    t.total_vcpus_usage += info.vcpus * hours
    t.total_memory_mb_usage += info.memory_mb * hours
    t.total_hours += hours
    t.server_usages?.push(info)
    servers.push(info)
  }
  return { usages: [...byTenant.values()], servers }
}
