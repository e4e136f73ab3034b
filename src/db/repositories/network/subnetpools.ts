import type { Insertable, Selectable, Updateable } from 'kysely'
import type { Db } from '../../database.js'
import type { SubnetPoolTable } from '../../network-schema.js'

export type SubnetPoolRow = Selectable<SubnetPoolTable>

export async function insertSubnetPool(db: Db, row: Insertable<SubnetPoolTable>): Promise<void> {
  await db.insertInto('subnetpools').values(row).execute()
}

export async function getSubnetPool(db: Db, id: string): Promise<SubnetPoolRow | undefined> {
  return db.selectFrom('subnetpools').selectAll().where('id', '=', id).executeTakeFirst()
}

export async function listSubnetPools(db: Db): Promise<SubnetPoolRow[]> {
  return db.selectFrom('subnetpools').selectAll().orderBy('created_at').orderBy('id').execute()
}

export async function updateSubnetPoolRow(
  db: Db,
  id: string,
  changes: Updateable<SubnetPoolTable>,
): Promise<void> {
  await db.updateTable('subnetpools').set(changes).where('id', '=', id).execute()
}

export async function deleteSubnetPoolRow(db: Db, id: string): Promise<void> {
  await db.deleteFrom('subnetpools').where('id', '=', id).execute()
}
