import type { Db } from '../../database.js'
import type { TrustTable } from '../../schema.js'

export type TrustRow = TrustTable

/** A trust row by id, deleted ones included only when asked. */
export function getTrustRow(
  db: Db,
  id: string,
  options: { deleted?: boolean } = {},
): Promise<TrustRow | undefined> {
  let q = db.selectFrom('trusts').selectAll().where('id', '=', id)
  if (!options.deleted) q = q.where('deleted_at', 'is', null)
  return q.executeTakeFirst()
}

export async function listTrustRoleIds(db: Db, trustId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('trust_roles')
    .select('role_id')
    .where('trust_id', '=', trustId)
    .execute()
  return rows.map((r) => r.role_id)
}

/** Live (not deleted) trusts, optionally by trustor, trustee or parent trust. */
export function listTrustRows(
  db: Db,
  filters: { trustorId?: string; trusteeId?: string; redelegatedFrom?: string } = {},
): Promise<TrustRow[]> {
  let q = db.selectFrom('trusts').selectAll().where('deleted_at', 'is', null)
  if (filters.trustorId !== undefined) q = q.where('trustor_user_id', '=', filters.trustorId)
  if (filters.trusteeId !== undefined) q = q.where('trustee_user_id', '=', filters.trusteeId)
  if (filters.redelegatedFrom !== undefined)
    q = q.where('redelegated_trust_id', '=', filters.redelegatedFrom)
  return q.orderBy('id').execute()
}

export async function insertTrust(
  db: Db,
  row: TrustRow,
  roleIds: readonly string[],
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx.insertInto('trusts').values(row).execute()
    for (const roleId of new Set(roleIds))
      await trx.insertInto('trust_roles').values({ trust_id: row.id, role_id: roleId }).execute()
  })
}

/** Soft-deletes a trust as Keystone does (deleted_at set). */
export async function softDeleteTrust(db: Db, id: string, at: string): Promise<void> {
  await db
    .updateTable('trusts')
    .set({ deleted_at: at })
    .where('id', '=', id)
    .where('deleted_at', 'is', null)
    .execute()
}

/**
 * Consumes one use of a limited trust. Optimistic: only succeeds when
 * `remaining_uses` still has the value read, so two concurrent issuers cannot
 * both take the last use. Returns false when no use was left.
 */
export async function consumeTrustUse(db: Db, id: string): Promise<boolean> {
  for (let attempt = 0; attempt < 10; attempt++) {
    const row = await db
      .selectFrom('trusts')
      .select('remaining_uses')
      .where('id', '=', id)
      .where('deleted_at', 'is', null)
      .executeTakeFirst()
    if (!row) return false
    if (row.remaining_uses === null) return true
    if (row.remaining_uses <= 0) return false
    const r = await db
      .updateTable('trusts')
      .set({ remaining_uses: row.remaining_uses - 1 })
      .where('id', '=', id)
      .where('remaining_uses', '=', row.remaining_uses)
      .executeTakeFirst()
    if (Number(r.numUpdatedRows) === 1) return true
  }
  return false
}
