import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pino } from 'pino'
import { createCloud, type Cloud } from '../../cmd/cloud.js'
import { loadConfig } from '../../config/load.js'
import { createTestDatabase } from '../../db/testing.js'

export interface TestCloud extends Cloud {
  readonly adminPassword: string
  /** A project-scoped admin token. */
  adminToken(): Promise<string>
  /** Password token for a user in the Default domain, optionally project-scoped (by project name). */
  token(user: string, password: string, project?: string): Promise<string>
  /** app.inject with JSON body and X-Auth-Token. */
  request(
    method: string,
    url: string,
    options?: { token?: string | undefined; body?: unknown; headers?: Record<string, string> },
  ): Promise<{
    status: number
    body: any
    headers: Record<string, string | string[] | number | undefined>
  }>
}

/**
 * A whole Nubis in memory for API tests: SQLite in memory (or a throw-away
 * PostgreSQL database when NUBIS_TEST_DB=postgres), a temp data dir, cheap
 * password hashing, and helpers to get tokens.
 */
export async function createTestCloud(
  options: { env?: Record<string, string>; connection?: string } = {},
): Promise<TestCloud> {
  const dataDir = mkdtempSync(join(tmpdir(), 'nubis-test-'))
  const adminPassword = 'admin-secret'
  const database = options.connection === undefined ? await createTestDatabase() : undefined
  const config = loadConfig({
    env: {
      NUBIS_DATA_DIR: dataDir,
      NUBIS_ADMIN_PASSWORD: adminPassword,
      NUBIS_DATABASE__CONNECTION: options.connection ?? database?.connection ?? 'sqlite://',
      NUBIS_IDENTITY__PASSWORD_HASH_LOG_N: '10',
      ...options.env,
    },
  })
  const cloud = await createCloud({
    config,
    logger: pino({ level: 'silent' }),
    publicUrl: 'http://localhost:80',
  })
  const request: TestCloud['request'] = async (method, url, o = {}) => {
    const headers: Record<string, string> = { ...(o.headers ?? {}) }
    if (o.token) headers['x-auth-token'] = o.token
    const res = await cloud.app.inject({
      method: method as 'GET',
      url,
      headers,
      ...(o.body !== undefined ? { payload: o.body as object } : {}),
    })
    let body: unknown = undefined
    if (res.body !== '') {
      try {
        body = JSON.parse(res.body)
      } catch {
        body = res.body
      }
    }
    return { status: res.statusCode, body, headers: res.headers }
  }
  const token = async (user: string, password: string, project?: string): Promise<string> => {
    const res = await request('POST', '/identity/v3/auth/tokens', {
      body: {
        auth: {
          identity: {
            methods: ['password'],
            password: { user: { name: user, domain: { id: 'default' }, password } },
          },
          ...(project ? { scope: { project: { name: project, domain: { id: 'default' } } } } : {}),
        },
      },
    })
    if (res.status !== 201)
      throw new Error(`token for ${user}: ${res.status} ${JSON.stringify(res.body)}`)
    return String(res.headers['x-subject-token'])
  }
  return {
    ...cloud,
    adminPassword,
    token,
    adminToken: () => token('admin', adminPassword, 'admin'),
    request,
    async close() {
      await cloud.close()
      await database?.drop()
      rmSync(dataDir, { recursive: true, force: true })
    },
  }
}
