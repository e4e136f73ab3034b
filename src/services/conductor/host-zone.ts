import type { Db } from '../../db/database.js'

/** The availability zone of a compute host: its aggregate's availability_zone, else the default zone. */
export async function zoneOfHost(db: Db, host: string, defaultZone: string): Promise<string> {
  const row = await db
    .selectFrom('aggregate_hosts as h')
    .innerJoin('aggregate_metadata as m', 'm.aggregate_id', 'h.aggregate_id')
    .select('m.value')
    .where('h.host', '=', host)
    .where('m.key', '=', 'availability_zone')
    .orderBy('h.aggregate_id')
    .executeTakeFirst()
  return row?.value ?? defaultZone
}
