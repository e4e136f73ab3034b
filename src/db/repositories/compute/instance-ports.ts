import type { Insertable, Selectable } from 'kysely'
import type { InstancePortTable } from '../../compute-schema.js'
import type { Db } from '../../database.js'

export type InstancePortRow = Selectable<InstancePortTable>

export async function insertInstancePort(
  db: Db,
  row: Insertable<InstancePortTable>,
): Promise<void> {
  await db.insertInto('instance_ports').values(row).execute()
}

/** Ports of many instances, keyed by instance uuid. */
export async function portsOfInstances(
  db: Db,
  instanceUuids: readonly string[],
): Promise<Map<string, InstancePortRow[]>> {
  const out = new Map<string, InstancePortRow[]>()
  for (let i = 0; i < instanceUuids.length; i += 500) {
    const chunk = instanceUuids.slice(i, i + 500)
    if (chunk.length === 0) continue
    const rows = await db
      .selectFrom('instance_ports')
      .selectAll()
      .where('instance_uuid', 'in', chunk)
      .orderBy('created_at')
      .orderBy('port_id')
      .execute()
    for (const r of rows) {
      const list = out.get(r.instance_uuid) ?? []
      list.push(r)
      out.set(r.instance_uuid, list)
    }
  }
  return out
}

export async function deleteInstancePort(db: Db, portId: string): Promise<void> {
  await db.deleteFrom('instance_ports').where('port_id', '=', portId).execute()
}
