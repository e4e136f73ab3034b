import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { request } from 'node:http'
import { createReadStream, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { after, before, describe, it } from 'node:test'
import { createImageTestCloud, type ImageTestCloud } from '../testing.js'

const md5 = (b: Buffer): string => createHash('md5').update(b).digest('hex')
const sha512 = (b: Buffer): string => createHash('sha512').update(b).digest('hex')

/** Files in every store directory, partial uploads included. */
function storedFiles(c: ImageTestCloud): string[] {
  const dir = join(c.dataDir, 'images', 'file')
  return readdirSync(dir)
}

describe('image data: upload, download, ranges, failures', () => {
  let c: ImageTestCloud
  before(async () => {
    c = await createImageTestCloud({
      NUBIS_IMAGE__USER_STORAGE_QUOTA: '64KB',
      NUBIS_IMAGE__IMAGE_SIZE_CAP: '40000',
    })
  })
  after(() => c.close())

  it('uploads with hashes and streams back with Content-MD5 and ranges', async () => {
    const img = await c.newImage(c.alice.token)
    const empty = await c.request('GET', `/image/v2/images/${img.id}/file`, {
      token: c.alice.token,
    })
    assert.equal(empty.status, 204, 'no data yet')
    const data = Buffer.from(Array.from({ length: 5000 }, (_, i) => i % 251))
    assert.equal(
      (await c.putData(`/image/v2/images/${img.id}/file`, c.alice.token, data)).status,
      204,
    )
    const shown = (await c.request('GET', `/image/v2/images/${img.id}`, { token: c.alice.token }))
      .body
    assert.equal(shown.status, 'active')
    assert.equal(shown.size, 5000)
    assert.equal(shown.virtual_size, 5000, 'raw: the virtual size is the size')
    assert.equal(shown.checksum, md5(data))
    assert.equal(shown.os_hash_algo, 'sha512')
    assert.equal(shown.os_hash_value, sha512(data))
    assert.equal(shown.stores, 'file')
    const full = await c.app.inject({
      method: 'GET',
      url: `/image/v2/images/${img.id}/file`,
      headers: { 'x-auth-token': c.alice.token },
    })
    assert.equal(full.statusCode, 200)
    assert.equal(full.headers['content-md5'], md5(data))
    assert.equal(full.headers['content-type'], 'application/octet-stream')
    assert.ok(full.rawPayload.equals(data))
    const part = await c.app.inject({
      method: 'GET',
      url: `/image/v2/images/${img.id}/file`,
      headers: { 'x-auth-token': c.alice.token, range: 'bytes=100-199' },
    })
    assert.equal(part.statusCode, 206)
    assert.equal(part.headers['content-range'], 'bytes 100-199/5000')
    assert.ok(part.rawPayload.equals(data.subarray(100, 200)))
    const tail = await c.app.inject({
      method: 'GET',
      url: `/image/v2/images/${img.id}/file`,
      headers: { 'x-auth-token': c.alice.token, range: 'bytes=-10' },
    })
    assert.ok(tail.rawPayload.equals(data.subarray(4990)))
    const bad = await c.app.inject({
      method: 'GET',
      url: `/image/v2/images/${img.id}/file`,
      headers: { 'x-auth-token': c.alice.token, range: 'bytes=6000-' },
    })
    assert.equal(bad.statusCode, 416)
    assert.equal(
      (await c.putData(`/image/v2/images/${img.id}/file`, c.alice.token, data)).status,
      409,
      'active images take no data',
    )
  })

  it('refuses data for images without formats, of others, or of the wrong media type', async () => {
    const bare = (
      await c.request('POST', '/image/v2/images', { token: c.alice.token, body: { name: 'nofmt' } })
    ).body
    assert.equal(
      (await c.putData(`/image/v2/images/${bare.id}/file`, c.alice.token, Buffer.from('x'))).status,
      400,
    )
    assert.equal(
      (await c.request('GET', `/image/v2/images/${bare.id}`, { token: c.alice.token })).body.status,
      'queued',
    )
    const img = await c.newImage(c.alice.token)
    assert.equal(
      (await c.putData(`/image/v2/images/${img.id}/file`, c.bob.token, Buffer.from('x'))).status,
      404,
    )
    const json = await c.request('PUT', `/image/v2/images/${img.id}/file`, {
      token: c.alice.token,
      body: { a: 1 },
    })
    assert.equal(json.status, 415)
    const unknownStore = await c.putData(
      `/image/v2/images/${img.id}/file`,
      c.alice.token,
      Buffer.from('x'),
      { 'x-image-meta-store': 'nope' },
    )
    assert.equal(unknownStore.status, 400)
  })

  it('stops an upload over the size cap or quota with 413, leaving the image queued and no file', async () => {
    const before = storedFiles(c).length
    const big = await c.newImage(c.alice.token)
    const capped = await c.putData(
      `/image/v2/images/${big.id}/file`,
      c.alice.token,
      Buffer.alloc(50000),
    )
    assert.equal(capped.status, 413)
    let shown = (await c.request('GET', `/image/v2/images/${big.id}`, { token: c.alice.token }))
      .body
    assert.equal(shown.status, 'queued')
    assert.equal(shown.size, null)
    assert.equal(storedFiles(c).length, before, 'nothing left in the store')
    // 64 KB quota: alice stored 5000 bytes above; 2 × 30000 more would exceed it.
    const one = await c.newImage(c.alice.token)
    assert.equal(
      (await c.putData(`/image/v2/images/${one.id}/file`, c.alice.token, Buffer.alloc(30000)))
        .status,
      204,
    )
    const two = await c.newImage(c.alice.token)
    const over = await c.putData(
      `/image/v2/images/${two.id}/file`,
      c.alice.token,
      Buffer.alloc(35000),
    )
    assert.equal(over.status, 413)
    assert.match(over.body, /quota/)
    shown = (await c.request('GET', `/image/v2/images/${two.id}`, { token: c.alice.token })).body
    assert.equal(shown.status, 'queued')
    const usage = await c.request('GET', '/image/v2/info/usage', { token: c.alice.token })
    assert.equal(usage.body.usage.image_count_total.usage >= 3, true)
    // Bob has his own quota.
    const b = await c.newImage(c.bob.token)
    assert.equal(
      (await c.putData(`/image/v2/images/${b.id}/file`, c.bob.token, Buffer.alloc(35000))).status,
      204,
    )
  })

  it('puts an interrupted upload back to queued with no partial file', async () => {
    const img = await c.newImage(c.bob.token)
    const before = storedFiles(c).length
    let sent = 0
    const body = new Readable({
      read() {
        if (sent++ < 3) this.push(Buffer.alloc(1000, 7))
        else this.destroy(Object.assign(new Error('client went away'), { code: 'ECONNRESET' }))
      },
    })
    const r = await c
      .putData(`/image/v2/images/${img.id}/file`, c.bob.token, body)
      .catch(() => ({ status: 0, body: '' }))
    assert.notEqual(r.status, 204)
    // The client is gone before the server finishes cleaning up: wait for it.
    let shown = (await c.request('GET', `/image/v2/images/${img.id}`, { token: c.bob.token })).body
    for (let i = 0; i < 50 && shown.status === 'saving'; i++) {
      await new Promise((res) => setTimeout(res, 20))
      shown = (await c.request('GET', `/image/v2/images/${img.id}`, { token: c.bob.token })).body
    }
    assert.equal(shown.status, 'queued')
    assert.equal(storedFiles(c).length, before)
    assert.equal(
      (await c.putData(`/image/v2/images/${img.id}/file`, c.bob.token, Buffer.from('retry')))
        .status,
      204,
      'retry works',
    )
  })

  it('cleans up when a real client socket dies mid-upload', async () => {
    const img = await c.newImage(c.bob.token)
    const before = storedFiles(c).length
    await c.app.listen({ host: '127.0.0.1', port: 0 })
    const { port } = c.app.server.address() as { port: number }
    await new Promise<void>((resolve) => {
      const req = request({
        host: '127.0.0.1',
        port,
        method: 'PUT',
        path: `/image/v2/images/${img.id}/file`,
        headers: {
          'x-auth-token': c.bob.token,
          'content-type': 'application/octet-stream',
          'content-length': '1000000',
        },
      })
      req.on('error', () => resolve())
      req.on('close', () => resolve())
      req.write(Buffer.alloc(200000, 3), () => setTimeout(() => req.destroy(), 50))
    })
    let shown = (await c.request('GET', `/image/v2/images/${img.id}`, { token: c.bob.token })).body
    for (let i = 0; i < 100 && shown.status !== 'queued'; i++) {
      await new Promise((res) => setTimeout(res, 20))
      shown = (await c.request('GET', `/image/v2/images/${img.id}`, { token: c.bob.token })).body
    }
    assert.equal(shown.status, 'queued')
    assert.equal(storedFiles(c).length, before)
  })

  it('deletes the stored file with the image', async () => {
    const img = await c.newImage(c.bob.token)
    await c.putData(`/image/v2/images/${img.id}/file`, c.bob.token, Buffer.from('bye'))
    assert.ok(storedFiles(c).includes(img.id))
    assert.equal(
      (await c.request('DELETE', `/image/v2/images/${img.id}`, { token: c.bob.token })).status,
      204,
    )
    assert.ok(!storedFiles(c).includes(img.id))
  })
})

describe('image data: a 100 MiB qcow2 made by qemu-img', () => {
  let c: ImageTestCloud
  let dir: string
  before(async () => {
    c = await createImageTestCloud()
    dir = mkdtempSync(join(tmpdir(), 'nubis-qcow2-'))
  })
  after(async () => {
    await c.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('stores it with correct checksum, hashes, size and virtual_size and returns identical bytes', async () => {
    const file = join(dir, 'disk.qcow2')
    execFileSync('qemu-img', [
      'create',
      '-f',
      'qcow2',
      '-o',
      'preallocation=metadata',
      file,
      '100M',
    ])
    const bytes = readFileSync(file)
    const img = await c.newImage(c.alice.token, { disk_format: 'qcow2', name: 'disk' })
    const put = await c.putData(
      `/image/v2/images/${img.id}/file`,
      c.alice.token,
      createReadStream(file),
    )
    assert.equal(put.status, 204)
    const shown = (await c.request('GET', `/image/v2/images/${img.id}`, { token: c.alice.token }))
      .body
    assert.equal(shown.status, 'active')
    assert.equal(shown.size, statSync(file).size)
    assert.equal(shown.virtual_size, 100 * 1024 * 1024)
    assert.equal(shown.checksum, md5(bytes))
    assert.equal(shown.os_hash_value, sha512(bytes))
    const got = await c.app.inject({
      method: 'GET',
      url: `/image/v2/images/${img.id}/file`,
      headers: { 'x-auth-token': c.alice.token },
    })
    assert.equal(got.statusCode, 200)
    assert.equal(md5(got.rawPayload), md5(bytes))
    assert.equal(got.rawPayload.length, bytes.length)
  })
})
