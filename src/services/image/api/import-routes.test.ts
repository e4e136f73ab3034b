import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { after, before, describe, it } from 'node:test'
import { qemuImgInfo } from '../qemu-img.js'
import { createImageTestCloud, type ImageTestCloud } from '../testing.js'

describe('interoperable import: stage, glance-direct, conversion, web-download, copy-image', () => {
  let c: ImageTestCloud
  let dir: string
  let web: Server
  let webPort = 0
  const payload = Buffer.from('web-download payload '.repeat(100))

  before(async () => {
    web = createServer((req, res) => {
      if (req.url === '/disk.raw') res.end(payload)
      else res.writeHead(404).end()
    })
    await new Promise<void>((r) => web.listen(0, '127.0.0.1', r))
    webPort = (web.address() as { port: number }).port
    c = await createImageTestCloud({
      NUBIS_GLANCE_STORE__ENABLED_BACKENDS: 'local:file,backup:file',
      NUBIS_GLANCE_STORE__DEFAULT_BACKEND: 'local',
      NUBIS_IMAGE__IMPORT_ALLOWED_PORTS: String(webPort),
    })
    dir = mkdtempSync(join(tmpdir(), 'nubis-import-'))
  })
  after(async () => {
    await c.close()
    web.close()
    rmSync(dir, { recursive: true, force: true })
  })

  const show = async (id: string, token = c.alice.token): Promise<Record<string, any>> =>
    (await c.request('GET', `/image/v2/images/${id}`, { token })).body as Record<string, any>
  async function settle(id: string): Promise<Record<string, any>> {
    for (let i = 0; i < 300; i++) {
      // Tasks first: once they are finished, the image read next is final.
      const tasks = (
        await c.request('GET', `/image/v2/images/${id}/tasks`, { token: c.alice.token })
      ).body.tasks
      if (
        tasks.length &&
        tasks.every((t: { status: string }) => ['success', 'failure'].includes(t.status))
      )
        return show(id)
      await new Promise((r) => setTimeout(r, 20))
    }
    throw new Error(`import of ${id} did not finish`)
  }

  it('describes import methods and stores', async () => {
    const info = await c.request('GET', '/image/v2/info/import', { token: c.alice.token })
    assert.deepEqual(info.body['import-methods'].value, [
      'glance-direct',
      'web-download',
      'copy-image',
      'glance-download',
    ])
    const stores = await c.request('GET', '/image/v2/info/stores', { token: c.alice.token })
    assert.deepEqual(stores.body.stores, [{ id: 'local', default: 'true' }, { id: 'backup' }])
    assert.equal(
      (await c.request('GET', '/image/v2/info/stores/detail', { token: c.alice.token })).status,
      403,
    )
    assert.equal(
      (await c.request('GET', '/image/v2/info/stores/detail', { token: c.admin })).body.stores[0]
        .type,
      'file',
    )
  })

  it('imports a staged qcow2 as vmdk into every store and qemu-img agrees', async () => {
    const file = join(dir, 'src.qcow2')
    execFileSync('qemu-img', ['create', '-f', 'qcow2', file, '64M'])
    const img = await c.newImage(c.alice.token, {
      disk_format: 'qcow2',
      nubis_target_format: 'vmdk',
    })
    assert.equal(
      (await c.putData(`/image/v2/images/${img.id}/stage`, c.alice.token, readFileSync(file)))
        .status,
      204,
    )
    assert.equal((await show(img.id)).status, 'uploading')
    const r = await c.request('POST', `/image/v2/images/${img.id}/import`, {
      token: c.alice.token,
      body: { method: { name: 'glance-direct' }, all_stores: true },
    })
    assert.equal(r.status, 202)
    const done = await settle(img.id)
    assert.equal(done.status, 'active')
    assert.equal(done.disk_format, 'vmdk')
    assert.equal(done.vmware_disktype, 'sparse')
    assert.equal(done.stores, 'backup,local')
    assert.equal(done.virtual_size, 64 * 1024 * 1024)
    assert.equal(done.os_glance_importing_to_stores, '')
    assert.equal(done.os_glance_failed_import, '')
    const tasks = (
      await c.request('GET', `/image/v2/images/${img.id}/tasks`, { token: c.alice.token })
    ).body.tasks
    assert.equal(tasks.length, 1)
    assert.equal(tasks[0].status, 'success')
    assert.equal(tasks[0].input.import_req.method.name, 'glance-direct')
    assert.equal(tasks[0].request_id, r.headers['x-openstack-request-id'])
    const got = await c.app.inject({
      method: 'GET',
      url: `/image/v2/images/${img.id}/file`,
      headers: { 'x-auth-token': c.alice.token },
    })
    const out = join(dir, 'out.vmdk')
    writeFileSync(out, got.rawPayload)
    const info = await qemuImgInfo(out)
    assert.equal(info.format, 'vmdk')
    assert.equal(info.virtualSize, 64 * 1024 * 1024)
    assert.equal(createHash('md5').update(got.rawPayload).digest('hex'), done.checksum)
    assert.ok(!existsSync(join(c.dataDir, 'image-staging', img.id)), 'staging area cleaned')
  })

  it('refuses imports in the wrong state or with bad bodies', async () => {
    const img = await c.newImage(c.alice.token)
    const post = (body: unknown, token = c.alice.token) =>
      c.request('POST', `/image/v2/images/${img.id}/import`, { token, body })
    assert.equal((await post({})).status, 400)
    assert.equal((await post({ method: {} })).status, 400)
    assert.equal((await post({ method: { name: 'teleport' } })).status, 400)
    assert.equal((await post({ method: { name: 'glance-direct' }, all_stores: 'yes' })).status, 400)
    assert.equal((await post({ method: { name: 'glance-direct' } })).status, 409, 'nothing staged')
    assert.equal(
      (await post({ method: { name: 'copy-image' } }, c.admin)).status,
      409,
      'copy needs an active image',
    )
    assert.equal(
      (await post({ method: { name: 'web-download', uri: 'http://127.0.0.1:1/x' } })).status,
      400,
      'port filtered',
    )
    assert.equal(
      (await post({ method: { name: 'web-download', uri: 'file:///etc/passwd' } })).status,
      400,
    )
    const bad = await post({
      method: { name: 'glance-download', glance_image_id: 'foo', glance_region: 'RegionOne' },
    })
    assert.equal(bad.status, 400)
    assert.match(bad.body, /does not look like a UUID/)
    assert.equal((await post({ method: { name: 'glance-direct' }, stores: ['nope'] })).status, 409)
    assert.equal((await post({ method: { name: 'glance-direct' } }, c.bob.token)).status, 404)
    const staged = await c.newImage(c.alice.token)
    assert.equal(
      (await c.putData(`/image/v2/images/${staged.id}/stage`, c.alice.token, Buffer.from('x')))
        .status,
      204,
    )
    assert.equal(
      (await c.putData(`/image/v2/images/${staged.id}/stage`, c.alice.token, Buffer.from('x')))
        .status,
      409,
    )
  })

  it('web-downloads into the default store, and reports a bad URL as a failed import', async () => {
    const img = await c.newImage(c.alice.token)
    const uri = `http://127.0.0.1:${webPort}/disk.raw`
    const r = await c.request('POST', `/image/v2/images/${img.id}/import`, {
      token: c.alice.token,
      body: { method: { name: 'web-download', uri } },
    })
    assert.equal(r.status, 202)
    const done = await settle(img.id)
    assert.equal(done.status, 'active')
    assert.equal(done.stores, 'local')
    assert.equal(done.checksum, createHash('md5').update(payload).digest('hex'))
    const miss = await c.newImage(c.alice.token)
    await c.request('POST', `/image/v2/images/${miss.id}/import`, {
      token: c.alice.token,
      body: { method: { name: 'web-download', uri: `http://127.0.0.1:${webPort}/missing` } },
    })
    const failed = await settle(miss.id)
    assert.equal(failed.status, 'queued')
    assert.equal(failed.os_glance_failed_import, 'local')
  })

  it('copies an active image to the other store (admin only)', async () => {
    const img = await c.newImage(c.alice.token)
    await c.putData(`/image/v2/images/${img.id}/file`, c.alice.token, Buffer.from('copy me'))
    const body = {
      method: { name: 'copy-image' },
      all_stores: true,
      all_stores_must_succeed: false,
    }
    assert.equal(
      (await c.request('POST', `/image/v2/images/${img.id}/import`, { token: c.alice.token, body }))
        .status,
      403,
    )
    assert.equal(
      (await c.request('POST', `/image/v2/images/${img.id}/import`, { token: c.admin, body }))
        .status,
      202,
    )
    const done = await settle(img.id)
    assert.equal(done.stores, 'local,backup')
    assert.equal(done.os_glance_failed_import, '')
    for (const loc of (await c.request('GET', `/image/v2/images/${img.id}`, { token: c.admin }))
      .body.locations ?? []) {
      assert.equal(readFileSync(fileURLToPath(loc.url), 'utf8'), 'copy me')
    }
  })

  it('fails a glance-download from an unknown region and puts the image back in queued', async () => {
    const img = await c.newImage(c.alice.token)
    const r = await c.request('POST', `/image/v2/images/${img.id}/import`, {
      token: c.alice.token,
      body: {
        method: {
          name: 'glance-download',
          glance_image_id: '36d4b546-64a2-4bb9-bdd0-ba676aa48f2c',
          glance_region: 'nowhere',
        },
      },
    })
    assert.equal(r.status, 202)
    const done = await settle(img.id)
    assert.equal(done.status, 'queued')
    const tasks = (
      await c.request('GET', `/image/v2/images/${img.id}/tasks`, { token: c.alice.token })
    ).body.tasks
    assert.equal(tasks[0].status, 'failure')
  })
})
