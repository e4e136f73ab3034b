import type { Insertable, Selectable, Updateable } from 'kysely'
import type { Db } from '../../database.js'
import type { SubnetTable } from '../../network-schema.js'

export type SubnetRow = Selectable<SubnetTable>

export async function insertSubnet(db: Db, row: Insertable<SubnetTable>): Promise<void> {
  await db.insertInto('subnets').values(row).execute()
}

export async function getSubnet(db: Db, id: string): Promise<SubnetRow | undefined> {
  return db.selectFrom('subnets').selectAll().where('id', '=', id).executeTakeFirst()
}

/** Subnets of some networks (all subnets when `networkIds` is undefined). */
export async function listSubnets(db: Db, networkIds?: readonly string[]): Promise<SubnetRow[]> {
  if (networkIds?.length === 0) return []
  let q = db.selectFrom('subnets').selectAll()
  if (networkIds) q = q.where('network_id', 'in', networkIds)
  return q.orderBy('created_at').orderBy('id').execute()
}

export async function subnetsOfNetwork(db: Db, networkId: string): Promise<SubnetRow[]> {
  return listSubnets(db, [networkId])
}

export async function updateSubnetRow(
  db: Db,
  id: string,
  changes: Updateable<SubnetTable>,
): Promise<void> {
  await db.updateTable('subnets').set(changes).where('id', '=', id).execute()
}

export async function deleteSubnetRow(db: Db, id: string): Promise<void> {
  await db.deleteFrom('subnets').where('id', '=', id).execute()
}

/** Subnets allocated from a pool (a pool in use cannot be deleted; its prefixes are taken). */
export async function subnetsOfPool(db: Db, poolId: string): Promise<SubnetRow[]> {
  return db.selectFrom('subnets').selectAll().where('subnetpool_id', '=', poolId).execute()
}
