import type { Selectable } from 'kysely'
import type { Db } from '../../database.js'
import type { NetworkSegmentTable } from '../../network-schema.js'

export type SegmentRow = Selectable<NetworkSegmentTable>

/** Stores a new network's segments in order (segment_index 0, 1, …). */
export async function insertSegments(db: Db, rows: readonly SegmentRow[]): Promise<void> {
  if (rows.length > 0)
    await db
      .insertInto('network_segments')
      .values([...rows])
      .execute()
}

/** Segments of the given networks, by network id, in segment_index order. */
export async function segmentsByNetwork(
  db: Db,
  networkIds: readonly string[],
): Promise<Map<string, SegmentRow[]>> {
  const out = new Map<string, SegmentRow[]>()
  if (networkIds.length === 0) return out
  const rows = await db
    .selectFrom('network_segments')
    .selectAll()
    .where('network_id', 'in', [...networkIds])
    .orderBy('network_id')
    .orderBy('segment_index')
    .execute()
  for (const r of rows) {
    const list = out.get(r.network_id)
    if (list) list.push(r)
    else out.set(r.network_id, [r])
  }
  return out
}

/** All segments of all networks (large lists: one query instead of an IN list). */
export async function allSegments(db: Db): Promise<Map<string, SegmentRow[]>> {
  const rows = await db
    .selectFrom('network_segments')
    .selectAll()
    .orderBy('segment_index')
    .execute()
  const out = new Map<string, SegmentRow[]>()
  for (const r of rows) out.set(r.network_id, [...(out.get(r.network_id) ?? []), r])
  return out
}

export async function deleteSegmentsOfNetwork(db: Db, networkId: string): Promise<void> {
  await db.deleteFrom('network_segments').where('network_id', '=', networkId).execute()
}
