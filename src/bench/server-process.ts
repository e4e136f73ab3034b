import { spawn, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { BenchClient } from './http-client.js'

const BIN = fileURLToPath(new URL('../../bin/nubis.js', import.meta.url))

export interface ServerProcess {
  readonly child: ChildProcess
  readonly base: string
  /** Milliseconds from spawn to the first successful password token. */
  readonly msToFirstToken: number
  stop(): Promise<void>
}

export function passwordAuth(password: string, scoped = true): unknown {
  return {
    auth: {
      identity: {
        methods: ['password'],
        password: { user: { name: 'admin', domain: { id: 'default' }, password } },
      },
      ...(scoped ? { scope: { project: { name: 'admin', domain: { id: 'default' } } } } : {}),
    },
  }
}

/** Starts `nubis serve` on loopback and waits (≤ 30 s) for a first token. */
export async function startServer(o: {
  dataDir: string
  port: number
  password: string
  env?: Record<string, string>
}): Promise<ServerProcess> {
  const t0 = performance.now()
  const child = spawn(
    process.execPath,
    [BIN, 'serve', '--data-dir', o.dataDir, '--listen', `127.0.0.1:${o.port}`],
    {
      env: { ...process.env, NUBIS_ADMIN_PASSWORD: o.password, NUBIS_LOG_LEVEL: 'warn', ...o.env },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  )
  let stderr = ''
  child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()))
  const base = `http://127.0.0.1:${o.port}`
  const client = new BenchClient(base)
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`nubis serve exited: ${stderr}`)
      if (performance.now() - t0 > 30_000)
        throw new Error(`nubis serve did not answer in 30 s: ${stderr}`)
      const res = await client
        .send('POST', '/identity/v3/auth/tokens', passwordAuth(o.password))
        .catch(() => undefined)
      if (res?.status === 201) break
      await new Promise((r) => setTimeout(r, 10))
    }
  } finally {
    client.close()
  }
  const msToFirstToken = performance.now() - t0
  return {
    child,
    base,
    msToFirstToken,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve()
        child.once('exit', () => resolve())
        child.kill('SIGTERM')
      }),
  }
}
