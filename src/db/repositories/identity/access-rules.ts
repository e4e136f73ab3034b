import type { Db } from '../../database.js'
import type { AccessRuleTable } from '../../schema.js'

export type AccessRuleRow = AccessRuleTable

/** The access rules of each given application credential. */
export async function accessRulesByAppCred(
  db: Db,
  appCredIds: readonly string[],
): Promise<Map<string, AccessRuleRow[]>> {
  const out = new Map<string, AccessRuleRow[]>()
  if (appCredIds.length === 0) return out
  const rows = await db
    .selectFrom('app_cred_access_rules as l')
    .innerJoin('access_rules as r', 'r.id', 'l.access_rule_id')
    .select([
      'l.application_credential_id as appCredId',
      'r.id',
      'r.user_id',
      'r.service',
      'r.path',
      'r.method',
    ])
    .where('l.application_credential_id', 'in', [...appCredIds])
    .execute()
  for (const { appCredId, ...rule } of rows) {
    const list = out.get(appCredId) ?? []
    list.push(rule)
    out.set(appCredId, list)
  }
  return out
}

export function listAccessRules(
  db: Db,
  userId: string,
  filters: { service?: string; path?: string; method?: string } = {},
): Promise<AccessRuleRow[]> {
  let q = db.selectFrom('access_rules').selectAll().where('user_id', '=', userId)
  if (filters.service !== undefined) q = q.where('service', '=', filters.service)
  if (filters.path !== undefined) q = q.where('path', '=', filters.path)
  if (filters.method !== undefined) q = q.where('method', '=', filters.method)
  return q.orderBy('id').execute()
}

export function getAccessRule(db: Db, id: string): Promise<AccessRuleRow | undefined> {
  return db.selectFrom('access_rules').selectAll().where('id', '=', id).executeTakeFirst()
}

export async function accessRuleInUse(db: Db, id: string): Promise<boolean> {
  return (
    (await db
      .selectFrom('app_cred_access_rules')
      .select('access_rule_id')
      .where('access_rule_id', '=', id)
      .executeTakeFirst()) !== undefined
  )
}

export async function deleteAccessRule(db: Db, id: string): Promise<void> {
  await db.deleteFrom('access_rules').where('id', '=', id).execute()
}
