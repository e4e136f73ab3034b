import { randomUUID } from 'node:crypto'
import type { Db } from '../../database.js'
import type { ComputeServiceTable } from '../../compute-schema.js'

export type ComputeServiceRow = Omit<ComputeServiceTable, 'id'> & { id: number }

/**
 * Records a heartbeat of (host, binary): creates the service row on first
 * report, then bumps report_count and last_seen_up (Nova's servicegroup DB driver).
 */
export async function heartbeat(
  db: Db,
  s: { host: string; binary: string; topic: string },
  now = new Date().toISOString(),
): Promise<void> {
  const updated = await db
    .updateTable('compute_services')
    .set((eb) => ({
      last_seen_up: now,
      updated_at: now,
      report_count: eb('report_count', '+', 1),
    }))
    .where('host', '=', s.host)
    .where('binary', '=', s.binary)
    .executeTakeFirst()
  if (Number(updated.numUpdatedRows) > 0) return
  await db
    .insertInto('compute_services')
    .values({
      uuid: randomUUID(),
      host: s.host,
      binary: s.binary,
      topic: s.topic,
      disabled: 0,
      disabled_reason: null,
      forced_down: 0,
      last_seen_up: now,
      report_count: 1,
      version: 1,
      created_at: now,
      updated_at: now,
    })
    // Two first heartbeats racing: the loser's row already exists.
    .onConflict((oc) => oc.columns(['host', 'binary']).doNothing())
    .execute()
}

export async function getServiceByHost(
  db: Db,
  host: string,
  binary: string,
): Promise<ComputeServiceRow | undefined> {
  return db
    .selectFrom('compute_services')
    .selectAll()
    .where('host', '=', host)
    .where('binary', '=', binary)
    .executeTakeFirst()
}
