import type { Kysely } from 'kysely'
import { withSerialId, type DialectName } from './portable.js'

/** Identity (Keystone v3) tables. */
export async function up(db: Kysely<unknown>, dialect: DialectName): Promise<void> {
  const text = 'text' as const
  const int = 'integer' as const

  await db.schema
    .createTable('domains')
    .addColumn('id', text, (c) => c.primaryKey())
    .addColumn('name', text, (c) => c.notNull().unique())
    .addColumn('description', text, (c) => c.notNull().defaultTo(''))
    .addColumn('enabled', int, (c) => c.notNull().defaultTo(1))
    .addColumn('extra', text, (c) => c.notNull().defaultTo('{}'))
    .execute()

  await db.schema
    .createTable('projects')
    .addColumn('id', text, (c) => c.primaryKey())
    .addColumn('name', text, (c) => c.notNull())
    .addColumn('domain_id', text, (c) => c.notNull())
    .addColumn('parent_id', text)
    .addColumn('description', text, (c) => c.notNull().defaultTo(''))
    .addColumn('enabled', int, (c) => c.notNull().defaultTo(1))
    .addColumn('is_domain', int, (c) => c.notNull().defaultTo(0))
    .addColumn('extra', text, (c) => c.notNull().defaultTo('{}'))
    .addUniqueConstraint('projects_domain_name', ['domain_id', 'name'])
    .execute()
  await db.schema.createIndex('projects_parent').on('projects').column('parent_id').execute()

  await db.schema
    .createTable('project_tags')
    .addColumn('project_id', text, (c) => c.notNull())
    .addColumn('name', text, (c) => c.notNull())
    .addPrimaryKeyConstraint('project_tags_pk', ['project_id', 'name'])
    .execute()

  await db.schema
    .createTable('users')
    .addColumn('id', text, (c) => c.primaryKey())
    .addColumn('domain_id', text, (c) => c.notNull())
    .addColumn('name', text, (c) => c.notNull())
    .addColumn('enabled', int, (c) => c.notNull().defaultTo(1))
    .addColumn('default_project_id', text)
    .addColumn('description', text, (c) => c.notNull().defaultTo(''))
    .addColumn('email', text)
    .addColumn('extra', text, (c) => c.notNull().defaultTo('{}'))
    .addColumn('options', text, (c) => c.notNull().defaultTo('{}'))
    .addColumn('created_at', text, (c) => c.notNull())
    .addColumn('last_active_at', text)
    .addColumn('password_hash', text)
    .addColumn('password_created_at', text)
    .addColumn('password_expires_at', text)
    .addColumn('failed_auth_count', int, (c) => c.notNull().defaultTo(0))
    .addColumn('failed_auth_at', text)
    .addUniqueConstraint('users_domain_name', ['domain_id', 'name'])
    .execute()

  await withSerialId(dialect, db.schema.createTable('password_history'))
    .addColumn('user_id', text, (c) => c.notNull())
    .addColumn('password_hash', text, (c) => c.notNull())
    .addColumn('created_at', text, (c) => c.notNull())
    .execute()
  await db.schema
    .createIndex('password_history_user')
    .on('password_history')
    .column('user_id')
    .execute()

  await db.schema
    .createTable('groups')
    .addColumn('id', text, (c) => c.primaryKey())
    .addColumn('domain_id', text, (c) => c.notNull())
    .addColumn('name', text, (c) => c.notNull())
    .addColumn('description', text, (c) => c.notNull().defaultTo(''))
    .addColumn('extra', text, (c) => c.notNull().defaultTo('{}'))
    .addUniqueConstraint('groups_domain_name', ['domain_id', 'name'])
    .execute()

  await db.schema
    .createTable('group_memberships')
    .addColumn('user_id', text, (c) => c.notNull())
    .addColumn('group_id', text, (c) => c.notNull())
    .addPrimaryKeyConstraint('group_memberships_pk', ['user_id', 'group_id'])
    .execute()
  await db.schema
    .createIndex('group_memberships_group')
    .on('group_memberships')
    .column('group_id')
    .execute()

  await db.schema
    .createTable('roles')
    .addColumn('id', text, (c) => c.primaryKey())
    .addColumn('name', text, (c) => c.notNull())
    .addColumn('domain_id', text, (c) => c.notNull().defaultTo(''))
    .addColumn('description', text, (c) => c.notNull().defaultTo(''))
    .addColumn('options', text, (c) => c.notNull().defaultTo('{}'))
    .addColumn('extra', text, (c) => c.notNull().defaultTo('{}'))
    .addUniqueConstraint('roles_name_domain', ['name', 'domain_id'])
    .execute()

  await db.schema
    .createTable('implied_roles')
    .addColumn('prior_role_id', text, (c) => c.notNull())
    .addColumn('implied_role_id', text, (c) => c.notNull())
    .addPrimaryKeyConstraint('implied_roles_pk', ['prior_role_id', 'implied_role_id'])
    .execute()

  await db.schema
    .createTable('assignments')
    .addColumn('type', text, (c) => c.notNull())
    .addColumn('actor_id', text, (c) => c.notNull())
    .addColumn('target_id', text, (c) => c.notNull())
    .addColumn('role_id', text, (c) => c.notNull())
    .addColumn('inherited', int, (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint('assignments_pk', [
      'type',
      'actor_id',
      'target_id',
      'role_id',
      'inherited',
    ])
    .execute()
  await db.schema.createIndex('assignments_actor').on('assignments').column('actor_id').execute()
  await db.schema.createIndex('assignments_target').on('assignments').column('target_id').execute()
  await db.schema.createIndex('assignments_role').on('assignments').column('role_id').execute()

  await db.schema
    .createTable('regions')
    .addColumn('id', text, (c) => c.primaryKey())
    .addColumn('description', text, (c) => c.notNull().defaultTo(''))
    .addColumn('parent_region_id', text)
    .addColumn('extra', text, (c) => c.notNull().defaultTo('{}'))
    .execute()

  await db.schema
    .createTable('services')
    .addColumn('id', text, (c) => c.primaryKey())
    .addColumn('type', text, (c) => c.notNull())
    .addColumn('enabled', int, (c) => c.notNull().defaultTo(1))
    .addColumn('extra', text, (c) => c.notNull().defaultTo('{}'))
    .execute()

  await db.schema
    .createTable('endpoints')
    .addColumn('id', text, (c) => c.primaryKey())
    .addColumn('service_id', text, (c) => c.notNull())
    .addColumn('interface', text, (c) => c.notNull())
    .addColumn('url', text, (c) => c.notNull())
    .addColumn('region_id', text)
    .addColumn('enabled', int, (c) => c.notNull().defaultTo(1))
    .addColumn('extra', text, (c) => c.notNull().defaultTo('{}'))
    .execute()

  await db.schema
    .createTable('endpoint_groups')
    .addColumn('id', text, (c) => c.primaryKey())
    .addColumn('name', text, (c) => c.notNull())
    .addColumn('description', text, (c) => c.notNull().defaultTo(''))
    .addColumn('filters', text, (c) => c.notNull().defaultTo('{}'))
    .execute()

  await db.schema
    .createTable('project_endpoint_groups')
    .addColumn('endpoint_group_id', text, (c) => c.notNull())
    .addColumn('project_id', text, (c) => c.notNull())
    .addPrimaryKeyConstraint('project_endpoint_groups_pk', ['endpoint_group_id', 'project_id'])
    .execute()

  await db.schema
    .createTable('policies')
    .addColumn('id', text, (c) => c.primaryKey())
    .addColumn('type', text, (c) => c.notNull())
    .addColumn('blob', text, (c) => c.notNull())
    .addColumn('extra', text, (c) => c.notNull().defaultTo('{}'))
    .execute()

  await db.schema
    .createTable('credentials')
    .addColumn('id', text, (c) => c.primaryKey())
    .addColumn('user_id', text, (c) => c.notNull())
    .addColumn('project_id', text)
    .addColumn('type', text, (c) => c.notNull())
    .addColumn('blob', text, (c) => c.notNull())
    .addColumn('extra', text, (c) => c.notNull().defaultTo('{}'))
    .execute()
  await db.schema.createIndex('credentials_user').on('credentials').column('user_id').execute()

  await db.schema
    .createTable('application_credentials')
    .addColumn('id', text, (c) => c.primaryKey())
    .addColumn('name', text, (c) => c.notNull())
    .addColumn('user_id', text, (c) => c.notNull())
    .addColumn('project_id', text)
    .addColumn('system', text)
    .addColumn('secret_hash', text, (c) => c.notNull())
    .addColumn('description', text, (c) => c.notNull().defaultTo(''))
    .addColumn('expires_at', text)
    .addColumn('unrestricted', int, (c) => c.notNull().defaultTo(0))
    .addColumn('roles', text, (c) => c.notNull().defaultTo('[]'))
    .addColumn('created_at', text, (c) => c.notNull())
    .addUniqueConstraint('application_credentials_user_name', ['user_id', 'name'])
    .execute()

  await db.schema
    .createTable('access_rules')
    .addColumn('id', text, (c) => c.primaryKey())
    .addColumn('user_id', text, (c) => c.notNull())
    .addColumn('service', text, (c) => c.notNull())
    .addColumn('path', text, (c) => c.notNull())
    .addColumn('method', text, (c) => c.notNull())
    .execute()

  await db.schema
    .createTable('app_cred_access_rules')
    .addColumn('application_credential_id', text, (c) => c.notNull())
    .addColumn('access_rule_id', text, (c) => c.notNull())
    .addPrimaryKeyConstraint('app_cred_access_rules_pk', [
      'application_credential_id',
      'access_rule_id',
    ])
    .execute()

  await db.schema
    .createTable('trusts')
    .addColumn('id', text, (c) => c.primaryKey())
    .addColumn('trustor_user_id', text, (c) => c.notNull())
    .addColumn('trustee_user_id', text, (c) => c.notNull())
    .addColumn('project_id', text)
    .addColumn('impersonation', int, (c) => c.notNull().defaultTo(0))
    .addColumn('expires_at', text)
    .addColumn('remaining_uses', int)
    .addColumn('redelegated_trust_id', text)
    .addColumn('redelegation_count', int)
    .addColumn('deleted_at', text)
    .addColumn('extra', text, (c) => c.notNull().defaultTo('{}'))
    .execute()

  await db.schema
    .createTable('trust_roles')
    .addColumn('trust_id', text, (c) => c.notNull())
    .addColumn('role_id', text, (c) => c.notNull())
    .addPrimaryKeyConstraint('trust_roles_pk', ['trust_id', 'role_id'])
    .execute()

  await withSerialId(dialect, db.schema.createTable('revocation_events'))
    .addColumn('domain_id', text)
    .addColumn('project_id', text)
    .addColumn('user_id', text)
    .addColumn('role_id', text)
    .addColumn('trust_id', text)
    .addColumn('consumer_id', text)
    .addColumn('access_token_id', text)
    .addColumn('audit_id', text)
    .addColumn('audit_chain_id', text)
    .addColumn('issued_before', text, (c) => c.notNull())
    .addColumn('expires_at', text)
    .addColumn('revoked_at', text, (c) => c.notNull())
    .execute()

  await db.schema
    .createTable('domain_configs')
    .addColumn('domain_id', text, (c) => c.notNull())
    .addColumn('group', text, (c) => c.notNull())
    .addColumn('option', text, (c) => c.notNull())
    .addColumn('value', text, (c) => c.notNull())
    .addColumn('sensitive', int, (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint('domain_configs_pk', ['domain_id', 'group', 'option'])
    .execute()

  await db.schema
    .createTable('oauth_consumers')
    .addColumn('id', text, (c) => c.primaryKey())
    .addColumn('description', text, (c) => c.notNull().defaultTo(''))
    .addColumn('secret_hash', text, (c) => c.notNull())
    .addColumn('extra', text, (c) => c.notNull().defaultTo('{}'))
    .execute()
}
