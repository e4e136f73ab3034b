import type { Selectable } from 'kysely'
import type { Db } from '../../database.js'
import type { AllocationTable } from '../../placement-schema.js'

export type AllocationRow = Selectable<AllocationTable>

export async function listConsumerAllocations(
  db: Db,
  consumerUuid: string,
): Promise<AllocationRow[]> {
  return db
    .selectFrom('allocations')
    .selectAll()
    .where('consumer_uuid', '=', consumerUuid)
    .orderBy('id')
    .execute()
}

/** Sum of `used` per resource class on one provider, leaving out one consumer's own allocations. */
export async function providerUsage(
  db: Db,
  providerUuid: string,
  exceptConsumer?: string,
): Promise<Record<string, number>> {
  const rows = await db
    .selectFrom('allocations')
    .select(['resource_class', (eb) => eb.fn.sum<number | string>('used').as('used')])
    .where('resource_provider_uuid', '=', providerUuid)
    .$if(exceptConsumer !== undefined, (q) => q.where('consumer_uuid', '!=', exceptConsumer ?? ''))
    .groupBy('resource_class')
    .execute()
  const out: Record<string, number> = {}
  for (const r of rows) out[r.resource_class] = Number(r.used)
  return out
}

/** Usage of every provider at once (scheduler host states): provider → class → used. */
export async function allProviderUsages(db: Db): Promise<Map<string, Record<string, number>>> {
  const rows = await db
    .selectFrom('allocations')
    .select([
      'resource_provider_uuid',
      'resource_class',
      (eb) => eb.fn.sum<number | string>('used').as('used'),
    ])
    .groupBy(['resource_provider_uuid', 'resource_class'])
    .execute()
  const out = new Map<string, Record<string, number>>()
  for (const r of rows) {
    let m = out.get(r.resource_provider_uuid)
    if (!m) out.set(r.resource_provider_uuid, (m = {}))
    m[r.resource_class] = Number(r.used)
  }
  return out
}

export async function insertAllocations(
  db: Db,
  rows: ReadonlyArray<Omit<AllocationRow, 'id'>>,
): Promise<void> {
  if (rows.length > 0)
    await db
      .insertInto('allocations')
      .values([...rows])
      .execute()
}

export async function deleteConsumerAllocations(db: Db, consumerUuid: string): Promise<string[]> {
  const providers = await db
    .selectFrom('allocations')
    .select('resource_provider_uuid')
    .distinct()
    .where('consumer_uuid', '=', consumerUuid)
    .execute()
  await db.deleteFrom('allocations').where('consumer_uuid', '=', consumerUuid).execute()
  return providers.map((p) => p.resource_provider_uuid)
}

export async function reassignConsumer(db: Db, from: string, to: string): Promise<string[]> {
  const providers = await db
    .selectFrom('allocations')
    .select('resource_provider_uuid')
    .distinct()
    .where('consumer_uuid', '=', from)
    .execute()
  await db
    .updateTable('allocations')
    .set({ consumer_uuid: to })
    .where('consumer_uuid', '=', from)
    .execute()
  return providers.map((p) => p.resource_provider_uuid)
}
