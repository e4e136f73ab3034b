import type { Kysely } from 'kysely'
import type { DialectName } from './portable.js'

/** Placement: resource providers, inventories, allocations, traits, aggregates. */
export async function up(_db: Kysely<unknown>, _dialect: DialectName): Promise<void> {}
