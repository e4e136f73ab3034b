import type { Db } from '../../database.js'

/**
 * Host aggregates as placement and the scheduler see them. The tables belong
 * to compute-resources (migration 0010): aggregates, aggregate_hosts,
 * aggregate_metadata; this module only reads them.
 */
export interface HostAggregate {
  readonly uuid: string
  readonly name: string
  readonly metadata: Readonly<Record<string, string>>
}

/** Every aggregate with its metadata, keyed by the compute hosts in it (one query per table). */
export async function aggregatesByHost(db: Db): Promise<Map<string, HostAggregate[]>> {
  const [aggs, hosts, meta] = await Promise.all([
    db.selectFrom('aggregates').select(['id', 'uuid', 'name']).execute(),
    db.selectFrom('aggregate_hosts').select(['aggregate_id', 'host']).execute(),
    db.selectFrom('aggregate_metadata').select(['aggregate_id', 'key', 'value']).execute(),
  ])
  return groupByHost(aggs, hosts, meta)
}

/** The aggregates one host is in, with their metadata. */
export async function aggregatesOfHost(db: Db, host: string): Promise<HostAggregate[]> {
  const hosts = await db
    .selectFrom('aggregate_hosts')
    .select(['aggregate_id', 'host'])
    .where('host', '=', host)
    .execute()
  if (hosts.length === 0) return []
  const ids = hosts.map((h) => h.aggregate_id)
  const [aggs, meta] = await Promise.all([
    db.selectFrom('aggregates').select(['id', 'uuid', 'name']).where('id', 'in', ids).execute(),
    db
      .selectFrom('aggregate_metadata')
      .select(['aggregate_id', 'key', 'value'])
      .where('aggregate_id', 'in', ids)
      .execute(),
  ])
  return groupByHost(aggs, hosts, meta).get(host) ?? []
}

function groupByHost(
  aggs: ReadonlyArray<{ id: number; uuid: string; name: string }>,
  hosts: ReadonlyArray<{ aggregate_id: number; host: string }>,
  meta: ReadonlyArray<{ aggregate_id: number; key: string; value: string }>,
): Map<string, HostAggregate[]> {
  const metaById = new Map<number, Record<string, string>>()
  for (const m of meta) {
    let r = metaById.get(m.aggregate_id)
    if (!r) metaById.set(m.aggregate_id, (r = {}))
    r[m.key] = m.value
  }
  const byId = new Map<number, HostAggregate>(
    aggs.map((a) => [a.id, { uuid: a.uuid, name: a.name, metadata: metaById.get(a.id) ?? {} }]),
  )
  const out = new Map<string, HostAggregate[]>()
  for (const h of hosts) {
    const agg = byId.get(h.aggregate_id)
    if (!agg) continue
    let list = out.get(h.host)
    if (!list) out.set(h.host, (list = []))
    list.push(agg)
  }
  return out
}
