import type { Selectable } from 'kysely'
import { BadRequestError, NotFoundError, NotImplementedError } from '../../common/errors.js'
import type { ComputeNodeTable } from '../../db/compute-schema.js'
import { serviceIsUp, type ComputeServiceRow } from './availability-zones-service.js'
import type { ComputeContext } from './compute-context.js'

export type ComputeNodeRow = Selectable<ComputeNodeTable>

/** A node with the nova-compute service of its host (nodes without one are skipped, as in Nova). */
export interface Hypervisor {
  readonly node: ComputeNodeRow
  readonly service: ComputeServiceRow
  readonly up: boolean
  servers?: Array<{ name: string; uuid: string }>
}

async function computeServices(ctx: ComputeContext): Promise<Map<string, ComputeServiceRow>> {
  const rows = await ctx.db
    .selectFrom('compute_services')
    .selectAll()
    .where('binary', '=', 'nova-compute')
    .execute()
  return new Map(rows.map((s) => [s.host, s]))
}

async function attach(ctx: ComputeContext, nodes: ComputeNodeRow[]): Promise<Hypervisor[]> {
  const services = await computeServices(ctx)
  const now = Date.now()
  const out: Hypervisor[] = []
  for (const node of nodes) {
    const service = services.get(node.host)
    if (service) out.push({ node, service, up: serviceIsUp(ctx, service, now) })
  }
  return out
}

export async function withServers(ctx: ComputeContext, hs: Hypervisor[]): Promise<void> {
  for (const h of hs) {
    const rows = await ctx.db
      .selectFrom('instances')
      .select(['uuid', 'display_name'])
      .where('host', '=', h.node.host)
      .where('deleted', '=', 0)
      .orderBy('created_at')
      .execute()
    h.servers = rows.map((r) => ({ name: r.display_name, uuid: r.uuid }))
  }
}

/** All hypervisors in id order, paged after the marker (id, or uuid from 2.53). */
export async function listHypervisors(
  ctx: ComputeContext,
  page: { limit?: number | undefined; marker?: string | undefined; byUuid: boolean },
): Promise<Hypervisor[]> {
  const nodes = await ctx.db.selectFrom('compute_nodes').selectAll().orderBy('id').execute()
  let start = 0
  if (page.marker !== undefined) {
    const at = nodes.findIndex((n) => (page.byUuid ? n.uuid : String(n.id)) === page.marker)
    if (at < 0) throw new BadRequestError(`marker [${page.marker}] not found`)
    start = at + 1
  }
  const slice = nodes.slice(start, page.limit === undefined ? undefined : start + page.limit)
  return attach(ctx, slice)
}

/** compute_node_search_by_hypervisor: a substring match on hypervisor_hostname. */
export async function searchHypervisors(
  ctx: ComputeContext,
  pattern: string,
): Promise<Hypervisor[]> {
  const nodes = (
    await ctx.db.selectFrom('compute_nodes').selectAll().orderBy('id').execute()
  ).filter((n) => n.hypervisor_hostname.includes(pattern))
  if (nodes.length === 0)
    throw new NotFoundError(`No hypervisor matching '${pattern}' could be found.`)
  return attach(ctx, nodes)
}

export async function getHypervisor(
  ctx: ComputeContext,
  id: string,
  byUuid: boolean,
): Promise<Hypervisor> {
  const notFound = new NotFoundError(`Hypervisor with ID '${id}' could not be found.`)
  const node = byUuid
    ? await ctx.db.selectFrom('compute_nodes').selectAll().where('uuid', '=', id).executeTakeFirst()
    : await ctx.db
        .selectFrom('compute_nodes')
        .selectAll()
        .where('id', '=', Number(id))
        .executeTakeFirst()
  if (!node) throw notFound
  const [h] = await attach(ctx, [node])
  if (!h) throw notFound
  return h
}

/**
 * The `uptime` line of a hypervisor host. NOTE: drivers do not report it, so
 * it is how long the compute service has been registered; the vCenter driver
 * has none in Nova either (a cluster is many hosts) and answers 501.
 */
export function hypervisorUptime(h: Hypervisor, now = new Date()): string {
  if (h.node.hypervisor_type.toLowerCase().startsWith('vmware'))
    throw new NotImplementedError('Feature not supported')
  if (!h.up)
    throw new BadRequestError(`Compute service of ${h.node.host} is unavailable at this time.`)
  const secs = Math.max(0, Math.floor((now.getTime() - Date.parse(h.service.created_at)) / 1000))
  const days = Math.floor(secs / 86400)
  const hh = Math.floor((secs % 86400) / 3600)
  const mm = Math.floor((secs % 3600) / 60)
  const clock = now.toISOString().slice(11, 19)
  return ` ${clock} up ${days} days, ${String(hh).padStart(2, '0')}:${String(mm).padStart(2, '0')},  0 users,  load average: 0.00, 0.00, 0.00`
}

export interface HypervisorStatistics {
  count: number
  vcpus: number
  memory_mb: number
  local_gb: number
  vcpus_used: number
  memory_mb_used: number
  local_gb_used: number
  free_ram_mb: number
  free_disk_gb: number
  current_workload: number
  running_vms: number
  disk_available_least: number
}

/** Sums over the nodes whose nova-compute service is enabled (compute_node_statistics). */
export async function hypervisorStatistics(ctx: ComputeContext): Promise<HypervisorStatistics> {
  const hs = (await listHypervisors(ctx, { byUuid: false })).filter((h) => h.service.disabled === 0)
  const s: HypervisorStatistics = {
    count: hs.length,
    vcpus: 0,
    memory_mb: 0,
    local_gb: 0,
    vcpus_used: 0,
    memory_mb_used: 0,
    local_gb_used: 0,
    free_ram_mb: 0,
    free_disk_gb: 0,
    current_workload: 0,
    running_vms: 0,
    disk_available_least: 0,
  }
  for (const { node: n } of hs) {
    s.vcpus += n.vcpus
    s.memory_mb += n.memory_mb
    s.local_gb += n.local_gb
    s.vcpus_used += n.vcpus_used
    s.memory_mb_used += n.memory_mb_used
    s.local_gb_used += n.local_gb_used
    s.free_ram_mb += n.memory_mb - n.memory_mb_used
    s.free_disk_gb += n.local_gb - n.local_gb_used
    s.disk_available_least += n.local_gb - n.local_gb_used
    s.running_vms += n.running_vms
  }
  s.current_workload = await currentWorkload(
    ctx,
    hs.map((h) => h.node.host),
  )
  return s
}

/** Nova's current_workload: servers on the hosts with a task in progress. */
export async function currentWorkload(ctx: ComputeContext, hosts: string[]): Promise<number> {
  if (hosts.length === 0) return 0
  const r = await ctx.db
    .selectFrom('instances')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('host', 'in', hosts)
    .where('deleted', '=', 0)
    .where('task_state', 'is not', null)
    .executeTakeFirst()
  return Number(r?.n ?? 0)
}
