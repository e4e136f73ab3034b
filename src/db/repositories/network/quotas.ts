import type { Db } from '../../database.js'

export interface QuotaRow {
  readonly project_id: string
  readonly resource: string
  readonly limit: number
}

/** Every explicitly set limit (projects with non-default quotas). */
export async function allQuotaRows(db: Db): Promise<QuotaRow[]> {
  return db.selectFrom('network_quotas').selectAll().orderBy('project_id').execute()
}

export async function projectQuotaRows(db: Db, projectId: string): Promise<QuotaRow[]> {
  return db.selectFrom('network_quotas').selectAll().where('project_id', '=', projectId).execute()
}

/** Sets one limit, inserting or replacing the row. */
export async function setQuotaLimit(
  db: Db,
  projectId: string,
  resource: string,
  limit: number,
): Promise<void> {
  await db
    .insertInto('network_quotas')
    .values({ project_id: projectId, resource, limit })
    .onConflict((oc) => oc.columns(['project_id', 'resource']).doUpdateSet({ limit }))
    .execute()
}

/** Removes the project's limits; returns how many rows went. */
export async function deleteProjectQuotas(db: Db, projectId: string): Promise<number> {
  const r = await db
    .deleteFrom('network_quotas')
    .where('project_id', '=', projectId)
    .executeTakeFirst()
  return Number(r.numDeletedRows)
}
