import type { Db } from '../../database.js'
import type { ApplicationCredentialTable } from '../../schema.js'
import type { AccessRuleRow } from './access-rules.js'

export type AppCredRow = ApplicationCredentialTable

/** An access rule as a request names it: an existing one by id, or service/path/method. */
export interface AccessRuleInput {
  readonly id?: string | undefined
  readonly service?: string | undefined
  readonly path?: string | undefined
  readonly method?: string | undefined
}

export function getAppCred(db: Db, id: string): Promise<AppCredRow | undefined> {
  return db
    .selectFrom('application_credentials')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirst()
}

export function getAppCredByName(
  db: Db,
  userId: string,
  name: string,
): Promise<AppCredRow | undefined> {
  return db
    .selectFrom('application_credentials')
    .selectAll()
    .where('user_id', '=', userId)
    .where('name', '=', name)
    .executeTakeFirst()
}

export function listAppCreds(db: Db, userId: string, name?: string): Promise<AppCredRow[]> {
  let q = db.selectFrom('application_credentials').selectAll().where('user_id', '=', userId)
  if (name !== undefined) q = q.where('name', '=', name)
  return q.orderBy('created_at').orderBy('id').execute()
}

/**
 * Inserts an application credential and links its access rules. A rule is
 * reused when the user already has it (by id, or by the same
 * service/path/method, as Keystone does); otherwise it is created with
 * `newId()`. Returns the linked rules in request order.
 */
export async function insertAppCred(
  db: Db,
  row: AppCredRow,
  rules: readonly AccessRuleInput[],
  newId: () => string,
): Promise<AccessRuleRow[]> {
  return db.transaction().execute(async (trx) => {
    await trx.insertInto('application_credentials').values(row).execute()
    const linked: AccessRuleRow[] = []
    for (const r of rules) {
      let rule: AccessRuleRow | undefined
      if (r.id !== undefined) {
        rule = await trx
          .selectFrom('access_rules')
          .selectAll()
          .where('id', '=', r.id)
          .where('user_id', '=', row.user_id)
          .executeTakeFirst()
      }
      if (!rule && r.service !== undefined && r.path !== undefined && r.method !== undefined) {
        rule = await trx
          .selectFrom('access_rules')
          .selectAll()
          .where('user_id', '=', row.user_id)
          .where('service', '=', r.service)
          .where('path', '=', r.path)
          .where('method', '=', r.method)
          .executeTakeFirst()
        if (!rule) {
          const taken =
            r.id !== undefined &&
            (await trx
              .selectFrom('access_rules')
              .select('id')
              .where('id', '=', r.id)
              .executeTakeFirst())
          rule = {
            id: r.id !== undefined && !taken ? r.id : newId(),
            user_id: row.user_id,
            service: r.service,
            path: r.path,
            method: r.method,
          }
          await trx.insertInto('access_rules').values(rule).execute()
        }
      }
      if (!rule) throw new Error(`access rule ${r.id ?? '?'} not found`)
      if (linked.some((l) => l.id === rule.id)) continue
      linked.push(rule)
      await trx
        .insertInto('app_cred_access_rules')
        .values({ application_credential_id: row.id, access_rule_id: rule.id })
        .execute()
    }
    return linked
  })
}

/** Deletes an application credential and its rule links; false when it did not exist. */
export async function deleteAppCred(db: Db, id: string): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    await trx
      .deleteFrom('app_cred_access_rules')
      .where('application_credential_id', '=', id)
      .execute()
    const r = await trx
      .deleteFrom('application_credentials')
      .where('id', '=', id)
      .executeTakeFirst()
    return Number(r.numDeletedRows) > 0
  })
}

/** Ids of the user's application credentials (optionally only those on one project). */
export async function listAppCredIds(
  db: Db,
  userId: string,
  projectId?: string,
): Promise<string[]> {
  let q = db.selectFrom('application_credentials').select('id').where('user_id', '=', userId)
  if (projectId !== undefined) q = q.where('project_id', '=', projectId)
  return (await q.execute()).map((r) => r.id)
}

/**
 * Deletes every application credential (and, when `withRules`, every access
 * rule) of a user: Keystone does this when the user is deleted or disabled
 * (all) and when the user loses a role on a project (that project's only).
 * Returns the deleted credential ids, for revocation.
 */
export async function deleteAppCredsForUser(
  db: Db,
  userId: string,
  options: { projectId?: string; withRules?: boolean } = {},
): Promise<string[]> {
  const ids = await listAppCredIds(db, userId, options.projectId)
  await db.transaction().execute(async (trx) => {
    if (ids.length > 0) {
      await trx
        .deleteFrom('app_cred_access_rules')
        .where('application_credential_id', 'in', ids)
        .execute()
      await trx.deleteFrom('application_credentials').where('id', 'in', ids).execute()
    }
    if (options.withRules)
      await trx.deleteFrom('access_rules').where('user_id', '=', userId).execute()
  })
  return ids
}
