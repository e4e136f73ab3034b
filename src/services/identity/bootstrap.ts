import { randomBytes } from 'node:crypto'
import { newHexId } from '../../common/ids.js'
import { AssignmentType } from '../../db/schema.js'
import { nowIso } from '../../db/repositories/identity/rows.js'
import type { IdentityContext } from './identity-context.js'

export interface CatalogService {
  readonly type: string
  readonly name: string
  /** The URL every interface (public, internal, admin) gets. */
  readonly url: string
}

export interface BootstrapOptions {
  /** Empty or undefined: keep the existing password, or generate one on first start. */
  readonly adminPassword?: string | undefined
  readonly regionId: string
  readonly services: readonly CatalogService[]
}

export interface BootstrapResult {
  readonly firstRun: boolean
  readonly adminUserId: string
  readonly adminProjectId: string
  /** Set when the password was generated or (re)set now; undefined when unchanged. */
  readonly adminPassword: string | undefined
}

/**
 * Keystone's `keystone-manage bootstrap`, idempotent: the Default domain,
 * admin and service projects, the roles admin ⇒ member ⇒ reader (implied),
 * the admin user with admin on the admin project and the system, the region,
 * and catalog entries pointing at where each service is mounted now.
 */
export async function bootstrapIdentity(
  ctx: IdentityContext,
  options: BootstrapOptions,
): Promise<BootstrapResult> {
  const db = ctx.db
  const domainId = ctx.config.identity.default_domain_id
  const result = await db.transaction().execute(async (trx) => {
    const firstRun = !(await trx
      .selectFrom('domains')
      .select('id')
      .where('id', '=', domainId)
      .executeTakeFirst())
    if (firstRun) {
      await trx
        .insertInto('domains')
        .values({
          id: domainId,
          name: 'Default',
          description: 'The default domain',
          enabled: 1,
          extra: '{}',
        })
        .execute()
    }
    const project = async (name: string, description: string): Promise<string> => {
      const p = await trx
        .selectFrom('projects')
        .select('id')
        .where('domain_id', '=', domainId)
        .where('name', '=', name)
        .executeTakeFirst()
      if (p) return p.id
      const id = newHexId()
      await trx
        .insertInto('projects')
        .values({
          id,
          name,
          domain_id: domainId,
          parent_id: domainId,
          description,
          enabled: 1,
          is_domain: 0,
          extra: '{}',
        })
        .execute()
      return id
    }
    const adminProjectId = await project('admin', 'Bootstrap project for initializing the cloud.')
    await project('service', "Project the services' own users belong to.")

    const role = async (name: string): Promise<string> => {
      const r = await trx
        .selectFrom('roles')
        .select('id')
        .where('name', '=', name)
        .where('domain_id', '=', '')
        .executeTakeFirst()
      if (r) return r.id
      const id = newHexId()
      await trx
        .insertInto('roles')
        .values({ id, name, domain_id: '', description: '', options: '{}', extra: '{}' })
        .execute()
      return id
    }
    const adminRole = await role('admin')
    const memberRole = await role('member')
    const readerRole = await role('reader')
    for (const [prior, implied] of [
      [adminRole, memberRole],
      [memberRole, readerRole],
    ] as const) {
      await trx
        .insertInto('implied_roles')
        .values({ prior_role_id: prior, implied_role_id: implied })
        .onConflict((oc) => oc.doNothing())
        .execute()
    }

    let adminPassword: string | undefined
    let user = await trx
      .selectFrom('users')
      .select(['id', 'password_hash'])
      .where('domain_id', '=', domainId)
      .where('name', '=', 'admin')
      .executeTakeFirst()
    const wanted =
      options.adminPassword && options.adminPassword !== '' ? options.adminPassword : undefined
    if (!user) {
      adminPassword = wanted ?? randomBytes(18).toString('base64url')
      const id = newHexId()
      await trx
        .insertInto('users')
        .values({
          id,
          domain_id: domainId,
          name: 'admin',
          enabled: 1,
          default_project_id: adminProjectId,
          description: '',
          email: null,
          extra: '{}',
          options: '{}',
          created_at: nowIso(),
          last_active_at: null,
          password_hash: await ctx.hasher.hash(adminPassword),
          password_created_at: nowIso(),
          password_expires_at: null,
          failed_auth_count: 0,
          failed_auth_at: null,
        })
        .execute()
      user = { id, password_hash: null }
    } else if (
      wanted &&
      !(user.password_hash && (await ctx.hasher.verify(wanted, user.password_hash)))
    ) {
      adminPassword = wanted
      await trx
        .updateTable('users')
        .set({
          password_hash: await ctx.hasher.hash(wanted),
          password_created_at: nowIso(),
          failed_auth_count: 0,
          enabled: 1,
        })
        .where('id', '=', user.id)
        .execute()
    }
    for (const [type, target] of [
      [AssignmentType.UserProject, adminProjectId],
      [AssignmentType.UserSystem, 'system'],
    ] as const) {
      await trx
        .insertInto('assignments')
        .values({ type, actor_id: user.id, target_id: target, role_id: adminRole, inherited: 0 })
        .onConflict((oc) => oc.doNothing())
        .execute()
    }

    if (
      !(await trx
        .selectFrom('regions')
        .select('id')
        .where('id', '=', options.regionId)
        .executeTakeFirst())
    ) {
      await trx
        .insertInto('regions')
        .values({ id: options.regionId, description: '', parent_region_id: null, extra: '{}' })
        .execute()
    }
    for (const svc of options.services) {
      let s = await trx
        .selectFrom('services')
        .select('id')
        .where('type', '=', svc.type)
        .executeTakeFirst()
      if (!s) {
        s = { id: newHexId() }
        await trx
          .insertInto('services')
          .values({
            id: s.id,
            type: svc.type,
            enabled: 1,
            extra: JSON.stringify({ name: svc.name }),
          })
          .execute()
      }
      for (const iface of ['public', 'internal', 'admin']) {
        const e = await trx
          .selectFrom('endpoints')
          .select(['id', 'url'])
          .where('service_id', '=', s.id)
          .where('interface', '=', iface)
          .where('region_id', '=', options.regionId)
          .executeTakeFirst()
        if (!e) {
          await trx
            .insertInto('endpoints')
            .values({
              id: newHexId(),
              service_id: s.id,
              interface: iface,
              url: svc.url,
              region_id: options.regionId,
              enabled: 1,
              extra: '{}',
            })
            .execute()
        } else if (e.url !== svc.url) {
          await trx.updateTable('endpoints').set({ url: svc.url }).where('id', '=', e.id).execute()
        }
      }
    }
    return { firstRun, adminUserId: user.id, adminProjectId, adminPassword }
  })
  ctx.changed()
  return result
}
