import type { Kysely } from 'kysely'
import type { DialectName } from './portable.js'

/**
 * volume_services.frozen: Cinder's os-services freeze/thaw state of a
 * backend (0/1). A frozen backend refuses volume deletes and snapshot changes.
 */
export async function up(db: Kysely<unknown>, _dialect: DialectName): Promise<void> {
  await db.schema
    .alterTable('volume_services')
    .addColumn('frozen', 'integer', (c) => c.notNull().defaultTo(0))
    .execute()
}
