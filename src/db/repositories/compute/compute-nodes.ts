import { randomUUID } from 'node:crypto'
import type { Db } from '../../database.js'
import type { ComputeNodeTable } from '../../compute-schema.js'

export type ComputeNodeRow = Omit<ComputeNodeTable, 'id'> & { id: number }

/** The columns a node report fills (everything but identity and timestamps). */
export type NodeReportValues = Omit<
  ComputeNodeTable,
  'id' | 'uuid' | 'host' | 'nodename' | 'created_at' | 'updated_at'
>

/** Creates or updates the row of (host, nodename); answers the row (its uuid is the provider uuid). */
export async function upsertComputeNode(
  db: Db,
  host: string,
  nodename: string,
  values: NodeReportValues,
  now = new Date().toISOString(),
): Promise<ComputeNodeRow> {
  const existing = await getComputeNode(db, host, nodename)
  if (existing) {
    await db
      .updateTable('compute_nodes')
      .set({ ...values, updated_at: now })
      .where('id', '=', existing.id)
      .execute()
  } else {
    await db
      .insertInto('compute_nodes')
      .values({ ...values, uuid: randomUUID(), host, nodename, created_at: now, updated_at: now })
      .onConflict((oc) =>
        oc.columns(['host', 'nodename']).doUpdateSet({ ...values, updated_at: now }),
      )
      .execute()
  }
  const row = await getComputeNode(db, host, nodename)
  if (!row) throw new Error(`compute node ${host}/${nodename} vanished while reporting`)
  return row
}

export async function getComputeNode(
  db: Db,
  host: string,
  nodename: string,
): Promise<ComputeNodeRow | undefined> {
  return db
    .selectFrom('compute_nodes')
    .selectAll()
    .where('host', '=', host)
    .where('nodename', '=', nodename)
    .executeTakeFirst()
}

export async function listComputeNodes(db: Db): Promise<ComputeNodeRow[]> {
  return db.selectFrom('compute_nodes').selectAll().orderBy('id').execute()
}
