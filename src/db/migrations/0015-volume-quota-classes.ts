import type { Kysely } from 'kysely'
import type { DialectName } from './portable.js'

/**
 * Cinder's quota classes: per class and resource a hard limit. The
 * `default` class, when it names a resource, overrides the configured
 * default of every project without a limit of its own.
 */
export async function up(db: Kysely<unknown>, _dialect: DialectName): Promise<void> {
  await db.schema
    .createTable('volume_quota_classes')
    .addColumn('class_name', 'text', (c) => c.notNull())
    .addColumn('resource', 'text', (c) => c.notNull())
    .addColumn('hard_limit', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('volume_quota_classes_pk', ['class_name', 'resource'])
    .execute()
}
