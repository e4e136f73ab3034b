import type { Kysely } from 'kysely'
import { withSerialId, type DialectName } from './portable.js'

/** Resource types Glance's db_load_metadefs registers; tempest needs at least one. */
const RESOURCE_TYPES = [
  'OS::Glance::Image',
  'OS::Cinder::Volume',
  'OS::Nova::Flavor',
  'OS::Nova::Aggregate',
  'OS::Nova::Server',
]

/** Image service (Glance v2) tables: images and their satellites, tasks, metadata definitions. */
export async function up(db: Kysely<unknown>, dialect: DialectName): Promise<void> {
  const text = 'text' as const
  const int = 'integer' as const
  const big = 'bigint' as const

  await db.schema
    .createTable('images')
    .addColumn('id', text, (c) => c.primaryKey())
    .addColumn('name', text)
    .addColumn('disk_format', text)
    .addColumn('container_format', text)
    .addColumn('size', big)
    .addColumn('virtual_size', big)
    .addColumn('status', text, (c) => c.notNull())
    .addColumn('visibility', text, (c) => c.notNull())
    .addColumn('protected', int, (c) => c.notNull().defaultTo(0))
    .addColumn('os_hidden', int, (c) => c.notNull().defaultTo(0))
    .addColumn('min_disk', int, (c) => c.notNull().defaultTo(0))
    .addColumn('min_ram', int, (c) => c.notNull().defaultTo(0))
    .addColumn('owner', text)
    .addColumn('checksum', text)
    .addColumn('os_hash_algo', text)
    .addColumn('os_hash_value', text)
    .addColumn('created_at', text, (c) => c.notNull())
    .addColumn('updated_at', text, (c) => c.notNull())
    .addColumn('deleted_at', text)
    .addColumn('deleted', int, (c) => c.notNull().defaultTo(0))
    .execute()
  await db.schema.createIndex('images_owner').on('images').column('owner').execute()
  await db.schema.createIndex('images_created').on('images').columns(['created_at', 'id']).execute()

  await db.schema
    .createTable('image_properties')
    .addColumn('image_id', text, (c) => c.notNull())
    .addColumn('name', text, (c) => c.notNull())
    .addColumn('value', text, (c) => c.notNull())
    .addPrimaryKeyConstraint('image_properties_pk', ['image_id', 'name'])
    .execute()
  await db.schema
    .createIndex('image_properties_name')
    .on('image_properties')
    .columns(['name', 'value'])
    .execute()

  await db.schema
    .createTable('image_tags')
    .addColumn('image_id', text, (c) => c.notNull())
    .addColumn('value', text, (c) => c.notNull())
    .addColumn('created_at', text, (c) => c.notNull())
    .addPrimaryKeyConstraint('image_tags_pk', ['image_id', 'value'])
    .execute()
  await db.schema.createIndex('image_tags_value').on('image_tags').column('value').execute()

  await db.schema
    .createTable('image_members')
    .addColumn('image_id', text, (c) => c.notNull())
    .addColumn('member', text, (c) => c.notNull())
    .addColumn('status', text, (c) => c.notNull())
    .addColumn('created_at', text, (c) => c.notNull())
    .addColumn('updated_at', text, (c) => c.notNull())
    .addPrimaryKeyConstraint('image_members_pk', ['image_id', 'member'])
    .execute()
  await db.schema.createIndex('image_members_member').on('image_members').column('member').execute()

  await withSerialId(dialect, db.schema.createTable('image_locations'))
    .addColumn('image_id', text, (c) => c.notNull())
    .addColumn('url', text, (c) => c.notNull())
    .addColumn('metadata', text, (c) => c.notNull().defaultTo('{}'))
    .addColumn('status', text, (c) => c.notNull().defaultTo('active'))
    .addColumn('created_at', text, (c) => c.notNull())
    .execute()
  await db.schema
    .createIndex('image_locations_image')
    .on('image_locations')
    .column('image_id')
    .execute()

  await db.schema
    .createTable('image_tasks')
    .addColumn('id', text, (c) => c.primaryKey())
    .addColumn('type', text, (c) => c.notNull())
    .addColumn('status', text, (c) => c.notNull())
    .addColumn('owner', text)
    .addColumn('user_id', text)
    .addColumn('request_id', text)
    .addColumn('image_id', text)
    .addColumn('input', text, (c) => c.notNull().defaultTo('{}'))
    .addColumn('result', text)
    .addColumn('message', text, (c) => c.notNull().defaultTo(''))
    .addColumn('created_at', text, (c) => c.notNull())
    .addColumn('updated_at', text, (c) => c.notNull())
    .addColumn('expires_at', text)
    .execute()
  await db.schema.createIndex('image_tasks_image').on('image_tasks').column('image_id').execute()

  await db.schema
    .createTable('metadef_namespaces')
    .addColumn('namespace', text, (c) => c.primaryKey())
    .addColumn('display_name', text)
    .addColumn('description', text)
    .addColumn('visibility', text, (c) => c.notNull())
    .addColumn('protected', int, (c) => c.notNull().defaultTo(0))
    .addColumn('owner', text)
    .addColumn('created_at', text, (c) => c.notNull())
    .addColumn('updated_at', text, (c) => c.notNull())
    .execute()

  await db.schema
    .createTable('metadef_resource_types')
    .addColumn('name', text, (c) => c.primaryKey())
    .addColumn('protected', int, (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', text, (c) => c.notNull())
    .addColumn('updated_at', text, (c) => c.notNull())
    .execute()

  await db.schema
    .createTable('metadef_namespace_resource_types')
    .addColumn('namespace', text, (c) => c.notNull())
    .addColumn('resource_type', text, (c) => c.notNull())
    .addColumn('prefix', text)
    .addColumn('properties_target', text)
    .addColumn('created_at', text, (c) => c.notNull())
    .addColumn('updated_at', text, (c) => c.notNull())
    .addPrimaryKeyConstraint('metadef_ns_rt_pk', ['namespace', 'resource_type'])
    .execute()

  // Properties, objects and tags of a namespace: one row each, the body as JSON.
  for (const table of ['metadef_properties', 'metadef_objects', 'metadef_tags']) {
    await db.schema
      .createTable(table)
      .addColumn('namespace', text, (c) => c.notNull())
      .addColumn('name', text, (c) => c.notNull())
      .addColumn('body', text, (c) => c.notNull().defaultTo('{}'))
      .addColumn('created_at', text, (c) => c.notNull())
      .addColumn('updated_at', text, (c) => c.notNull())
      .addPrimaryKeyConstraint(`${table}_pk`, ['namespace', 'name'])
      .execute()
  }

  const now = new Date().toISOString()
  await (db as Kysely<Record<string, Record<string, unknown>>>)
    .insertInto('metadef_resource_types')
    .values(
      RESOURCE_TYPES.map((name) => ({ name, protected: 1, created_at: now, updated_at: now })),
    )
    .execute()
}
