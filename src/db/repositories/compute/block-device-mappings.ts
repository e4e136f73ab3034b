import type { Insertable, Selectable } from 'kysely'
import type { BlockDeviceMappingTable } from '../../compute-schema.js'
import type { Db } from '../../database.js'

export type BdmRow = Selectable<BlockDeviceMappingTable>
export type NewBdm = Insertable<BlockDeviceMappingTable>

export async function insertBdms(db: Db, rows: readonly NewBdm[]): Promise<void> {
  if (rows.length === 0) return
  await db
    .insertInto('block_device_mappings')
    .values([...rows])
    .execute()
}

/** Block devices of an instance, boot device first. */
export async function bdmsOf(db: Db, instanceUuid: string): Promise<BdmRow[]> {
  const rows = await db
    .selectFrom('block_device_mappings')
    .selectAll()
    .where('instance_uuid', '=', instanceUuid)
    .orderBy('id')
    .execute()
  return sortBootFirst(rows)
}

/** Block devices of many instances, keyed by instance uuid. */
export async function bdmsOfMany(
  db: Db,
  instanceUuids: readonly string[],
): Promise<Map<string, BdmRow[]>> {
  const out = new Map<string, BdmRow[]>()
  for (let i = 0; i < instanceUuids.length; i += 500) {
    const chunk = instanceUuids.slice(i, i + 500)
    if (chunk.length === 0) continue
    const rows = await db
      .selectFrom('block_device_mappings')
      .selectAll()
      .where('instance_uuid', 'in', chunk)
      .orderBy('id')
      .execute()
    for (const r of rows) {
      const list = out.get(r.instance_uuid) ?? []
      list.push(r)
      out.set(r.instance_uuid, list)
    }
  }
  for (const [k, v] of out) out.set(k, sortBootFirst(v))
  return out
}

function sortBootFirst(rows: BdmRow[]): BdmRow[] {
  const key = (r: BdmRow): number =>
    r.boot_index === null || r.boot_index < 0 ? 1e9 : r.boot_index
  return [...rows].sort((a, b) => key(a) - key(b) || a.id - b.id)
}
