import { newHexId } from '../../common/ids.js'
import { AssignmentType } from '../../db/schema.js'
import type { TestCloud } from './testing.js'

/**
 * Test data for the application-credential and trust tests, written straight
 * to the database so those tests do not depend on the users/roles/projects
 * APIs.
 */
export function delegationFixtures(cloud: TestCloud) {
  const db = cloud.identity.ctx.db
  return {
    async user(
      name: string,
      password: string,
      options: { enabled?: boolean } = {},
    ): Promise<string> {
      const id = newHexId()
      await db
        .insertInto('users')
        .values({
          id,
          domain_id: 'default',
          name,
          enabled: options.enabled === false ? 0 : 1,
          default_project_id: null,
          description: '',
          email: null,
          extra: '{}',
          options: '{}',
          created_at: new Date().toISOString(),
          last_active_at: null,
          password_hash: await cloud.identity.ctx.hasher.hash(password),
          password_created_at: new Date().toISOString(),
          password_expires_at: null,
          failed_auth_count: 0,
          failed_auth_at: null,
        })
        .execute()
      return id
    },
    async project(name: string): Promise<string> {
      const id = newHexId()
      await db
        .insertInto('projects')
        .values({
          id,
          name,
          domain_id: 'default',
          parent_id: 'default',
          description: '',
          enabled: 1,
          is_domain: 0,
          extra: '{}',
        })
        .execute()
      return id
    },
    async role(name: string): Promise<string> {
      const id = newHexId()
      await db
        .insertInto('roles')
        .values({ id, name, domain_id: '', description: '', options: '{}', extra: '{}' })
        .execute()
      return id
    },
    async roleId(name: string): Promise<string> {
      const r = await db
        .selectFrom('roles')
        .select('id')
        .where('name', '=', name)
        .where('domain_id', '=', '')
        .executeTakeFirstOrThrow()
      return r.id
    },
    async grant(userId: string, projectId: string, roleId: string): Promise<void> {
      await db
        .insertInto('assignments')
        .values({
          type: AssignmentType.UserProject,
          actor_id: userId,
          target_id: projectId,
          role_id: roleId,
          inherited: 0,
        })
        .execute()
      cloud.identity.ctx.changed()
    },
    async revokeGrant(userId: string, projectId: string, roleId: string): Promise<void> {
      await db
        .deleteFrom('assignments')
        .where('actor_id', '=', userId)
        .where('target_id', '=', projectId)
        .where('role_id', '=', roleId)
        .execute()
      cloud.identity.ctx.changed()
    },
    async setEnabled(userId: string, enabled: boolean): Promise<void> {
      await db
        .updateTable('users')
        .set({ enabled: enabled ? 1 : 0 })
        .where('id', '=', userId)
        .execute()
      cloud.identity.ctx.changed()
    },
  }
}
