import { PostgresAdapter, sql } from 'kysely'
import { ForbiddenError } from '../../common/errors.js'
import type { Db } from '../../db/database.js'
import { countUsage, type QuotaLimits } from './quotas.js'

/**
 * Per-project serialisation of quota check + insert: on PostgreSQL an
 * advisory transaction lock; SQLite transactions are already serialised
 * (one writer, and Kysely's SQLite driver holds its single connection for
 * the whole transaction).
 */
export async function lockProjectQuota(tx: Db, projectId: string): Promise<void> {
  if (tx.getExecutor().adapter instanceof PostgresAdapter)
    await sql`select pg_advisory_xact_lock(hashtext(${`compute-quota:${projectId}`}))`.execute(tx)
}

/**
 * Nova's check_num_instances_quota: how many of [min, max] servers of this size
 * fit; fewer than min → 403 TooManyInstances with Nova's message. Run inside
 * the transaction that inserts them, after lockProjectQuota.
 */
export async function allowedInstanceCount(
  tx: Db,
  projectId: string,
  limits: Pick<QuotaLimits, 'instances' | 'cores' | 'ram'>,
  flavor: { vcpus: number; memoryMb: number },
  minCount: number,
  maxCount: number,
): Promise<number> {
  const used = await countUsage(tx, projectId)
  const per = { instances: 1, cores: flavor.vcpus, ram: flavor.memoryMb }
  const resources = ['cores', 'instances', 'ram'] as const
  const headroom = (r: (typeof resources)[number]): number =>
    limits[r] < 0 ? Number.POSITIVE_INFINITY : limits[r] - used[r]
  let allowed = maxCount
  for (const r of resources)
    if (per[r] > 0) allowed = Math.min(allowed, Math.floor(headroom(r) / per[r]))
  if (allowed >= minCount) return Math.min(allowed, maxCount)
  const overs = resources.filter((r) => limits[r] >= 0 && used[r] + per[r] * maxCount > limits[r])
  const requested = {
    instances: minCount === maxCount ? String(minCount) : `${minCount}-${maxCount}`,
    cores: String(per.cores * maxCount),
    ram: String(per.ram * maxCount),
  }
  const join = (f: (r: (typeof resources)[number]) => string) => overs.map(f).join(', ')
  throw new ForbiddenError(
    `Quota exceeded for ${join((r) => r)}: Requested ${join((r) => requested[r])}, ` +
      `but already used ${join((r) => String(used[r]))} of ${join((r) => String(limits[r]))} ` +
      `${join((r) => r)}`,
  )
}
