import type { Db } from '../../../db/database.js'

/** An inclusive id range on one physical network ('' for tunnels). */
export interface IdRange {
  readonly physicalNetwork: string
  readonly min: number
  readonly max: number
}

/**
 * Claims one row in segment_allocations. The primary key (network_type,
 * physical_network, segmentation_id) makes this atomic across processes:
 * INSERT … ON CONFLICT DO NOTHING never aborts the surrounding transaction
 * (a failed INSERT would, on PostgreSQL), and on PostgreSQL it waits for a
 * concurrent uncommitted claim of the same key and then reports "not inserted".
 */
export async function claimSegment(
  db: Db,
  networkType: string,
  physicalNetwork: string,
  segmentationId: number,
  networkId: string,
): Promise<boolean> {
  const rows = await db
    .insertInto('segment_allocations')
    .values({
      network_type: networkType,
      physical_network: physicalNetwork,
      segmentation_id: segmentationId,
      network_id: networkId,
    })
    .onConflict((oc) => oc.doNothing())
    .returning('segmentation_id')
    .execute()
  return rows.length === 1
}

/** Deletes a claim (network deleted). */
export async function releaseSegmentClaim(
  db: Db,
  networkType: string,
  physicalNetwork: string,
  segmentationId: number,
): Promise<void> {
  await db
    .deleteFrom('segment_allocations')
    .where('network_type', '=', networkType)
    .where('physical_network', '=', physicalNetwork)
    .where('segmentation_id', '=', segmentationId)
    .execute()
}

/**
 * Allocates the lowest free id over `ranges` (in order). Lowest-first keeps
 * allocation predictable (physnet1:100:102 hands out 100, 101, 102); a lost
 * race just moves on to the next free id. Returns undefined when every id is taken.
 */
export async function allocateFromRanges(
  db: Db,
  networkType: string,
  ranges: readonly IdRange[],
  networkId: string,
): Promise<{ physicalNetwork: string; segmentationId: number } | undefined> {
  for (const r of ranges) {
    // NOTE: re-read after each lost race: the winner's row is committed (PostgreSQL) by then.
    for (let attempt = 0; attempt < 1000; attempt++) {
      const taken = await db
        .selectFrom('segment_allocations')
        .select('segmentation_id')
        .where('network_type', '=', networkType)
        .where('physical_network', '=', r.physicalNetwork)
        .where('segmentation_id', '>=', r.min)
        .where('segmentation_id', '<=', r.max)
        .execute()
      const used = new Set(taken.map((t) => Number(t.segmentation_id)))
      let candidate: number | undefined
      for (let id = r.min; id <= r.max; id++) {
        if (!used.has(id)) {
          candidate = id
          break
        }
      }
      if (candidate === undefined) break
      if (await claimSegment(db, networkType, r.physicalNetwork, candidate, networkId)) {
        return { physicalNetwork: r.physicalNetwork, segmentationId: candidate }
      }
    }
  }
  return undefined
}

/** Parses 'min:max' entries (vni_ranges, tunnel_id_ranges); throws a plain Error naming the option. */
export function parseTunnelRanges(
  option: string,
  entries: readonly string[],
  lo: number,
  hi: number,
): IdRange[] {
  return entries.map((e) => {
    const m = /^\s*(\d+)\s*:\s*(\d+)\s*$/.exec(e)
    const min = Number(m?.[1])
    const max = Number(m?.[2])
    if (!m || min > max || min < lo || max > hi)
      throw new Error(
        `invalid ${option} entry ${JSON.stringify(e)}: want min:max within ${lo}..${hi}`,
      )
    return { physicalNetwork: '', min, max }
  })
}
