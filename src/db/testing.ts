import { randomBytes } from 'node:crypto'
import pg from 'pg'

/**
 * Test databases. `NUBIS_TEST_DB=postgres` (with NUBIS_TEST_POSTGRES_URL, which
 * scripts/services/postgres.sh prints) makes every test cloud use a throw-away
 * PostgreSQL database instead of in-memory SQLite, so the same API and
 * repository tests run on both dialects.
 */
export interface TestDatabase {
  readonly connection: string
  drop(): Promise<void>
}

export function testDialect(): 'sqlite' | 'postgres' {
  return process.env['NUBIS_TEST_DB'] === 'postgres' ? 'postgres' : 'sqlite'
}

export async function createTestDatabase(): Promise<TestDatabase> {
  if (testDialect() === 'sqlite') return { connection: 'sqlite://', drop: async () => {} }
  const admin = process.env['NUBIS_TEST_POSTGRES_URL']
  if (!admin)
    throw new Error(
      'NUBIS_TEST_DB=postgres needs NUBIS_TEST_POSTGRES_URL (see scripts/services/postgres.sh)',
    )
  const name = `nubis_t_${randomBytes(6).toString('hex')}`
  const client = new pg.Client({ connectionString: admin })
  await client.connect()
  try {
    await client.query(`CREATE DATABASE ${name}`)
  } finally {
    await client.end()
  }
  const url = new URL(admin)
  url.pathname = `/${name}`
  return {
    connection: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: admin })
      await c.connect()
      try {
        await dropDatabase(c, name)
      } finally {
        await c.end()
      }
    },
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/**
 * DROP DATABASE ... WITH (FORCE) ends sessions left behind, but as a
 * non-superuser it fails (42501) while an autovacuum worker is in the
 * database; a plain DROP waits for autovacuum to go. So: FORCE, else a plain
 * DROP, a few times.
 */
async function dropDatabase(c: pg.Client, name: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
      return
    } catch (err) {
      if ((err as { code?: unknown }).code !== '42501') throw err
    }
    try {
      await c.query(`DROP DATABASE IF EXISTS ${name}`)
      return
    } catch (err) {
      // 55006: still in use by another session; retry FORCE after a pause.
      if (attempt >= 10 || (err as { code?: unknown }).code !== '55006') throw err
    }
    await sleep(200)
  }
}
