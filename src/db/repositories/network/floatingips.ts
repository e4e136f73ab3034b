import type { Insertable, Selectable } from 'kysely'
import type { Db } from '../../database.js'
import type { FloatingIpTable } from '../../network-schema.js'

export type FloatingIpRow = Selectable<FloatingIpTable>

export async function findFloatingIp(db: Db, id: string): Promise<FloatingIpRow | undefined> {
  return db.selectFrom('floatingips').selectAll().where('id', '=', id).executeTakeFirst()
}

/** Floating IPs of one project, or of all projects when `projectId` is undefined (admin). */
export async function listFloatingIps(
  db: Db,
  projectId: string | undefined,
): Promise<FloatingIpRow[]> {
  return db
    .selectFrom('floatingips')
    .selectAll()
    .$if(projectId !== undefined, (q) => q.where('project_id', '=', projectId ?? ''))
    .execute()
}

export async function insertFloatingIp(db: Db, row: Insertable<FloatingIpTable>): Promise<void> {
  await db.insertInto('floatingips').values(row).execute()
}

export type FloatingIpChanges = Partial<
  Pick<FloatingIpRow, 'description' | 'fixed_port_id' | 'fixed_ip_address' | 'router_id' | 'status'>
>

export async function updateFloatingIp(
  db: Db,
  id: string,
  changes: FloatingIpChanges,
  now: string,
): Promise<void> {
  await db
    .updateTable('floatingips')
    .set((eb) => ({ ...changes, updated_at: now, revision_number: eb('revision_number', '+', 1) }))
    .where('id', '=', id)
    .execute()
}

export async function deleteFloatingIp(db: Db, id: string): Promise<void> {
  await db.deleteFrom('floatingips').where('id', '=', id).execute()
}

/** The floating IP already bound to this port and fixed IP on that external network, if any. */
export async function findFloatingIpByFixed(
  db: Db,
  networkId: string,
  portId: string,
  fixedIp: string,
): Promise<FloatingIpRow | undefined> {
  return db
    .selectFrom('floatingips')
    .selectAll()
    .where('floating_network_id', '=', networkId)
    .where('fixed_port_id', '=', portId)
    .where('fixed_ip_address', '=', fixedIp)
    .executeTakeFirst()
}

/** Floating IPs associated through a router (for the "in use" checks on interfaces and gateways). */
export async function floatingIpsOfRouter(db: Db, routerId: string): Promise<FloatingIpRow[]> {
  // The join skips associations whose port is gone (deleted without the L3 port hook).
  return db
    .selectFrom('floatingips')
    .innerJoin('ports', 'ports.id', 'floatingips.fixed_port_id')
    .selectAll('floatingips')
    .where('floatingips.router_id', '=', routerId)
    .execute()
}

/**
 * Neutron's disassociate_floatingips: a port going away (deleted through the
 * ports API) leaves its floating IPs allocated but unbound.
 */
export async function disassociateFloatingIpsOfPort(
  db: Db,
  portId: string,
  now: string,
): Promise<void> {
  await db
    .updateTable('floatingips')
    .set((eb) => ({
      fixed_port_id: null,
      fixed_ip_address: null,
      router_id: null,
      status: 'DOWN',
      updated_at: now,
      revision_number: eb('revision_number', '+', 1),
    }))
    .where('fixed_port_id', '=', portId)
    .execute()
}
