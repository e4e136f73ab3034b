import { NotFoundError } from '../../common/errors.js'
import type { Db } from '../../db/database.js'
import type { RoleRow } from '../../db/repositories/identity/assignments.js'

/**
 * Keystone's role_api.get_unique_role_by_name: the one global role with this
 * name (domain roles are not candidates), else 404 "Could not find role".
 */
export async function findGlobalRoleByName(db: Db, name: string): Promise<RoleRow> {
  const rows = await db
    .selectFrom('roles')
    .selectAll()
    .where('name', '=', name)
    .where('domain_id', '=', '')
    .limit(2)
    .execute()
  const [role] = rows
  if (!role || rows.length !== 1) throw new NotFoundError(`Could not find role: ${name}.`)
  return role
}
