import type { Selectable } from 'kysely'
import type { Db } from '../../database.js'
import type { IpAllocationTable } from '../../network-schema.js'

export type IpAllocationRow = Selectable<IpAllocationTable>

/**
 * Claims one address. Returns false when someone else holds it. ON CONFLICT
 * DO NOTHING rather than catching the unique violation: on PostgreSQL a
 * failed INSERT would abort the caller's whole transaction, while this waits
 * for a racing uncommitted claim and then reports it taken (or free).
 */
export async function claimIp(db: Db, row: IpAllocationRow): Promise<boolean> {
  const r = await db
    .insertInto('ip_allocations')
    .values(row)
    .onConflict((oc) => oc.columns(['subnet_id', 'ip_address']).doNothing())
    .executeTakeFirst()
  return Number(r.numInsertedOrUpdatedRows ?? 0n) > 0
}

/** Addresses taken on a subnet (as stored: canonical text). */
export async function usedIps(db: Db, subnetId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('ip_allocations')
    .select('ip_address')
    .where('subnet_id', '=', subnetId)
    .execute()
  return rows.map((r) => r.ip_address)
}

export async function ipTaken(
  db: Db,
  subnetId: string,
  ip: string,
): Promise<IpAllocationRow | undefined> {
  return db
    .selectFrom('ip_allocations')
    .selectAll()
    .where('subnet_id', '=', subnetId)
    .where('ip_address', '=', ip)
    .executeTakeFirst()
}

/** Allocations of some ports (all when `portIds` is undefined), chunked under parameter limits. */
export async function allocationsOfPorts(
  db: Db,
  portIds?: readonly string[],
): Promise<IpAllocationRow[]> {
  if (!portIds) return db.selectFrom('ip_allocations').selectAll().execute()
  const out: IpAllocationRow[] = []
  for (let i = 0; i < portIds.length; i += 500) {
    const chunk = portIds.slice(i, i + 500)
    out.push(
      ...(await db
        .selectFrom('ip_allocations')
        .selectAll()
        .where('port_id', 'in', chunk)
        .execute()),
    )
  }
  return out
}

export async function allocationsOfSubnet(db: Db, subnetId: string): Promise<IpAllocationRow[]> {
  return db.selectFrom('ip_allocations').selectAll().where('subnet_id', '=', subnetId).execute()
}

export async function releaseIp(
  db: Db,
  portId: string,
  subnetId: string,
  ip: string,
): Promise<void> {
  await db
    .deleteFrom('ip_allocations')
    .where('port_id', '=', portId)
    .where('subnet_id', '=', subnetId)
    .where('ip_address', '=', ip)
    .execute()
}

export async function releasePortIps(db: Db, portId: string): Promise<void> {
  await db.deleteFrom('ip_allocations').where('port_id', '=', portId).execute()
}

/** Allocations per subnet of a set of subnets: network IP availability's used_ips. */
export async function countBySubnet(
  db: Db,
  subnetIds: readonly string[],
): Promise<Map<string, number>> {
  const out = new Map<string, number>()
  if (subnetIds.length === 0) return out
  const rows = await db
    .selectFrom('ip_allocations')
    .select(['subnet_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('subnet_id', 'in', subnetIds)
    .groupBy('subnet_id')
    .execute()
  for (const r of rows) out.set(r.subnet_id, Number(r.n))
  return out
}
