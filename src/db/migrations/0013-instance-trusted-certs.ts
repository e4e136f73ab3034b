import type { Kysely } from 'kysely'
import type { DialectName } from './portable.js'

/**
 * instances.trusted_certs: the certificate ids a user gave as
 * `trusted_image_certificates` (compute microversion 2.63), a JSON list, or
 * null when none were given.
 */
export async function up(db: Kysely<unknown>, _dialect: DialectName): Promise<void> {
  await db.schema.alterTable('instances').addColumn('trusted_certs', 'text').execute()
}
