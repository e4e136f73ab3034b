import type { Kysely } from 'kysely'
import { withSerialId, type DialectName } from './portable.js'

/** Placement: resource providers, inventories, allocations, traits, aggregates; build-failure counters. */
export async function up(db: Kysely<unknown>, dialect: DialectName): Promise<void> {
  const text = 'text' as const
  const int = 'integer' as const
  // Both dialects accept it: an 8-byte float on PostgreSQL, REAL affinity on SQLite.
  const float = 'double precision' as const

  await db.schema
    .createTable('resource_providers')
    .addColumn('uuid', text, (c) => c.primaryKey())
    .addColumn('name', text, (c) => c.notNull())
    .addColumn('generation', int, (c) => c.notNull().defaultTo(0))
    .addColumn('root_provider_uuid', text, (c) => c.notNull())
    .addColumn('parent_provider_uuid', text)
    .addColumn('created_at', text, (c) => c.notNull())
    .addColumn('updated_at', text, (c) => c.notNull())
    .execute()

  await db.schema
    .createTable('inventories')
    .addColumn('resource_provider_uuid', text, (c) => c.notNull())
    .addColumn('resource_class', text, (c) => c.notNull())
    .addColumn('total', int, (c) => c.notNull())
    .addColumn('reserved', int, (c) => c.notNull().defaultTo(0))
    .addColumn('min_unit', int, (c) => c.notNull().defaultTo(1))
    .addColumn('max_unit', int, (c) => c.notNull())
    .addColumn('step_size', int, (c) => c.notNull().defaultTo(1))
    .addColumn('allocation_ratio', float, (c) => c.notNull().defaultTo(1))
    .addColumn('updated_at', text, (c) => c.notNull())
    .addPrimaryKeyConstraint('inventories_pk', ['resource_provider_uuid', 'resource_class'])
    .execute()

  await withSerialId(dialect, db.schema.createTable('allocations'))
    .addColumn('consumer_uuid', text, (c) => c.notNull())
    .addColumn('resource_provider_uuid', text, (c) => c.notNull())
    .addColumn('resource_class', text, (c) => c.notNull())
    .addColumn('used', int, (c) => c.notNull())
    .addColumn('project_id', text, (c) => c.notNull())
    .addColumn('user_id', text, (c) => c.notNull())
    .addColumn('created_at', text, (c) => c.notNull())
    .execute()
  await db.schema
    .createIndex('allocations_consumer')
    .on('allocations')
    .column('consumer_uuid')
    .execute()
  await db.schema
    .createIndex('allocations_provider_class')
    .on('allocations')
    .columns(['resource_provider_uuid', 'resource_class'])
    .execute()

  await db.schema
    .createTable('resource_provider_traits')
    .addColumn('resource_provider_uuid', text, (c) => c.notNull())
    .addColumn('trait', text, (c) => c.notNull())
    .addPrimaryKeyConstraint('resource_provider_traits_pk', ['resource_provider_uuid', 'trait'])
    .execute()

  await db.schema
    .createTable('resource_provider_aggregates')
    .addColumn('resource_provider_uuid', text, (c) => c.notNull())
    .addColumn('aggregate_uuid', text, (c) => c.notNull())
    .addPrimaryKeyConstraint('resource_provider_aggregates_pk', [
      'resource_provider_uuid',
      'aggregate_uuid',
    ])
    .execute()

  await db.schema
    .createTable('compute_build_failures')
    .addColumn('host', text, (c) => c.primaryKey())
    .addColumn('failed_builds', int, (c) => c.notNull().defaultTo(0))
    .addColumn('updated_at', text, (c) => c.notNull())
    .execute()
}
