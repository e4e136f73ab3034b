import type { Vif } from '../../virt/driver.js'
import type { ComputeContext } from '../compute/compute-context.js'
import { loadPort } from '../network/ports-service.js'

/** The bound ports of an instance as drivers plug them. */
export async function vifsOf(ctx: ComputeContext, uuid: string): Promise<Vif[]> {
  const rows = await ctx.db
    .selectFrom('instance_ports')
    .selectAll()
    .where('instance_uuid', '=', uuid)
    .orderBy('created_at')
    .execute()
  const net = ctx.network
  if (!net) return []
  const out: Vif[] = []
  for (const r of rows) {
    const p = await loadPort(net.db, r.port_id)
    if (!p) continue
    const network = await net.db
      .selectFrom('networks')
      .select(['mtu'])
      .where('id', '=', p.row.network_id)
      .executeTakeFirst()
    const seg = await net.db
      .selectFrom('network_segments')
      .selectAll()
      .where('network_id', '=', p.row.network_id)
      .orderBy('segment_index')
      .executeTakeFirst()
    out.push({
      portId: p.row.id,
      networkId: p.row.network_id,
      macAddress: p.row.mac_address,
      fixedIps: p.fixedIps.map((f) => ({ subnetId: f.subnet_id, ipAddress: f.ip_address })),
      vifType: p.row.binding_vif_type,
      vifDetails: JSON.parse(p.row.binding_vif_details) as Record<string, unknown>,
      ...(seg
        ? {
            segment: {
              networkType: seg.network_type,
              ...(seg.physical_network !== '' ? { physicalNetwork: seg.physical_network } : {}),
              ...(seg.segmentation_id !== null ? { segmentationId: seg.segmentation_id } : {}),
            },
          }
        : {}),
      ...(network ? { mtu: network.mtu } : {}),
      ...(r.tag !== null ? { tag: r.tag } : {}),
    })
  }
  return out
}

/** Ports of an instance not yet ACTIVE: the network-vif-plugged events a build waits for. */
export async function pendingVifPlugs(ctx: ComputeContext, uuid: string): Promise<string[]> {
  const net = ctx.network
  if (!net) return []
  const rows = await ctx.db
    .selectFrom('instance_ports')
    .select('port_id')
    .where('instance_uuid', '=', uuid)
    .execute()
  const pending: string[] = []
  for (const r of rows) {
    const p = await loadPort(net.db, r.port_id)
    // Only a bound, enabled port that is still DOWN has an agent left to plug it and report back.
    const bound = p && !['unbound', 'binding_failed'].includes(p.row.binding_vif_type)
    if (p && bound && p.row.admin_state_up === 1 && p.row.status !== 'ACTIVE')
      pending.push(r.port_id)
  }
  return pending
}
