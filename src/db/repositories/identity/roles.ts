import type { Db } from '../../database.js'
import type { ImpliedRoleTable, RoleTable } from '../../schema.js'

export type ImpliedRoleRow = ImpliedRoleTable

export function getRole(db: Db, id: string): Promise<RoleTable | undefined> {
  return db.selectFrom('roles').selectAll().where('id', '=', id).executeTakeFirst()
}

/** Exact-match filters of GET /v3/roles; `domainId` '' selects the global roles. */
export interface RoleFilters {
  readonly name?: string | undefined
  readonly domainId: string
}

export function listRoles(db: Db, f: RoleFilters): Promise<RoleTable[]> {
  let q = db.selectFrom('roles').selectAll().where('domain_id', '=', f.domainId)
  if (f.name !== undefined) q = q.where('name', '=', f.name)
  return q.orderBy('name').execute()
}

/** The role with this name in this domain ('' = global), if any: names are unique per domain. */
export function findRoleByName(
  db: Db,
  name: string,
  domainId: string,
): Promise<RoleTable | undefined> {
  return db
    .selectFrom('roles')
    .selectAll()
    .where('name', '=', name)
    .where('domain_id', '=', domainId)
    .executeTakeFirst()
}

export async function insertRole(db: Db, row: RoleTable): Promise<void> {
  await db.insertInto('roles').values(row).execute()
}

export async function updateRoleRow(
  db: Db,
  id: string,
  patch: Partial<Omit<RoleTable, 'id'>>,
): Promise<void> {
  if (Object.keys(patch).length === 0) return
  await db.updateTable('roles').set(patch).where('id', '=', id).execute()
}

/** Deletes a role with its assignments and inference rules (Keystone's FK cascade), in one transaction. */
export async function deleteRoleCascade(db: Db, id: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx.deleteFrom('assignments').where('role_id', '=', id).execute()
    await trx
      .deleteFrom('implied_roles')
      .where((eb) => eb.or([eb('prior_role_id', '=', id), eb('implied_role_id', '=', id)]))
      .execute()
    await trx.deleteFrom('roles').where('id', '=', id).execute()
  })
}

export function getImpliedRole(
  db: Db,
  priorId: string,
  impliedId: string,
): Promise<ImpliedRoleRow | undefined> {
  return db
    .selectFrom('implied_roles')
    .selectAll()
    .where('prior_role_id', '=', priorId)
    .where('implied_role_id', '=', impliedId)
    .executeTakeFirst()
}

/** Direct inference rules only: what `priorId` implies in one step. */
export function listImpliedRoles(db: Db, priorId: string): Promise<ImpliedRoleRow[]> {
  return db.selectFrom('implied_roles').selectAll().where('prior_role_id', '=', priorId).execute()
}

export function listAllImpliedRoles(db: Db): Promise<ImpliedRoleRow[]> {
  return db.selectFrom('implied_roles').selectAll().execute()
}

export async function insertImpliedRole(db: Db, row: ImpliedRoleRow): Promise<void> {
  await db.insertInto('implied_roles').values(row).execute()
}

/** Returns false when there was no such rule. */
export async function deleteImpliedRole(
  db: Db,
  priorId: string,
  impliedId: string,
): Promise<boolean> {
  const r = await db
    .deleteFrom('implied_roles')
    .where('prior_role_id', '=', priorId)
    .where('implied_role_id', '=', impliedId)
    .executeTakeFirst()
  return Number(r.numDeletedRows) > 0
}
