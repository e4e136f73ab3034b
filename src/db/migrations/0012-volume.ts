import type { Kysely } from 'kysely'
import type { DialectName } from './portable.js'

/** Block storage (Cinder v3) tables. */
export async function up(_db: Kysely<unknown>, _dialect: DialectName): Promise<void> {}
