/** Test fixtures for the role and grant API tests: rows written straight to the database. */
import { newHexId } from '../../../common/ids.js'
import { nowIso } from '../../../db/repositories/identity/rows.js'
import type { TestCloud } from '../testing.js'

export interface Fixtures {
  domain(name?: string): Promise<string>
  project(domainId: string, parentId?: string, name?: string): Promise<string>
  user(domainId: string, password?: string, name?: string): Promise<string>
  group(domainId: string, name?: string): Promise<string>
  member(groupId: string, userId: string): Promise<void>
}

export function fixtures(cloud: TestCloud): Fixtures {
  const db = cloud.identity.ctx.db
  return {
    async domain(name = `d-${newHexId()}`) {
      const id = newHexId()
      await db
        .insertInto('domains')
        .values({ id, name, description: '', enabled: 1, extra: '{}' })
        .execute()
      return id
    },
    async project(domainId, parentId, name = `p-${newHexId()}`) {
      const id = newHexId()
      await db
        .insertInto('projects')
        .values({
          id,
          name,
          domain_id: domainId,
          parent_id: parentId ?? domainId,
          description: '',
          enabled: 1,
          is_domain: 0,
          extra: '{}',
        })
        .execute()
      return id
    },
    async user(domainId, password, name = `u-${newHexId()}`) {
      const id = newHexId()
      await db
        .insertInto('users')
        .values({
          id,
          domain_id: domainId,
          name,
          enabled: 1,
          default_project_id: null,
          description: '',
          email: null,
          extra: '{}',
          options: '{}',
          created_at: nowIso(),
          last_active_at: null,
          password_hash: password ? await cloud.identity.ctx.hasher.hash(password) : null,
          password_created_at: password ? nowIso() : null,
          password_expires_at: null,
          failed_auth_count: 0,
          failed_auth_at: null,
        })
        .execute()
      return id
    },
    async group(domainId, name = `g-${newHexId()}`) {
      const id = newHexId()
      await db
        .insertInto('groups')
        .values({ id, domain_id: domainId, name, description: '', extra: '{}' })
        .execute()
      return id
    },
    async member(groupId, userId) {
      await db
        .insertInto('group_memberships')
        .values({ group_id: groupId, user_id: userId })
        .execute()
    },
  }
}
