import { PostgresAdapter, sql } from 'kysely'
import { ConflictError } from '../../common/errors.js'
import type { Db } from '../../db/database.js'
import type { NetworkContext } from './network-context.js'

/** Neutron's quota resources and the table each one counts. */
export const QUOTA_RESOURCES = {
  network: 'networks',
  subnet: 'subnets',
  port: 'ports',
  router: 'routers',
  floatingip: 'floatingips',
  security_group: 'security_groups',
  security_group_rule: 'security_group_rules',
  subnetpool: 'subnetpools',
  rbac_policy: 'rbac_policies',
} as const
export type QuotaResource = keyof typeof QUOTA_RESOURCES

/** The project's limit: its own row in network_quotas, else the [quotas] default (-1 = unlimited). */
export async function quotaLimit(
  ctx: NetworkContext,
  db: Db,
  projectId: string,
  resource: QuotaResource,
): Promise<number> {
  const row = await db
    .selectFrom('network_quotas')
    .select('limit')
    .where('project_id', '=', projectId)
    .where('resource', '=', resource)
    .executeTakeFirst()
  return row ? row.limit : ctx.config.quotas[`quota_${resource}`]
}

/**
 * Throws Neutron's OverQuota (409) when creating `delta` more of a resource
 * would exceed the limit. Call it inside the creating transaction so the
 * count and the insert are one unit (SQLite serialises writers; on
 * PostgreSQL the caller's transaction should lock the project's quota rows).
 */
export async function enforceQuota(
  ctx: NetworkContext,
  db: Db,
  projectId: string,
  resource: QuotaResource,
  delta = 1,
): Promise<void> {
  const limit = await quotaLimit(ctx, db, projectId, resource)
  if (limit < 0) return
  const table = QUOTA_RESOURCES[resource]
  const count = async (): Promise<number> => {
    const row = await db
      .selectFrom(table)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('project_id', '=', projectId)
      .executeTakeFirstOrThrow()
    return Number(row.n)
  }
  let used = await count()
  // NOTE: PostgreSQL does not serialise writers. Near the limit, a transaction
  // advisory lock per (project, resource) makes count-then-insert atomic across
  // workers; far from it, concurrent creators (bounded by the pools) cannot
  // overshoot, so the hot path stays lock-free.
  if (
    used + delta > limit - PG_LOCK_MARGIN &&
    db.getExecutor().adapter instanceof PostgresAdapter
  ) {
    await sql`select pg_advisory_xact_lock(hashtext(${`quota:${projectId}:${resource}`}))`.execute(
      db,
    )
    used = await count()
  }
  if (used + delta > limit) {
    throw new ConflictError(`Quota exceeded for resources: ['${resource}'].`, { type: 'OverQuota' })
  }
}

/** How close to the limit creators start taking the PostgreSQL quota lock. */
const PG_LOCK_MARGIN = 64
