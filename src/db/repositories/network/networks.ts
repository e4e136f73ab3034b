import type { Insertable, Selectable, Updateable } from 'kysely'
import type { Db } from '../../database.js'
import type { NetworkTable } from '../../network-schema.js'

export type NetworkRow = Selectable<NetworkTable>

export async function insertNetwork(db: Db, row: Insertable<NetworkTable>): Promise<void> {
  await db.insertInto('networks').values(row).execute()
}

export async function getNetwork(db: Db, id: string): Promise<NetworkRow | undefined> {
  return db.selectFrom('networks').selectAll().where('id', '=', id).executeTakeFirst()
}

/** Applies a change and bumps revision_number (Neutron's standard-attr-revisions). */
export async function updateNetworkRow(
  db: Db,
  id: string,
  patch: Updateable<NetworkTable>,
  updatedAt: string,
): Promise<void> {
  await db
    .updateTable('networks')
    .set((eb) => ({
      ...patch,
      updated_at: updatedAt,
      revision_number: eb('revision_number', '+', 1),
    }))
    .where('id', '=', id)
    .execute()
}

export async function deleteNetworkRow(db: Db, id: string): Promise<void> {
  await db.deleteFrom('networks').where('id', '=', id).execute()
}

/** Subnet ids of the given networks (the `subnets` attribute), sorted per network. */
export async function subnetIdsByNetwork(
  db: Db,
  networkIds: readonly string[] | 'all',
): Promise<Map<string, string[]>> {
  let q = db.selectFrom('subnets').select(['id', 'network_id']).orderBy('id')
  if (networkIds !== 'all') {
    if (networkIds.length === 0) return new Map()
    q = q.where('network_id', 'in', [...networkIds])
  }
  const out = new Map<string, string[]>()
  for (const r of await q.execute()) out.set(r.network_id, [...(out.get(r.network_id) ?? []), r.id])
  return out
}

/** Ports on the network whose device_owner is not one of `autoDeleted` (they block a delete). */
export async function blockingPortIds(
  db: Db,
  networkId: string,
  autoDeleted: readonly string[],
): Promise<string[]> {
  const rows = await db
    .selectFrom('ports')
    .select('id')
    .where('network_id', '=', networkId)
    .where('device_owner', 'not in', [...autoDeleted])
    .execute()
  return rows.map((r) => r.id)
}
