import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { after, describe, test } from 'node:test'
import { backupLocation, PosixBackupStore, validContainer } from './backup-posix.js'

async function collect(r: Readable): Promise<Buffer> {
  const parts: Buffer[] = []
  for await (const p of r) parts.push(p as Buffer)
  return Buffer.concat(parts)
}

describe('posix backup store', () => {
  const root = mkdtempSync(join(tmpdir(), 'posix-backup-'))
  after(() => rmSync(root, { recursive: true, force: true }))
  const store = new PosixBackupStore(root, 1024)

  test('chunks with sha256, zero chunks not stored, incremental shares unchanged chunks', async () => {
    const data = Buffer.concat([randomBytes(1024), Buffer.alloc(2048), randomBytes(1000)])
    const full = await store.write(
      'full',
      'full',
      Readable.from([data.subarray(0, 700), data.subarray(700)]),
      null,
    )
    assert.equal(full.sizeBytes, data.length)
    assert.deepEqual(
      full.chunks.map((c) => c.length),
      [1024, 1024, 1024, 1000],
    )
    assert.deepEqual(
      full.chunks.map((c) => c.object),
      ['full/chunk-00000', null, null, 'full/chunk-00003'],
    )
    assert.ok(full.chunks.every((c) => /^[0-9a-f]{64}$/.test(c.sha256)))
    assert.ok((await collect(store.read('full'))).equals(data))

    const changed = Buffer.from(data)
    changed.fill(7, 3100, 3200)
    // The incremental lives in a named container; it still shares the parent's chunks.
    const incLoc = backupLocation({ id: 'inc', container: 'nightly/db' })
    assert.equal(incLoc, 'nightly/db/inc')
    const inc = await store.write('inc', incLoc, Readable.from([changed]), {
      id: 'full',
      loc: 'full',
    })
    assert.equal(inc.parentId, 'full')
    assert.deepEqual(
      inc.chunks.map((c) => c.object),
      ['full/chunk-00000', null, null, 'nightly/db/inc/chunk-00003'],
    )
    assert.deepEqual(readdirSync(join(root, 'nightly', 'db', 'inc')).sort(), [
      'chunk-00003',
      'metadata.json',
    ])
    assert.ok((await collect(store.read(incLoc))).equals(changed))
  })

  test('a corrupted chunk is detected on read', async () => {
    await store.write('bad', 'bad', Readable.from([randomBytes(2048)]), null)
    writeFileSync(join(root, 'bad', 'chunk-00001'), randomBytes(1024))
    await assert.rejects(collect(store.read('bad')), /sha256 mismatch/)
    await store.delete('bad')
    assert.equal(existsSync(join(root, 'bad')), false)
  })

  test('containers stay inside the root; legacy rows (absolute container) sit at the root', async () => {
    for (const ok of ['container', 'a/b', 'x.y-z_1']) assert.equal(validContainer(ok), true, ok)
    for (const bad of ['', '..', 'a/../b', '/etc', 'a//b', './a', 'a\\b', 'x'.repeat(256)])
      assert.equal(validContainer(bad), false, bad)
    assert.equal(backupLocation({ id: 'b1', container: root }), 'b1')
    assert.equal(backupLocation({ id: 'b1', container: null }), 'b1')
    await assert.rejects(
      store.write('evil', '../evil', Readable.from([Buffer.alloc(1)]), null),
      /bad backup location/,
    )
  })
})
