import type { Kysely } from 'kysely'
import type { DialectName } from './portable.js'

/**
 * users.password_self_service: 1 when the current password was set by its
 * owner (POST /v3/users/{id}/password), 0 when an admin set it. Keystone
 * applies minimum_password_age only to self-service passwords, so a user can
 * replace an admin-reset password at once.
 */
export async function up(db: Kysely<unknown>, _dialect: DialectName): Promise<void> {
  await db.schema
    .alterTable('users')
    .addColumn('password_self_service', 'integer', (c) => c.notNull().defaultTo(0))
    .execute()
}
