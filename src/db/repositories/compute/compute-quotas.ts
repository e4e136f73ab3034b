import type { Db } from '../../database.js'

/** Explicit project limits (user_id ''), or a user's limits inside a project. */
export async function quotaRows(
  db: Db,
  projectId: string,
  userId = '',
): Promise<Record<string, number>> {
  const rows = await db
    .selectFrom('compute_quotas')
    .select(['resource', 'hard_limit'])
    .where('project_id', '=', projectId)
    .where('user_id', '=', userId)
    .execute()
  return Object.fromEntries(rows.map((r) => [r.resource, r.hard_limit]))
}

export async function setQuota(
  db: Db,
  projectId: string,
  userId: string,
  resource: string,
  hardLimit: number,
): Promise<void> {
  await db
    .insertInto('compute_quotas')
    .values({ project_id: projectId, user_id: userId, resource, hard_limit: hardLimit })
    .onConflict((oc) =>
      oc.columns(['project_id', 'user_id', 'resource']).doUpdateSet({ hard_limit: hardLimit }),
    )
    .execute()
}

/** Drops a user's limits, or (no user) every limit of the project, users' included. */
export async function deleteQuotas(db: Db, projectId: string, userId?: string): Promise<void> {
  let q = db.deleteFrom('compute_quotas').where('project_id', '=', projectId)
  if (userId !== undefined) q = q.where('user_id', '=', userId)
  await q.execute()
}

/** Sum of every user-level limit in the project per resource (for settable maxima). */
export async function userQuotaSums(db: Db, projectId: string): Promise<Record<string, number>> {
  const rows = await db
    .selectFrom('compute_quotas')
    .select(['resource', 'hard_limit'])
    .where('project_id', '=', projectId)
    .where('user_id', '!=', '')
    .execute()
  const out: Record<string, number> = {}
  for (const r of rows) out[r.resource] = (out[r.resource] ?? 0) + r.hard_limit
  return out
}

export async function quotaClassRows(db: Db, className: string): Promise<Record<string, number>> {
  const rows = await db
    .selectFrom('compute_quota_classes')
    .select(['resource', 'hard_limit'])
    .where('class_name', '=', className)
    .execute()
  return Object.fromEntries(rows.map((r) => [r.resource, r.hard_limit]))
}

export async function setQuotaClass(
  db: Db,
  className: string,
  resource: string,
  hardLimit: number,
): Promise<void> {
  await db
    .insertInto('compute_quota_classes')
    .values({ class_name: className, resource, hard_limit: hardLimit })
    .onConflict((oc) =>
      oc.columns(['class_name', 'resource']).doUpdateSet({ hard_limit: hardLimit }),
    )
    .execute()
}
