import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { sql } from 'kysely'
import pg from 'pg'
import { openDatabase } from './database.js'
import { createTestDatabase, testDialect } from './testing.js'

/** Sessions the server still has on database `name`. */
async function sessionsOn(name: string): Promise<number> {
  const admin = new pg.Client({ connectionString: process.env['NUBIS_TEST_POSTGRES_URL'] })
  await admin.connect()
  try {
    const r = await admin.query<{ n: string }>(
      'select count(*) as n from pg_stat_activity where datname = $1',
      [name],
    )
    return Number(r.rows[0]?.n)
  } finally {
    await admin.end()
  }
}

/**
 * close() must leave no session behind: tests drop their database right after
 * with DROP DATABASE ... WITH (FORCE), which answers a session still closing
 * with "terminating connection due to administrator command"; the pool turned
 * that into an uncaught exception of whichever test ran then.
 */
describe('database close (PostgreSQL)', { skip: testDialect() !== 'postgres' }, () => {
  it('ends every session before it resolves; a drop right after is quiet', async () => {
    const t = await createTestDatabase()
    const name = new URL(t.connection).pathname.slice(1)
    const handle = openDatabase({ connection: t.connection, maxPoolSize: 8 })
    const uncaught: unknown[] = []
    const onUncaught = (err: unknown): void => {
      uncaught.push(err)
    }
    process.on('uncaughtException', onUncaught)
    try {
      // Sessions at once, so the pool holds several idle clients when it closes.
      const rows = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          sql<{ n: number }>`select pg_sleep(0.05), ${i}::int as n`.execute(handle.db),
        ),
      )
      assert.deepEqual(
        rows.map((r) => r.rows[0]?.n),
        [0, 1, 2, 3, 4, 5, 6, 7],
      )
      assert.equal(await sessionsOn(name), 8)
      await handle.close()
      assert.equal(await sessionsOn(name), 0, 'no session outlives close()')
      await t.drop()
      await new Promise((r) => setTimeout(r, 100))
      assert.deepEqual(uncaught.map(String), [])
      await assert.rejects(sql`select 1`.execute(handle.db))
    } finally {
      process.off('uncaughtException', onUncaught)
    }
  })

  it('survives the server ending an idle session', async () => {
    const t = await createTestDatabase()
    const name = new URL(t.connection).pathname.slice(1)
    const handle = openDatabase({ connection: t.connection })
    const uncaught: unknown[] = []
    const onUncaught = (err: unknown): void => {
      uncaught.push(err)
    }
    process.on('uncaughtException', onUncaught)
    try {
      await sql`select 1`.execute(handle.db)
      const admin = new pg.Client({ connectionString: process.env['NUBIS_TEST_POSTGRES_URL'] })
      await admin.connect()
      await admin.query(
        'select pg_terminate_backend(pid) from pg_stat_activity where datname = $1',
        [name],
      )
      await admin.end()
      await new Promise((r) => setTimeout(r, 200))
      assert.deepEqual(uncaught.map(String), [])
      const r = await sql<{ n: number }>`select 2::int as n`.execute(handle.db)
      assert.equal(r.rows[0]?.n, 2, 'the next query opens a fresh session')
    } finally {
      process.off('uncaughtException', onUncaught)
      await handle.close()
      await t.drop()
    }
  })
})
