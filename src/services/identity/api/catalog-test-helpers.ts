import { newHexId } from '../../../common/ids.js'
import { nowIso } from '../../../db/repositories/identity/rows.js'
import type { TestCloud } from '../testing.js'

/**
 * A member (non-admin) token on the admin project, made straight in the
 * database so the catalog tests do not depend on the users and roles APIs.
 */
export async function memberToken(cloud: TestCloud, name = 'catalog-member'): Promise<string> {
  const db = cloud.database.db
  const password = 'member-secret'
  const id = newHexId()
  await db
    .insertInto('users')
    .values({
      id,
      domain_id: 'default',
      name,
      enabled: 1,
      default_project_id: null,
      description: '',
      email: null,
      extra: '{}',
      options: '{}',
      created_at: nowIso(),
      last_active_at: null,
      password_hash: await cloud.identity.ctx.hasher.hash(password),
      password_created_at: nowIso(),
      password_expires_at: null,
      failed_auth_count: 0,
      failed_auth_at: null,
    })
    .execute()
  const role = await db
    .selectFrom('roles')
    .select('id')
    .where('name', '=', 'member')
    .executeTakeFirstOrThrow()
  await db
    .insertInto('assignments')
    .values({
      type: 'UserProject',
      actor_id: id,
      target_id: cloud.bootstrap.adminProjectId,
      role_id: role.id,
      inherited: 0,
    })
    .execute()
  cloud.identity.ctx.changed()
  return cloud.token(name, password, 'admin')
}
