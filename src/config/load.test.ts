import assert from 'node:assert/strict'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { databaseGroup, defaultGroup, identityGroup } from './groups/index.js'
import { ConfigError, loadConfig } from './load.js'

function iniFile(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'nubis-conf-'))
  const f = join(dir, 'nubis.conf')
  writeFileSync(f, text)
  return f
}

test('defaults apply when nothing is set', () => {
  const c = loadConfig({ env: {} })
  assert.equal(c.get(defaultGroup).listen, '127.0.0.1:5000')
  assert.equal(c.get(identityGroup).token_expiration, 3600)
})

test('INI values are typed; environment overrides the file; overrides beat both', () => {
  const f = iniFile(
    '[DEFAULT]\nlisten = 0.0.0.0:6000\ndebug = true\n[identity]\ntoken_expiration = 7200\n',
  )
  const c = loadConfig({ file: f, env: { NUBIS_IDENTITY__TOKEN_EXPIRATION: '600' } })
  assert.equal(c.get(defaultGroup).listen, '0.0.0.0:6000')
  assert.equal(c.get(defaultGroup).debug, true)
  assert.equal(c.get(identityGroup).token_expiration, 600)
  const c2 = loadConfig({ file: f, env: {}, overrides: { DEFAULT: { listen: '127.0.0.1:1' } } })
  assert.equal(c2.get(defaultGroup).listen, '127.0.0.1:1')
})

test('an unknown option names the option and the file', () => {
  const f = iniFile('[database]\nconection = sqlite:///x\n')
  assert.throws(
    () => loadConfig({ file: f, env: {} }),
    (e: Error) => {
      assert.ok(e instanceof ConfigError)
      assert.match(e.message, /conection/)
      assert.ok(e.message.includes(f))
      return true
    },
  )
})

test('an unknown section and a malformed value are errors', () => {
  assert.throws(
    () => loadConfig({ file: iniFile('[nope]\na = 1\n'), env: {} }),
    /unknown section \[nope\]/,
  )
  assert.throws(
    () => loadConfig({ file: iniFile('[identity]\ntoken_expiration = soon\n'), env: {} }),
    /token_expiration.*integer/,
  )
  assert.throws(() => loadConfig({ env: { NUBIS_DEBUG: 'maybe' } }), /NUBIS_DEBUG.*true or false/)
})

test('secrets are masked by show()', () => {
  const c = loadConfig({ env: { NUBIS_DATABASE__CONNECTION: 'postgresql://u:pw@h/db' } })
  assert.equal(c.get(databaseGroup).connection, 'postgresql://u:pw@h/db')
  assert.equal(c.show()['database']?.['connection'], '***')
})
