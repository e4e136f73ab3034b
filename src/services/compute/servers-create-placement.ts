import { isAdmin, type AuthContext } from '../../common/auth-context.js'
import { BadRequestError, ForbiddenError } from '../../common/errors.js'
import {
  getServerGroup,
  liveMembersOf,
  type ServerGroupRow,
} from '../../db/repositories/compute/server-groups.js'
import type { ComputeContext } from './compute-context.js'
import { effectiveLimits } from './quotas.js'

/** A parsed `availability_zone` ("zone", "zone:host", "zone:host:node", "zone::node"). */
export interface RequestedZone {
  readonly zone?: string
  readonly host?: string
  readonly node?: string
}

/** Nova's parse_availability_zone plus the create:forced_host policy (admin only). */
export function parseZone(auth: AuthContext, value: string | undefined): RequestedZone {
  if (value === undefined) return {}
  let zone = value
  let host: string | undefined
  let node: string | undefined
  if (value.includes(':')) {
    const parts = value.split(':')
    if (parts.length === 2) [zone, host] = parts as [string, string]
    else if (parts.length === 3) [zone, host, node] = parts as [string, string, string]
    else throw new BadRequestError('Invalid input received: Unable to parse availability_zone')
  }
  if ((host || node) && !isAdmin(auth))
    throw new ForbiddenError(
      "Policy doesn't allow os_compute_api:servers:create:forced_host to be performed.",
    )
  return {
    ...(zone ? { zone } : {}),
    ...(host ? { host } : {}),
    ...(node ? { node } : {}),
  }
}

/**
 * 2.74's `host` / `hypervisor_hostname`: admin only (policy
 * compute:servers:create:requested_destination), exclusive with
 * zone:host:node, and naming a compute node that exists. Unlike a forced
 * host, the scheduler's filters still run on it.
 */
export async function checkRequestedDestination(
  ctx: ComputeContext,
  auth: AuthContext,
  zone: RequestedZone,
  host: string | undefined,
  node: string | undefined,
): Promise<void> {
  if (!host && !node) return
  if (!isAdmin(auth))
    throw new ForbiddenError(
      "Policy doesn't allow compute:servers:create:requested_destination to be performed.",
    )
  if (zone.host || zone.node)
    throw new BadRequestError(
      'One mechanism with host and/or hypervisor_hostname and another mechanism with zone:host:node are mutually exclusive.',
    )
  let q = ctx.db.selectFrom('compute_nodes').select('id')
  if (host) q = q.where('host', '=', host)
  if (node)
    q = q.where((eb) => eb.or([eb('hypervisor_hostname', '=', node), eb('nodename', '=', node)]))
  if (await q.executeTakeFirst()) return
  if (host && node)
    throw new BadRequestError(`Compute node with host ${host} node ${node} could not be found.`)
  if (host) throw new BadRequestError(`Compute host ${host} could not be found.`)
  throw new BadRequestError(`Compute host ${node ?? ''} could not be found.`)
}

/**
 * The availability zones servers can be created in: zones of aggregates that
 * hold compute hosts, plus the default zone for hosts outside any zone (Nova's
 * get_availability_zones over enabled nova-compute services).
 */
async function availableZones(ctx: ComputeContext): Promise<Set<string>> {
  const hosts = await ctx.db
    .selectFrom('compute_services')
    .select('host')
    .where('binary', '=', 'nova-compute')
    .where('disabled', '=', 0)
    .execute()
  const zoned = await ctx.db
    .selectFrom('aggregate_hosts as h')
    .innerJoin('aggregate_metadata as m', 'm.aggregate_id', 'h.aggregate_id')
    .select(['h.host', 'm.value'])
    .where('m.key', '=', 'availability_zone')
    .execute()
  const zones = new Set<string>()
  const defaultAz = ctx.config.compute.default_availability_zone
  if (hosts.length === 0) zones.add(defaultAz)
  for (const { host } of hosts) {
    const z = zoned.filter((r) => r.host === host).map((r) => r.value)
    if (z.length === 0) zones.add(defaultAz)
    for (const v of z) zones.add(v)
  }
  return zones
}

export async function checkZone(ctx: ComputeContext, zone: string | undefined): Promise<void> {
  if (zone === undefined) return
  if (!(await availableZones(ctx)).has(zone))
    throw new BadRequestError('The requested availability zone is not available', {
      type: 'InvalidRequest',
    })
}

/**
 * The server group of the `group` hint: it must exist and be the caller's
 * (admins: any), and have room for `count` more members (server_group_members quota).
 */
export async function checkGroup(
  ctx: ComputeContext,
  auth: AuthContext,
  groupUuid: string | undefined,
  projectId: string,
  count: number,
): Promise<ServerGroupRow | undefined> {
  if (groupUuid === undefined) return undefined
  const group = await getServerGroup(ctx.db, groupUuid)
  if (!group || (!isAdmin(auth) && group.project_id !== auth.project?.id))
    throw new BadRequestError(`Instance group ${groupUuid} could not be found.`, {
      type: 'InstanceGroupNotFound',
    })
  const limit = (await effectiveLimits(ctx, projectId, auth.userId)).server_group_members
  const members = (await liveMembersOf(ctx.db, [group.uuid])).get(group.uuid)?.length ?? 0
  if (limit >= 0 && members + count > limit)
    throw new ForbiddenError('Quota exceeded, too many servers in group')
  return group
}
