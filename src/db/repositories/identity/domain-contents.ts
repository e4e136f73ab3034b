import type { Db } from '../../database.js'
import { deleteProjectCascade } from './projects.js'

/**
 * Deletes a domain and everything it owns, as Keystone does on domain delete
 * (resource `_delete_domain_contents` plus the identity, assignment and role
 * managers' domain-deleted callbacks): its projects, users, groups,
 * domain-specific roles, the grants of all of those, its grants, its config
 * and its tags. Run it inside a transaction.
 */
export async function deleteDomainCascade(db: Db, domainId: string, at: string): Promise<void> {
  const projects = await db
    .selectFrom('projects')
    .select('id')
    .where('domain_id', '=', domainId)
    .execute()
  for (const p of projects) await deleteProjectCascade(db, p.id, at)

  const userIds = (
    await db.selectFrom('users').select('id').where('domain_id', '=', domainId).execute()
  ).map((u) => u.id)
  if (userIds.length > 0) {
    const appCreds = await db
      .selectFrom('application_credentials')
      .select('id')
      .where('user_id', 'in', userIds)
      .execute()
    if (appCreds.length > 0) {
      await db
        .deleteFrom('app_cred_access_rules')
        .where(
          'application_credential_id',
          'in',
          appCreds.map((a) => a.id),
        )
        .execute()
    }
    await db.deleteFrom('application_credentials').where('user_id', 'in', userIds).execute()
    await db.deleteFrom('access_rules').where('user_id', 'in', userIds).execute()
    await db.deleteFrom('credentials').where('user_id', 'in', userIds).execute()
    await db.deleteFrom('password_history').where('user_id', 'in', userIds).execute()
    await db.deleteFrom('group_memberships').where('user_id', 'in', userIds).execute()
    await db
      .updateTable('trusts')
      .set({ deleted_at: at })
      .where('deleted_at', 'is', null)
      .where((eb) =>
        eb.or([eb('trustor_user_id', 'in', userIds), eb('trustee_user_id', 'in', userIds)]),
      )
      .execute()
    await db.deleteFrom('assignments').where('actor_id', 'in', userIds).execute()
    await db.deleteFrom('users').where('id', 'in', userIds).execute()
  }

  const groupIds = (
    await db.selectFrom('groups').select('id').where('domain_id', '=', domainId).execute()
  ).map((g) => g.id)
  if (groupIds.length > 0) {
    await db.deleteFrom('group_memberships').where('group_id', 'in', groupIds).execute()
    await db.deleteFrom('assignments').where('actor_id', 'in', groupIds).execute()
    await db.deleteFrom('groups').where('id', 'in', groupIds).execute()
  }

  const roleIds = (
    await db.selectFrom('roles').select('id').where('domain_id', '=', domainId).execute()
  ).map((r) => r.id)
  if (roleIds.length > 0) {
    await db
      .deleteFrom('implied_roles')
      .where((eb) =>
        eb.or([eb('prior_role_id', 'in', roleIds), eb('implied_role_id', 'in', roleIds)]),
      )
      .execute()
    await db.deleteFrom('assignments').where('role_id', 'in', roleIds).execute()
    await db.deleteFrom('roles').where('id', 'in', roleIds).execute()
  }

  await db.deleteFrom('assignments').where('target_id', '=', domainId).execute()
  await db.deleteFrom('domain_configs').where('domain_id', '=', domainId).execute()
  await db.deleteFrom('project_tags').where('project_id', '=', domainId).execute()
  await db.deleteFrom('domains').where('id', '=', domainId).execute()
}
