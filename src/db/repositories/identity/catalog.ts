/** Queries for the service catalog: regions, services and endpoints. */
import type { Db } from '../../database.js'
import type { EndpointTable, RegionTable, ServiceTable } from '../../schema.js'

export type RegionRow = RegionTable
export type ServiceRow = ServiceTable
export type EndpointRow = EndpointTable

export function getRegion(db: Db, id: string): Promise<RegionRow | undefined> {
  return db.selectFrom('regions').selectAll().where('id', '=', id).executeTakeFirst()
}

/** All regions, optionally only the children of one parent. */
export function listRegions(
  db: Db,
  filter: { parentRegionId?: string } = {},
): Promise<RegionRow[]> {
  let q = db.selectFrom('regions').selectAll()
  if (filter.parentRegionId !== undefined)
    q = q.where('parent_region_id', '=', filter.parentRegionId)
  return q.orderBy('id').execute()
}

export async function insertRegion(db: Db, row: RegionRow): Promise<void> {
  await db.insertInto('regions').values(row).execute()
}

export async function updateRegion(
  db: Db,
  id: string,
  patch: Partial<Omit<RegionRow, 'id'>>,
): Promise<void> {
  await db.updateTable('regions').set(patch).where('id', '=', id).execute()
}

/** Deletes the regions with these ids (the caller collects the subtree). */
export async function deleteRegions(db: Db, ids: readonly string[]): Promise<void> {
  if (ids.length > 0) await db.deleteFrom('regions').where('id', 'in', ids).execute()
}

export async function countEndpointsInRegions(db: Db, ids: readonly string[]): Promise<number> {
  if (ids.length === 0) return 0
  const r = await db
    .selectFrom('endpoints')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where('region_id', 'in', ids)
    .executeTakeFirst()
  return Number(r?.n ?? 0)
}

export function getService(db: Db, id: string): Promise<ServiceRow | undefined> {
  return db.selectFrom('services').selectAll().where('id', '=', id).executeTakeFirst()
}

export function listServices(db: Db, filter: { type?: string } = {}): Promise<ServiceRow[]> {
  let q = db.selectFrom('services').selectAll()
  if (filter.type !== undefined) q = q.where('type', '=', filter.type)
  return q.orderBy('type').orderBy('id').execute()
}

export async function insertService(db: Db, row: ServiceRow): Promise<void> {
  await db.insertInto('services').values(row).execute()
}

export async function updateService(
  db: Db,
  id: string,
  patch: Partial<Omit<ServiceRow, 'id'>>,
): Promise<void> {
  await db.updateTable('services').set(patch).where('id', '=', id).execute()
}

/** Deletes a service and, as Keystone does, every endpoint of it. */
export async function deleteService(db: Db, id: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx.deleteFrom('endpoints').where('service_id', '=', id).execute()
    await trx.deleteFrom('services').where('id', '=', id).execute()
  })
}

export function getEndpoint(db: Db, id: string): Promise<EndpointRow | undefined> {
  return db.selectFrom('endpoints').selectAll().where('id', '=', id).executeTakeFirst()
}

export interface EndpointFilter {
  readonly serviceId?: string
  readonly interface?: string
  readonly regionId?: string
}

export function listEndpoints(db: Db, filter: EndpointFilter = {}): Promise<EndpointRow[]> {
  let q = db.selectFrom('endpoints').selectAll()
  if (filter.serviceId !== undefined) q = q.where('service_id', '=', filter.serviceId)
  if (filter.interface !== undefined) q = q.where('interface', '=', filter.interface)
  if (filter.regionId !== undefined) q = q.where('region_id', '=', filter.regionId)
  return q.orderBy('id').execute()
}

export async function insertEndpoint(db: Db, row: EndpointRow): Promise<void> {
  await db.insertInto('endpoints').values(row).execute()
}

export async function updateEndpoint(
  db: Db,
  id: string,
  patch: Partial<Omit<EndpointRow, 'id'>>,
): Promise<void> {
  await db.updateTable('endpoints').set(patch).where('id', '=', id).execute()
}

export async function deleteEndpoint(db: Db, id: string): Promise<void> {
  await db.deleteFrom('endpoints').where('id', '=', id).execute()
}
