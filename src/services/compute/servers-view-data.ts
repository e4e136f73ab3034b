import { bdmsOfMany } from '../../db/repositories/compute/block-device-mappings.js'
import { tagsOfMany } from '../../db/repositories/compute/instance-tags.js'
import type { InstanceRow } from '../../db/repositories/compute/instances.js'
import type { ComputeContext } from './compute-context.js'
import type { ServerViewData, ViewOptions } from './server-view.js'
import { networkInfoOf } from './servers-network-info.js'

/**
 * Nova's get_instance_host_status per host: forced down → DOWN, disabled →
 * MAINTENANCE, heartbeat within service_down_time → UP, else UNKNOWN.
 */
async function hostStatuses(
  ctx: ComputeContext,
  hosts: readonly string[],
): Promise<Map<string, string>> {
  const out = new Map<string, string>()
  if (hosts.length === 0) return out
  const rows = await ctx.db
    .selectFrom('compute_services')
    .select(['host', 'disabled', 'forced_down', 'last_seen_up', 'updated_at'])
    .where('host', 'in', [...hosts])
    .where('binary', '=', 'nova-compute')
    .execute()
  const downAfterMs = ctx.config.compute.service_down_time * 1000
  for (const h of hosts) {
    const svc = rows.find((r) => r.host === h)
    if (!svc) out.set(h, 'UNKNOWN')
    else if (svc.forced_down === 1) out.set(h, 'DOWN')
    else if (svc.disabled === 1) out.set(h, 'MAINTENANCE')
    else {
      const seen = Date.parse(svc.last_seen_up ?? svc.updated_at)
      out.set(h, Date.now() - seen <= downAfterMs ? 'UP' : 'UNKNOWN')
    }
  }
  return out
}

/** Loads tags, block devices, network info and host statuses for a page of servers. */
export async function loadServerViewData(
  ctx: ComputeContext,
  rows: readonly InstanceRow[],
  o: Pick<ViewOptions, 'admin' | 'microversion'>,
  extra: { serverGroups?: boolean } = {},
): Promise<ServerViewData> {
  const uuids = rows.map((r) => r.uuid)
  const hosts =
    o.admin && o.microversion >= 16
      ? [...new Set(rows.map((r) => r.host).filter((h): h is string => !!h))]
      : []
  return {
    tags: o.microversion >= 26 ? await tagsOfMany(ctx.db, uuids) : new Map(),
    bdms: await bdmsOfMany(ctx.db, uuids),
    network: await networkInfoOf(ctx.db, uuids),
    hostStatus: await hostStatuses(ctx, hosts),
    defaultAz: ctx.config.compute.default_availability_zone,
    ...(extra.serverGroups && o.microversion >= 71
      ? { serverGroups: await groupsOfMany(ctx, uuids) }
      : {}),
  }
}

/** instance uuid → the server groups it belongs to (at most one in practice). */
async function groupsOfMany(
  ctx: ComputeContext,
  uuids: readonly string[],
): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>()
  if (uuids.length === 0) return out
  const rows = await ctx.db
    .selectFrom('server_group_members')
    .select(['group_uuid', 'instance_uuid'])
    .where('instance_uuid', 'in', [...uuids])
    .execute()
  for (const r of rows)
    out.set(r.instance_uuid, [...(out.get(r.instance_uuid) ?? []), r.group_uuid])
  return out
}

/** The view options of a request. */
export function viewOptions(
  ctx: ComputeContext,
  microversion: number,
  admin: boolean,
): ViewOptions {
  return { microversion, admin, computeUrl: `${ctx.publicUrl.replace(/\/+$/, '')}/compute` }
}
