import type { AuthContext } from '../../common/auth-context.js'
import { ConflictError } from '../../common/errors.js'
import type { Db } from '../../db/database.js'
import {
  blockingPortIds,
  deleteNetworkRow,
  getNetwork,
} from '../../db/repositories/network/networks.js'
import {
  deleteSegmentsOfNetwork,
  segmentsByNetwork,
} from '../../db/repositories/network/segments.js'
import type { Segment } from './ml2/mechanism-driver.js'
import type { NetworkContext } from './network-context.js'
import { forbid } from './policy.js'
import { findVisibleNetwork, isNetworkOwnerOrAdmin, networkNotFound } from './visibility.js'

/**
 * Ports the network deletes itself (neutron_lib AUTO_DELETE_PORT_OWNERS, plus
 * floating-IP ports: deleting an external network drops its unassociated
 * floating IPs, as Neutron's L3 plugin does).
 */
const AUTO_DELETE_OWNERS = [
  'network:dhcp',
  'network:router_interface_distributed',
  'network:floatingip_agent_gateway',
  'network:router_centralized_snat',
  'network:floatingip',
]

async function deletePorts(db: Db, portIds: readonly string[]): Promise<void> {
  if (portIds.length === 0) return
  const ids = [...portIds]
  await db.deleteFrom('ip_allocations').where('port_id', 'in', ids).execute()
  await db.deleteFrom('port_security_groups').where('port_id', 'in', ids).execute()
  await db
    .deleteFrom('network_tags')
    .where('resource_type', '=', 'port')
    .where('resource_id', 'in', ids)
    .execute()
  await db.deleteFrom('ports').where('id', 'in', ids).execute()
}

/**
 * Deletes a network and what hangs off it in one transaction: floating IPs
 * allocated on it, auto-deleted ports, subnets (with their IP allocations and
 * tags), segments (releasing their ids), RBAC policies and tags. Other ports
 * → 409 NetworkInUse with Neutron's message. Runs the delete hooks.
 */
export async function deleteNetworkCascade(ctx: NetworkContext, id: string): Promise<void> {
  const removed = await ctx.db.transaction().execute(async (trx) => {
    const row = await getNetwork(trx, id)
    if (!row) throw networkNotFound(id)
    const fips = await trx
      .selectFrom('floatingips')
      .select(['id', 'floating_port_id'])
      .where('floating_network_id', '=', id)
      .execute()
    if (fips.length) {
      await trx
        .deleteFrom('network_tags')
        .where('resource_type', '=', 'floatingip')
        .where(
          'resource_id',
          'in',
          fips.map((f) => f.id),
        )
        .execute()
      await trx.deleteFrom('floatingips').where('floating_network_id', '=', id).execute()
    }
    const blocking = await blockingPortIds(trx, id, AUTO_DELETE_OWNERS)
    if (blocking.length) {
      throw new ConflictError(
        `Unable to complete operation on network ${id}. There are one or more ports still in use on the network, id for these ports is: ${blocking.join(',')}.`,
        { type: 'NetworkInUse' },
      )
    }
    const network = { ...row }
    const auto = await trx.selectFrom('ports').selectAll().where('network_id', '=', id).execute()
    for (const p of auto)
      await ctx.ml2.chain.deletePortPrecommit({ db: trx, current: { ...p }, network })
    await deletePorts(
      trx,
      auto.map((p) => p.id),
    )
    const subnets = await trx
      .selectFrom('subnets')
      .selectAll()
      .where('network_id', '=', id)
      .execute()
    for (const sn of subnets)
      await ctx.ml2.chain.deleteSubnetPrecommit({ db: trx, current: { ...sn }, network })
    if (subnets.length) {
      const sids = subnets.map((s) => s.id)
      await trx.deleteFrom('ip_allocations').where('subnet_id', 'in', sids).execute()
      await trx
        .deleteFrom('network_tags')
        .where('resource_type', '=', 'subnet')
        .where('resource_id', 'in', sids)
        .execute()
      await trx.deleteFrom('subnets').where('network_id', '=', id).execute()
    }
    const segments = (await segmentsByNetwork(trx, [id])).get(id) ?? []
    const segs: Segment[] = segments.map((s) => ({
      id: s.id,
      network_type: s.network_type,
      physical_network: s.physical_network === '' ? null : s.physical_network,
      segmentation_id: s.segmentation_id,
    }))
    await ctx.ml2.chain.deleteNetworkPrecommit({ db: trx, current: { ...row }, segments: segs })
    await ctx.ml2.types.releaseSegments(trx, segs)
    await deleteSegmentsOfNetwork(trx, id)
    await trx
      .deleteFrom('rbac_policies')
      .where('object_type', '=', 'network')
      .where('object_id', '=', id)
      .execute()
    await trx
      .deleteFrom('network_tags')
      .where('resource_type', '=', 'network')
      .where('resource_id', '=', id)
      .execute()
    await deleteNetworkRow(trx, id)
    return { row, segs, auto, subnets }
  })
  // Neutron's order: the cascaded ports and subnets, then the network. Every
  // hook runs; the first failure is surfaced afterwards.
  const { row, segs, auto, subnets } = removed
  const network = { ...row }
  let failure: Error | undefined
  const run = async (hook: () => Promise<void>): Promise<void> => {
    await hook().catch((err: unknown) => {
      failure ??= err instanceof Error ? err : new Error(String(err))
    })
  }
  for (const p of auto) {
    await run(() => ctx.ml2.chain.deletePortPostcommit({ db: ctx.db, current: { ...p }, network }))
  }
  for (const sn of subnets) {
    await run(() =>
      ctx.ml2.chain.deleteSubnetPostcommit({ db: ctx.db, current: { ...sn }, network }),
    )
  }
  await run(() =>
    ctx.ml2.chain.deleteNetworkPostcommit({ db: ctx.db, current: network, segments: segs }),
  )
  if (failure !== undefined) throw failure
}

/** DELETE /v2.0/networks/{id}: 404 when invisible, 403 when visible but not the caller's. */
export async function deleteNetwork(
  ctx: NetworkContext,
  auth: AuthContext,
  id: string,
): Promise<void> {
  const row = await findVisibleNetwork(ctx.db, auth, id)
  if (!row) throw networkNotFound(id)
  if (!isNetworkOwnerOrAdmin(auth, row)) forbid('delete_network')
  await deleteNetworkCascade(ctx, id)
}
