import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { buffer } from 'node:stream/consumers'
import { after, before, describe, it } from 'node:test'
import { Agent, request } from 'undici'
import { startVcsim, vcsimBinary, type Vcsim } from '../../../virt/vmware/vim25/testing.js'
import { createImageTestCloud, type ImageTestCloud } from '../testing.js'
import { parseDatastores } from './vsphere-store.js'

const bin = vcsimBinary()
const insecure = new Agent({ connect: { rejectUnauthorized: false } })

/** Reads a file straight from vcsim's datastore HTTP interface (not through Nubis). */
async function datastoreGet(vc: Vcsim, path: string): Promise<{ status: number; body: Buffer }> {
  const res = await request(`${vc.url}/folder/${path}?dcPath=DC0&dsName=LocalDS_0`, {
    dispatcher: insecure,
  })
  return { status: res.statusCode, body: Buffer.from(await res.body.arrayBuffer()) }
}

describe(
  'vSphere datastore store against vcsim',
  { skip: bin ? false : 'vcsim not built (shared/tools/vcsim/install.sh)' },
  () => {
    let vc: Vcsim
    let c: ImageTestCloud
    before(async () => {
      vc = await startVcsim(bin!)
      c = await createImageTestCloud({
        NUBIS_GLANCE_STORE__ENABLED_BACKENDS: 'local:file,ds:vsphere',
        NUBIS_GLANCE_STORE__DEFAULT_BACKEND: 'ds',
        NUBIS_GLANCE_STORE__VMWARE_SERVER_HOST: vc.host,
        NUBIS_GLANCE_STORE__VMWARE_SERVER_USERNAME: 'user',
        NUBIS_GLANCE_STORE__VMWARE_SERVER_PASSWORD: 'pass',
        NUBIS_GLANCE_STORE__VMWARE_API_INSECURE: 'true',
        NUBIS_GLANCE_STORE__VMWARE_DATASTORES: 'DC0:LocalDS_0:100',
        NUBIS_GLANCE_STORE__VMWARE_STORE_IMAGE_DIR: '/openstack_glance',
      })
    })
    after(async () => {
      await c?.close()
      await vc?.stop()
    })

    it('parses vmware_datastores like Glance', () => {
      assert.deepEqual(
        parseDatastores(['dc1:a', 'dc/f:b:50']).map((d) => d.dsName),
        ['b', 'a'],
      )
      assert.throws(() => parseDatastores(['nodatastore']), /datacenter:datastore/)
      assert.throws(() => parseDatastores([]), /at least one/)
    })

    it('uploads into the datastore, downloads identical bytes, deletes the file', async () => {
      const data = Buffer.from(Array.from({ length: 300_000 }, (_, i) => (i * 7) % 256))
      const img = await c.newImage(c.alice.token, { disk_format: 'raw' })
      assert.equal(
        (
          await c.putData(
            `/image/v2/images/${img.id}/file`,
            c.alice.token,
            Readable.from([data.subarray(0, 1000), data.subarray(1000)]),
          )
        ).status,
        204,
      )
      const shown = (await c.request('GET', `/image/v2/images/${img.id}`, { token: c.admin })).body
      assert.equal(shown.status, 'active')
      assert.equal(shown.stores, 'ds')
      assert.equal(shown.size, data.length)
      assert.equal(shown.checksum, createHash('md5').update(data).digest('hex'))
      const inDatastore = await datastoreGet(vc, `openstack_glance/${img.id}`)
      assert.equal(inDatastore.status, 200)
      assert.ok(inDatastore.body.equals(data), 'the datastore holds the exact bytes')
      const got = await c.app.inject({
        method: 'GET',
        url: `/image/v2/images/${img.id}/file`,
        headers: { 'x-auth-token': c.alice.token },
      })
      assert.ok(got.rawPayload.equals(data))
      const part = await c.app.inject({
        method: 'GET',
        url: `/image/v2/images/${img.id}/file`,
        headers: { 'x-auth-token': c.alice.token, range: 'bytes=10-19' },
      })
      assert.equal(part.statusCode, 206)
      assert.ok(part.rawPayload.equals(data.subarray(10, 20)))
      const driver = await c.image.openImage(img.id)
      assert.equal(driver.copies[0]?.storeType, 'vsphere')
      assert.equal(
        driver.copies[0]?.metadata['datastore_path'],
        `[LocalDS_0] openstack_glance/${img.id}`,
      )
      assert.ok((await buffer(await driver.open())).equals(data))
      assert.equal(
        (await c.request('DELETE', `/image/v2/images/${img.id}`, { token: c.alice.token })).status,
        204,
      )
      assert.equal(
        (await datastoreGet(vc, `openstack_glance/${img.id}`)).status,
        404,
        'gone from the datastore',
      )
    })

    it('reads virtual_size from qcow2 and vmdk headers (no local file to run qemu-img on)', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'nubis-vs-'))
      try {
        for (const fmt of ['qcow2', 'vmdk']) {
          const file = join(dir, `d.${fmt}`)
          execFileSync('qemu-img', ['create', '-f', fmt, file, '10M'])
          const img = await c.newImage(c.alice.token, { disk_format: fmt })
          assert.equal(
            (await c.putData(`/image/v2/images/${img.id}/file`, c.alice.token, readFileSync(file)))
              .status,
            204,
          )
          const shown = (
            await c.request('GET', `/image/v2/images/${img.id}`, { token: c.alice.token })
          ).body
          assert.equal(shown.virtual_size, 10 * 1024 * 1024, fmt)
        }
      } finally {
        rmSync(dir, { recursive: true, force: true })
      }
    })

    it('removes a partial upload from the datastore when the client goes away', async () => {
      const img = await c.newImage(c.alice.token)
      let n = 0
      const body = new Readable({
        read() {
          if (n++ < 5) this.push(Buffer.alloc(10_000, 1))
          else this.destroy(Object.assign(new Error('client went away'), { code: 'ECONNRESET' }))
        },
      })
      await c.putData(`/image/v2/images/${img.id}/file`, c.alice.token, body).catch(() => undefined)
      let status = ''
      for (let i = 0; i < 100 && status !== 'queued'; i++) {
        status = (await c.request('GET', `/image/v2/images/${img.id}`, { token: c.alice.token }))
          .body.status as string
        if (status !== 'queued') await new Promise((r) => setTimeout(r, 20))
      }
      assert.equal(status, 'queued')
      assert.equal((await datastoreGet(vc, `openstack_glance/${img.id}`)).status, 404)
    })

    it('copies a file-store image into the datastore with copy-image', async () => {
      const img = await c.newImage(c.alice.token)
      const put = await c.putData(
        `/image/v2/images/${img.id}/file`,
        c.alice.token,
        Buffer.from('to the datastore'),
        { 'x-image-meta-store': 'local' },
      )
      assert.equal(put.status, 204)
      const r = await c.request('POST', `/image/v2/images/${img.id}/import`, {
        token: c.admin,
        body: { method: { name: 'copy-image' }, stores: ['ds'] },
      })
      assert.equal(r.status, 202)
      let shown = (await c.request('GET', `/image/v2/images/${img.id}`, { token: c.admin })).body
      for (let i = 0; i < 200 && shown.stores !== 'local,ds'; i++) {
        await new Promise((res) => setTimeout(res, 20))
        shown = (await c.request('GET', `/image/v2/images/${img.id}`, { token: c.admin })).body
      }
      assert.equal(shown.stores, 'local,ds')
      assert.equal(
        (await datastoreGet(vc, `openstack_glance/${img.id}`)).body.toString(),
        'to the datastore',
      )
    })
  },
)
