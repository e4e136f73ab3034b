import assert from 'node:assert/strict'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, test } from 'node:test'
import { BenchClient } from '../bench/http-client.js'
import { passwordAuth, startServer } from '../bench/server-process.js'

const dir = mkdtempSync(join(tmpdir(), 'nubis-serve-'))
after(() => rmSync(dir, { recursive: true, force: true }))

test('first start writes clouds.yaml/openrc; a restart reuses the data dir', async () => {
  const dataDir = join(dir, 'a')
  const first = await startServer({
    dataDir,
    port: 5192,
    password: 'pw-one',
    env: { NUBIS_IDENTITY__PASSWORD_HASH_LOG_N: '10' },
  })
  await first.stop()
  assert.equal(first.child.exitCode, 0)
  const clouds = readFileSync(join(dataDir, 'clouds.yaml'), 'utf8')
  assert.match(clouds, /auth_url: "http:\/\/127\.0\.0\.1:5192\/identity\/v3"/)
  assert.match(clouds, /password: "pw-one"/)
  assert.ok(existsSync(join(dataDir, 'openrc')))
  assert.ok(existsSync(join(dataDir, 'token-keys', '0')))
  // Second start on the same data dir: same admin (the password still works), keys kept.
  const second = await startServer({
    dataDir,
    port: 5192,
    password: 'pw-one',
    env: { NUBIS_IDENTITY__PASSWORD_HASH_LOG_N: '10' },
  })
  await second.stop()
  assert.equal(second.child.exitCode, 0)
})

test('SIGTERM lets an in-flight request finish before exiting', async () => {
  // log N 17 makes a password token take a few hundred ms: long enough to be in flight.
  const srv = await startServer({ dataDir: join(dir, 'b'), port: 5193, password: 'pw-two' })
  const c = new BenchClient(srv.base)
  try {
    const pending = c.send('POST', '/identity/v3/auth/tokens', passwordAuth('pw-two'))
    await new Promise((r) => setTimeout(r, 50))
    const exited = new Promise<number | null>((r) => srv.child.once('exit', (code) => r(code)))
    srv.child.kill('SIGTERM')
    const res = await pending
    assert.equal(res.status, 201)
    assert.equal(await exited, 0)
  } finally {
    c.close()
    await srv.stop()
  }
})

test('a malformed config file stops the start with a message naming the option and file', async () => {
  const { execFile } = await import('node:child_process')
  const { writeFileSync } = await import('node:fs')
  const conf = join(dir, 'bad.conf')
  writeFileSync(conf, '[identity]\ntoken_expirey = 10\n')
  const bin = new URL('../../bin/nubis.js', import.meta.url).pathname
  const r = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
    execFile(
      process.execPath,
      [bin, 'serve', '--config', conf, '--data-dir', join(dir, 'c')],
      (err, _o, stderr) =>
        resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stderr }),
    )
  })
  assert.equal(r.code, 2)
  assert.match(r.stderr, /token_expirey/)
  assert.ok(r.stderr.includes(conf))
})
