import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { createTestCloud, type TestCloud } from '../../identity/testing.js'
import { MAX_MICROVERSION } from './microversion.js'

describe('compute version documents and extensions', () => {
  let cloud: TestCloud
  let admin: string
  before(async () => {
    cloud = await createTestCloud()
    admin = await cloud.adminToken()
  })
  after(async () => cloud.close())

  test('GET /compute/ lists v2.0 then v2.1 without a token; each self link is followable', async () => {
    const r = await cloud.request('GET', '/compute/')
    assert.equal(r.status, 200)
    const [v20, v21] = r.body.versions
    assert.deepEqual(v20, {
      id: 'v2.0',
      status: 'SUPPORTED',
      version: '',
      min_version: '',
      updated: '2011-01-21T11:33:21Z',
      links: [{ rel: 'self', href: 'http://localhost:80/compute/v2/' }],
    })
    assert.equal(v21.id, 'v2.1')
    assert.equal(v21.status, 'CURRENT')
    assert.equal(v21.version, MAX_MICROVERSION)
    assert.equal(v21.min_version, '2.1')
    for (const v of r.body.versions) {
      const self = v.links[0].href.replace('http://localhost:80', '')
      const doc = await cloud.request('GET', self)
      assert.equal(doc.status, 200, self)
      assert.equal(doc.body.version.id, v.id)
      assert.deepEqual(
        doc.body.version.links.filter((l: { rel: string }) => l.rel === 'self'),
        v.links,
      )
      assert.equal(doc.body.version['media-types'][0].base, 'application/json')
    }
    const noSlash = await cloud.request('GET', '/compute/v2.1')
    assert.equal(noSlash.body.version.id, 'v2.1')
  })

  test('extensions: the fixed list and show by alias', async () => {
    const l = await cloud.request('GET', '/compute/v2.1/extensions', { token: admin })
    assert.equal(l.status, 200)
    assert.ok(l.body.extensions.length > 50)
    const aliases = l.body.extensions.map((e: { alias: string }) => e.alias)
    for (const a of [
      'os-keypairs',
      'os-availability-zone',
      'os-quota-sets',
      'os-services',
      'OS-EXT-AZ',
    ])
      assert.ok(aliases.includes(a), a)
    const e = await cloud.request('GET', '/compute/v2.1/extensions/os-keypairs', { token: admin })
    assert.deepEqual(Object.keys(e.body.extension).sort(), [
      'alias',
      'description',
      'links',
      'name',
      'namespace',
      'updated',
    ])
    assert.equal(e.body.extension.name, 'Keypairs')
    assert.equal(
      (await cloud.request('GET', '/compute/v2.1/extensions/nope', { token: admin })).status,
      404,
    )
    assert.equal((await cloud.request('GET', '/compute/v2.1/extensions')).status, 401)
  })

  test('removed APIs answer 410, proxies Nubis lacks 501', async () => {
    for (const url of [
      '/os-agents',
      '/os-cells/capacities',
      '/os-fping/x',
      '/os-fixed-ips/10.0.0.1',
    ])
      assert.equal(
        (await cloud.request('GET', `/compute/v2.1${url}`, { token: admin })).status,
        410,
        url,
      )
    const v = await cloud.request('GET', '/compute/v2.1/os-assisted-volume-snapshots', {
      token: admin,
    })
    assert.equal(v.status, 501)
    assert.equal(v.body.notImplemented.code, 501)
    const bm = await cloud.request('GET', '/compute/v2.1/os-baremetal-nodes', { token: admin })
    assert.equal(bm.body.notImplemented.message, 'Ironic client unavailable, cannot access Ironic.')
  })
})
