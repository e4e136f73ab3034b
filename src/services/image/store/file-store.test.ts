import assert from 'node:assert/strict'
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { text } from 'node:stream/consumers'
import { after, before, describe, it } from 'node:test'
import { FileStore } from './file-store.js'
import { StoreDuplicateError, StoreNotFoundError } from './store.js'

describe('FileStore', () => {
  let dir: string
  let store: FileStore
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'nubis-fs-'))
    writeFileSync(join(dir, 'leftover.partial-1234'), 'x')
    store = await FileStore.create('local', dir)
  })
  after(() => rmSync(dir, { recursive: true, force: true }))

  it('sweeps partial files of a crashed upload at start', () => {
    assert.deepEqual(readdirSync(dir), [])
  })

  it('adds, sizes, reads ranges and deletes', async () => {
    const id = '0b7d0a36-0000-4000-8000-000000000001'
    const put = await store.add(id, Readable.from([Buffer.from('hello '), Buffer.from('world')]))
    assert.equal(put.url, `file://${dir}/${id}`)
    assert.equal(put.size, 11)
    assert.ok(store.owns(put.url))
    assert.ok(!store.owns('file:///etc/passwd'))
    assert.equal(await store.size(put.url), 11)
    assert.equal(await text(await store.get(put.url)), 'hello world')
    assert.equal(await text(await store.get(put.url, { offset: 6, length: 3 })), 'wor')
    await assert.rejects(store.add(id, Readable.from([Buffer.from('again')])), StoreDuplicateError)
    await store.delete(put.url)
    await store.delete(put.url)
    await assert.rejects(store.get(put.url), StoreNotFoundError)
    await assert.rejects(store.size(put.url), StoreNotFoundError)
    await assert.rejects(store.get('file:///etc/passwd'), StoreNotFoundError)
  })

  it('leaves nothing behind when the data stream fails or is aborted', async () => {
    const failing = new Readable({
      read() {
        this.push(Buffer.alloc(1000))
        this.destroy(new Error('boom'))
      },
    })
    await assert.rejects(store.add('0b7d0a36-0000-4000-8000-000000000002', failing), /boom/)
    const ac = new AbortController()
    const slow = new Readable({ read() {} })
    const p = store.add('0b7d0a36-0000-4000-8000-000000000003', slow, { signal: ac.signal })
    slow.push(Buffer.alloc(10))
    setTimeout(() => ac.abort(), 20)
    await assert.rejects(p)
    assert.deepEqual(readdirSync(dir), [])
  })
})
