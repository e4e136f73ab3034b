import type { Kysely } from 'kysely'
import type { DialectName } from './portable.js'

/**
 * Cinder's QoS specs: a named set of key/value specs for a consumer
 * (front-end: the hypervisor applies them; back-end: the storage; both),
 * associated with volume types through volume_types.qos_specs_id.
 */
export async function up(db: Kysely<unknown>, _dialect: DialectName): Promise<void> {
  await db.schema
    .createTable('volume_qos_specs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('consumer', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text')
    .execute()
  await db.schema
    .createTable('volume_qos_spec_keys')
    .addColumn('qos_id', 'text', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('value', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('volume_qos_spec_keys_pk', ['qos_id', 'key'])
    .execute()
  await db.schema.alterTable('volume_types').addColumn('qos_specs_id', 'text').execute()
}
