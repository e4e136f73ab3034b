import type { Insertable, Selectable, Updateable } from 'kysely'
import type { Db } from '../../database.js'
import type { PortTable } from '../../network-schema.js'

export type PortRow = Selectable<PortTable>

/** Inserts a port; false when the MAC is already used on its network (UNIQUE network_id+mac_address). */
export async function insertPort(db: Db, row: Insertable<PortTable>): Promise<boolean> {
  const r = await db
    .insertInto('ports')
    .values(row)
    .onConflict((oc) => oc.columns(['network_id', 'mac_address']).doNothing())
    .executeTakeFirst()
  return Number(r.numInsertedOrUpdatedRows ?? 0n) > 0
}

export async function getPort(db: Db, id: string): Promise<PortRow | undefined> {
  return db.selectFrom('ports').selectAll().where('id', '=', id).executeTakeFirst()
}

export async function macInUse(db: Db, networkId: string, mac: string): Promise<boolean> {
  const r = await db
    .selectFrom('ports')
    .select('id')
    .where('network_id', '=', networkId)
    .where('mac_address', '=', mac)
    .executeTakeFirst()
  return r !== undefined
}

export interface PortFilter {
  readonly networkIds?: readonly string[]
  readonly projectId?: string
  readonly deviceId?: readonly string[]
  readonly deviceOwner?: readonly string[]
}

/** Ports narrowed in SQL by the common filters (the rest is done on views). */
export async function listPorts(db: Db, f: PortFilter = {}): Promise<PortRow[]> {
  let q = db.selectFrom('ports').selectAll()
  if (f.networkIds) {
    if (f.networkIds.length === 0) return []
    q = q.where('network_id', 'in', f.networkIds)
  }
  if (f.projectId !== undefined) q = q.where('project_id', '=', f.projectId)
  if (f.deviceId?.length) q = q.where('device_id', 'in', f.deviceId)
  if (f.deviceOwner?.length) q = q.where('device_owner', 'in', f.deviceOwner)
  return q.execute()
}

export async function portsOfNetwork(db: Db, networkId: string): Promise<PortRow[]> {
  return db.selectFrom('ports').selectAll().where('network_id', '=', networkId).execute()
}

export async function updatePortRow(
  db: Db,
  id: string,
  changes: Updateable<PortTable>,
): Promise<void> {
  await db.updateTable('ports').set(changes).where('id', '=', id).execute()
}

export async function deletePortRow(db: Db, id: string): Promise<void> {
  await db.deleteFrom('port_security_groups').where('port_id', '=', id).execute()
  await db.deleteFrom('ip_allocations').where('port_id', '=', id).execute()
  await db.deleteFrom('ports').where('id', '=', id).execute()
}

/** Security groups of many ports, keyed by port id. */
export async function portGroups(
  db: Db,
  portIds?: readonly string[],
): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>()
  const rows: { port_id: string; security_group_id: string }[] = []
  if (!portIds) rows.push(...(await db.selectFrom('port_security_groups').selectAll().execute()))
  else
    for (let i = 0; i < portIds.length; i += 500) {
      const chunk = portIds.slice(i, i + 500)
      if (chunk.length)
        rows.push(
          ...(await db
            .selectFrom('port_security_groups')
            .selectAll()
            .where('port_id', 'in', chunk)
            .execute()),
        )
    }
  for (const r of rows) {
    const l = out.get(r.port_id)
    if (l) l.push(r.security_group_id)
    else out.set(r.port_id, [r.security_group_id])
  }
  return out
}

export async function setPortGroups(
  db: Db,
  portId: string,
  groupIds: readonly string[],
): Promise<void> {
  await db.deleteFrom('port_security_groups').where('port_id', '=', portId).execute()
  if (groupIds.length) {
    await db
      .insertInto('port_security_groups')
      .values(
        [...new Set(groupIds)].map((security_group_id) => ({ port_id: portId, security_group_id })),
      )
      .execute()
  }
}

/**
 * Ports bound with `vif_type` (e.g. 'dvs') whose port security is on: id,
 * network and the ids of their security groups. The DVS mechanism driver
 * derives the filtered port groups in use from them.
 */
export async function filteredPortsBoundAs(
  db: Db,
  vifType: string,
): Promise<{ id: string; network_id: string; groups: string[] }[]> {
  const ports = await db
    .selectFrom('ports')
    .select(['id', 'network_id'])
    .where('binding_vif_type', '=', vifType)
    .where('port_security_enabled', '=', 1)
    .execute()
  const groups = await portGroups(
    db,
    ports.map((p) => p.id),
  )
  return ports.map((p) => ({ ...p, groups: groups.get(p.id) ?? [] }))
}
