import type { Kysely } from 'kysely'
import type { DialectName } from './portable.js'

/** Flavors, keypairs, aggregates and compute quotas (owned by the compute-resources work). */
export async function up(_db: Kysely<unknown>, _dialect: DialectName): Promise<void> {}
