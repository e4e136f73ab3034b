import type { Insertable, Selectable } from 'kysely'
import type { Db } from '../../database.js'
import type { RouterTable } from '../../network-schema.js'

export type RouterRow = Selectable<RouterTable>

/** Neutron's router port types (router_ports.port_type = the port's device_owner). */
export const ROUTER_INTERFACE = 'network:router_interface'
export const ROUTER_GATEWAY = 'network:router_gateway'

/** A port attached to a router with its fixed IPs (one row per IP; a port with none yields no rows). */
export interface RouterPortIp {
  readonly router_id: string
  readonly port_id: string
  readonly port_type: string
  readonly network_id: string
  readonly subnet_id: string
  readonly ip_address: string
}

/**
 * Takes the router's row lock for the rest of the transaction (a no-op
 * write: PostgreSQL row-locks it, SQLite already serialises writers), so
 * concurrent gateway or interface changes on one router run one at a time.
 */
export async function lockRouter(db: Db, id: string): Promise<void> {
  await db
    .updateTable('routers')
    .set((eb) => ({ revision_number: eb.ref('revision_number') }))
    .where('id', '=', id)
    .execute()
}

export async function findRouter(db: Db, id: string): Promise<RouterRow | undefined> {
  return db.selectFrom('routers').selectAll().where('id', '=', id).executeTakeFirst()
}

/** Routers of one project, or of all projects when `projectId` is undefined (admin). */
export async function listRouters(db: Db, projectId: string | undefined): Promise<RouterRow[]> {
  return db
    .selectFrom('routers')
    .selectAll()
    .$if(projectId !== undefined, (q) => q.where('project_id', '=', projectId ?? ''))
    .execute()
}

export async function insertRouter(db: Db, row: Insertable<RouterTable>): Promise<void> {
  await db.insertInto('routers').values(row).execute()
}

export type RouterChanges = Partial<
  Pick<
    RouterRow,
    | 'name'
    | 'description'
    | 'admin_state_up'
    | 'routes'
    | 'gw_port_id'
    | 'external_network_id'
    | 'enable_snat'
  >
>

export async function updateRouter(
  db: Db,
  id: string,
  changes: RouterChanges,
  now: string,
): Promise<void> {
  await db
    .updateTable('routers')
    .set((eb) => ({ ...changes, updated_at: now, revision_number: eb('revision_number', '+', 1) }))
    .where('id', '=', id)
    .execute()
}

export async function deleteRouter(db: Db, id: string): Promise<void> {
  await db.deleteFrom('router_ports').where('router_id', '=', id).execute()
  await db.deleteFrom('routers').where('id', '=', id).execute()
}

export async function insertRouterPort(
  db: Db,
  routerId: string,
  portId: string,
  portType: string,
): Promise<void> {
  await db
    .insertInto('router_ports')
    .values({ router_id: routerId, port_id: portId, port_type: portType })
    .execute()
}

export async function deleteRouterPort(db: Db, portId: string): Promise<void> {
  await db.deleteFrom('router_ports').where('port_id', '=', portId).execute()
}

/** The router a port is attached to, if any. */
export async function findRouterPort(
  db: Db,
  portId: string,
): Promise<{ router_id: string; port_type: string } | undefined> {
  return db
    .selectFrom('router_ports')
    .select(['router_id', 'port_type'])
    .where('port_id', '=', portId)
    .executeTakeFirst()
}

/** Router port ids by type. */
export async function routerPortIds(
  db: Db,
  routerId: string,
  portType?: string,
): Promise<string[]> {
  const rows = await db
    .selectFrom('router_ports')
    .select('port_id')
    .where('router_id', '=', routerId)
    .$if(portType !== undefined, (q) => q.where('port_type', '=', portType ?? ''))
    .execute()
  return rows.map((r) => r.port_id)
}

/** The fixed IPs of every port of the given routers (all routers when `routerIds` is undefined). */
export async function routerPortIps(
  db: Db,
  routerIds?: readonly string[],
): Promise<RouterPortIp[]> {
  if (routerIds !== undefined && routerIds.length === 0) return []
  return db
    .selectFrom('router_ports')
    .innerJoin('ip_allocations', 'ip_allocations.port_id', 'router_ports.port_id')
    .select([
      'router_ports.router_id',
      'router_ports.port_id',
      'router_ports.port_type',
      'ip_allocations.network_id',
      'ip_allocations.subnet_id',
      'ip_allocations.ip_address',
    ])
    .$if(routerIds !== undefined, (q) => q.where('router_ports.router_id', 'in', routerIds ?? []))
    .execute()
}
