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
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
      } finally {
        await c.end()
      }
    },
  }
}
