import type { Db } from '../../../db/database.js'
import type { MechanismChain } from '../ml2/mechanism-chain.js'
import type { Segment } from '../ml2/mechanism-driver.js'
import type { NetworkContext } from '../network-context.js'

/** The ML2 mechanism-driver chain (networks area: `ctx.ml2.chain`). */
export function chainOf(ctx: NetworkContext): MechanismChain {
  return ctx.ml2.chain
}

/** The network's segments as drivers see them. */
export async function segmentsOf(db: Db, networkId: string): Promise<Segment[]> {
  const rows = await db
    .selectFrom('network_segments')
    .selectAll()
    .where('network_id', '=', networkId)
    .orderBy('segment_index')
    .execute()
  return rows.map((r) => ({
    id: r.id,
    network_type: r.network_type,
    physical_network: r.physical_network === '' ? null : r.physical_network,
    segmentation_id: r.segmentation_id,
  }))
}

/** Neutron's time format: "2026-11-22T04:10:20Z". */
export const nowIso = (): string => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z')

/** Stored ISO text → Neutron's format (tolerates rows written with milliseconds). */
export const isoOut = (t: string): string => t.replace(/\.\d{3}Z$/, 'Z')
