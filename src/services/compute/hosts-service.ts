import { NotFoundError, NotImplementedError } from '../../common/errors.js'
import { servicesWithZones } from './availability-zones-service.js'
import type { ComputeContext } from './compute-context.js'
import { flavorSize } from './quotas.js'

/** The deprecated os-hosts API (until 2.42). */

const API_BINARIES = new Set(['nova-osapi_compute', 'nova-metadata'])

export async function listHosts(
  ctx: ComputeContext,
  zone: string | undefined,
): Promise<Array<{ host_name: string; service: string; zone: string }>> {
  return (await servicesWithZones(ctx))
    .filter(
      (s) =>
        s.disabled === 0 && !API_BINARIES.has(s.binary) && (!zone || s.availability_zone === zone),
    )
    .map((s) => ({ host_name: s.host, service: s.topic, zone: s.availability_zone }))
}

interface Resource {
  host: string
  project: string
  cpu: number
  memory_mb: number
  disk_gb: number
}

function diskOf(flavorJson: string): number {
  try {
    const f = JSON.parse(flavorJson) as Record<string, unknown>
    const n = (v: unknown) => (typeof v === 'number' ? v : 0)
    return n(f['rootGb'] ?? f['root_gb']) + n(f['ephemeralGb'] ?? f['ephemeral_gb'])
  } catch {
    return 0
  }
}

/** Totals of the host's (first) node, what it uses now, what its servers may use, and per project. */
export async function showHost(
  ctx: ComputeContext,
  host: string,
): Promise<Array<{ resource: Resource }>> {
  const node = await ctx.db
    .selectFrom('compute_nodes')
    .selectAll()
    .where('host', '=', host)
    .orderBy('id')
    .executeTakeFirst()
  if (!node) throw new NotFoundError(`Compute host ${host} could not be found.`)
  const instances = await ctx.db
    .selectFrom('instances')
    .select(['project_id', 'flavor'])
    .where('host', '=', host)
    .where('deleted', '=', 0)
    .orderBy('created_at')
    .execute()
  const out: Array<{ resource: Resource }> = [
    {
      resource: {
        host,
        project: '(total)',
        cpu: node.vcpus,
        memory_mb: node.memory_mb,
        disk_gb: node.local_gb,
      },
    },
    {
      resource: {
        host,
        project: '(used_now)',
        cpu: node.vcpus_used,
        memory_mb: node.memory_mb_used,
        disk_gb: node.local_gb_used,
      },
    },
  ]
  const max: Resource = { host, project: '(used_max)', cpu: 0, memory_mb: 0, disk_gb: 0 }
  const byProject = new Map<string, Resource>()
  for (const i of instances) {
    const s = flavorSize(i.flavor)
    const disk = diskOf(i.flavor)
    max.cpu += s.vcpus
    max.memory_mb += s.memoryMb
    max.disk_gb += disk
    let p = byProject.get(i.project_id)
    if (!p)
      byProject.set(
        i.project_id,
        (p = { host, project: i.project_id, cpu: 0, memory_mb: 0, disk_gb: 0 }),
      )
    p.cpu += s.vcpus
    p.memory_mb += s.memoryMb
    p.disk_gb += disk
  }
  out.push({ resource: max }, ...[...byProject.values()].map((resource) => ({ resource })))
  return out
}

/**
 * The host's hypervisor type, after checking it runs nova-compute. Host power,
 * enable and maintenance are driver calls that only the fake driver answers
 * (as Nova's fake driver does, without changing anything); others are 501.
 */
async function computeHostType(ctx: ComputeContext, host: string): Promise<string> {
  const svc = await ctx.db
    .selectFrom('compute_services')
    .select('id')
    .where('host', '=', host)
    .where('binary', '=', 'nova-compute')
    .executeTakeFirst()
  if (!svc) throw new NotFoundError(`Compute host ${host} could not be found.`)
  const node = await ctx.db
    .selectFrom('compute_nodes')
    .select('hypervisor_type')
    .where('host', '=', host)
    .executeTakeFirst()
  return node?.hypervisor_type ?? ''
}

async function fakeOnly(ctx: ComputeContext, host: string): Promise<void> {
  if ((await computeHostType(ctx, host)).toLowerCase() !== 'fake')
    throw new NotImplementedError('Feature not supported')
}

export async function hostPowerAction(
  ctx: ComputeContext,
  host: string,
  action: string,
): Promise<string> {
  await fakeOnly(ctx, host)
  return action
}

export async function setHostEnabled(
  ctx: ComputeContext,
  host: string,
  enabled: boolean,
): Promise<string> {
  await fakeOnly(ctx, host)
  return enabled ? 'enabled' : 'disabled'
}

export async function setHostMaintenance(
  ctx: ComputeContext,
  host: string,
  on: boolean,
): Promise<string> {
  await fakeOnly(ctx, host)
  return on ? 'on_maintenance' : 'off_maintenance'
}
