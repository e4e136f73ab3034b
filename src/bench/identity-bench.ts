import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { BenchClient, load, type LoadResult } from './http-client.js'
import { passwordAuth, startServer } from './server-process.js'

export interface IdentityBench {
  readonly hashCost: string
  readonly startupColdMs: number
  readonly startupWarmMs: number
  readonly passwordTokenSerial: LoadResult
  readonly passwordToken: LoadResult
  readonly tokenMethod: LoadResult
  readonly validateSerial: LoadResult
  readonly validateConcurrent: LoadResult
}

/** Token issue/validation rates and start-up time of a real `nubis serve` on loopback. */
export async function benchIdentity(seconds: number, port = 5190): Promise<IdentityBench> {
  const dataDir = mkdtempSync(join(tmpdir(), 'nubis-bench-'))
  const password = 'bench-secret'
  try {
    const cold = await startServer({ dataDir, port, password })
    await cold.stop()
    const srv = await startServer({ dataDir, port, password })
    const c = new BenchClient(srv.base)
    try {
      const admin = await c.send('POST', '/identity/v3/auth/tokens', passwordAuth(password))
      const token = String(admin.headers['x-subject-token'])
      const issuePassword = async (): Promise<boolean> =>
        (await c.send('POST', '/identity/v3/auth/tokens', passwordAuth(password))).status === 201
      const passwordTokenSerial = await load(issuePassword, {
        concurrency: 1,
        seconds,
        maxRequests: 2000,
      })
      const passwordToken = await load(issuePassword, {
        concurrency: 4,
        seconds,
        maxRequests: 2000,
      })
      const tokenMethod = await load(
        async () =>
          (
            await c.send('POST', '/identity/v3/auth/tokens', {
              auth: { identity: { methods: ['token'], token: { id: token } } },
            })
          ).status === 201,
        { concurrency: 4, seconds, maxRequests: 200_000 },
      )
      const validate = async (): Promise<boolean> =>
        (
          await c.send('GET', '/identity/v3/auth/tokens?nocatalog', undefined, {
            'x-auth-token': token,
            'x-subject-token': token,
          })
        ).status === 200
      const validateSerial = await load(validate, {
        concurrency: 1,
        seconds,
        maxRequests: 1_000_000,
      })
      const validateConcurrent = await load(validate, {
        concurrency: 16,
        seconds,
        maxRequests: 1_000_000,
      })
      return {
        hashCost: 'scrypt N=2^17 r=8 p=1 (default [identity] password_hash_log_n = 17)',
        startupColdMs: cold.msToFirstToken,
        startupWarmMs: srv.msToFirstToken,
        passwordTokenSerial,
        passwordToken,
        tokenMethod,
        validateSerial,
        validateConcurrent,
      }
    } finally {
      c.close()
      await srv.stop()
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true })
  }
}
