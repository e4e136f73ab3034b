import type { Kysely } from 'kysely'
import { withSerialId, type DialectName } from './portable.js'

/** Flavors, keypairs, aggregates and compute quotas. */
export async function up(db: Kysely<unknown>, dialect: DialectName): Promise<void> {
  const text = 'text' as const
  const int = 'integer' as const

  await withSerialId(dialect, db.schema.createTable('flavors'))
    .addColumn('flavorid', text, (c) => c.notNull().unique())
    .addColumn('name', text, (c) => c.notNull().unique())
    .addColumn('vcpus', int, (c) => c.notNull())
    .addColumn('memory_mb', int, (c) => c.notNull())
    .addColumn('root_gb', int, (c) => c.notNull().defaultTo(0))
    .addColumn('ephemeral_gb', int, (c) => c.notNull().defaultTo(0))
    .addColumn('swap', int, (c) => c.notNull().defaultTo(0))
    .addColumn('rxtx_factor', 'double precision', (c) => c.notNull().defaultTo(1))
    .addColumn('is_public', int, (c) => c.notNull().defaultTo(1))
    .addColumn('disabled', int, (c) => c.notNull().defaultTo(0))
    .addColumn('description', text)
    .addColumn('created_at', text, (c) => c.notNull())
    .addColumn('updated_at', text, (c) => c.notNull())
    .execute()
  await db.schema
    .createTable('flavor_extra_specs')
    .addColumn('flavorid', text, (c) => c.notNull())
    .addColumn('key', text, (c) => c.notNull())
    .addColumn('value', text, (c) => c.notNull())
    .addPrimaryKeyConstraint('flavor_extra_specs_pk', ['flavorid', 'key'])
    .execute()
  await db.schema
    .createTable('flavor_projects')
    .addColumn('flavorid', text, (c) => c.notNull())
    .addColumn('project_id', text, (c) => c.notNull())
    .addPrimaryKeyConstraint('flavor_projects_pk', ['flavorid', 'project_id'])
    .execute()

  await withSerialId(dialect, db.schema.createTable('key_pairs'))
    .addColumn('name', text, (c) => c.notNull())
    .addColumn('user_id', text, (c) => c.notNull())
    .addColumn('fingerprint', text, (c) => c.notNull())
    .addColumn('public_key', text, (c) => c.notNull())
    .addColumn('type', text, (c) => c.notNull().defaultTo('ssh'))
    .addColumn('created_at', text, (c) => c.notNull())
    .addUniqueConstraint('key_pairs_user_name', ['user_id', 'name'])
    .execute()

  await withSerialId(dialect, db.schema.createTable('aggregates'))
    .addColumn('uuid', text, (c) => c.notNull().unique())
    .addColumn('name', text, (c) => c.notNull().unique())
    .addColumn('created_at', text, (c) => c.notNull())
    .addColumn('updated_at', text)
    .execute()
  await db.schema
    .createTable('aggregate_hosts')
    .addColumn('aggregate_id', int, (c) => c.notNull())
    .addColumn('host', text, (c) => c.notNull())
    .addPrimaryKeyConstraint('aggregate_hosts_pk', ['aggregate_id', 'host'])
    .execute()
  await db.schema
    .createTable('aggregate_metadata')
    .addColumn('aggregate_id', int, (c) => c.notNull())
    .addColumn('key', text, (c) => c.notNull())
    .addColumn('value', text, (c) => c.notNull())
    .addPrimaryKeyConstraint('aggregate_metadata_pk', ['aggregate_id', 'key'])
    .execute()

  await db.schema
    .createTable('compute_quotas')
    .addColumn('project_id', text, (c) => c.notNull())
    .addColumn('user_id', text, (c) => c.notNull().defaultTo(''))
    .addColumn('resource', text, (c) => c.notNull())
    .addColumn('hard_limit', int, (c) => c.notNull())
    .addPrimaryKeyConstraint('compute_quotas_pk', ['project_id', 'user_id', 'resource'])
    .execute()
  await db.schema
    .createTable('compute_quota_classes')
    .addColumn('class_name', text, (c) => c.notNull())
    .addColumn('resource', text, (c) => c.notNull())
    .addColumn('hard_limit', int, (c) => c.notNull())
    .addPrimaryKeyConstraint('compute_quota_classes_pk', ['class_name', 'resource'])
    .execute()
}
