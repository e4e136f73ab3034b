import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { createTestCloud, type TestCloud } from '../../identity/testing.js'
import { computeRequest, memberOf, type Member } from './resource-test-fixtures.js'

describe('compute image proxy API', () => {
  let cloud: TestCloud
  let admin: string
  let a: Member
  let b: Member
  let req: ReturnType<typeof computeRequest>
  let img1: string
  let img2: string
  before(async () => {
    cloud = await createTestCloud()
    admin = await cloud.adminToken()
    a = await memberOf(cloud, admin, 'img-a')
    b = await memberOf(cloud, admin, 'img-b')
    req = computeRequest(cloud)
    const mk = async (body: object) => {
      const r = await cloud.request('POST', '/image/v2/images', { token: a.token, body })
      assert.equal(r.status, 201, JSON.stringify(r.body))
      return r.body.id as string
    }
    img1 = await mk({
      name: 'cirros',
      disk_format: 'qcow2',
      container_format: 'bare',
      min_ram: 64,
      min_disk: 1,
      os_distro: 'cirros',
    })
    img2 = await mk({
      name: 'snap',
      disk_format: 'raw',
      container_format: 'bare',
      instance_uuid: '7ea3f6b4-2f2e-4f6b-9a54-5c9d2a7b0c11',
      image_type: 'snapshot',
      auto_disk_config: 'true',
    })
  })
  after(async () => cloud.close())

  test('detail view as Nova shows it', async () => {
    const s = await req('GET', `/images/${img1}`, a.token)
    assert.equal(s.status, 200)
    const i = s.body.image
    assert.deepEqual(Object.keys(i).sort(), [
      'OS-EXT-IMG-SIZE:size',
      'created',
      'id',
      'links',
      'metadata',
      'minDisk',
      'minRam',
      'name',
      'progress',
      'status',
      'updated',
    ])
    assert.equal(i.status, 'SAVING', 'a queued image')
    assert.equal(i.progress, 25)
    assert.equal(i.minRam, 64)
    assert.equal(i.minDisk, 1)
    assert.deepEqual(i.metadata, { os_distro: 'cirros' })
    assert.match(i.created, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/)
    assert.deepEqual(
      i.links.map((l: { rel: string }) => l.rel),
      ['self', 'bookmark', 'alternate'],
    )
    assert.equal(i.links[2].type, 'application/vnd.openstack.image')
    const snap = (await req('GET', `/images/${img2}`, a.token)).body.image
    assert.equal(snap.server.id, '7ea3f6b4-2f2e-4f6b-9a54-5c9d2a7b0c11')
    assert.equal(snap['OS-DCF:diskConfig'], 'AUTO')
    assert.equal((await req('GET', '/images/no-such-image', a.token)).status, 404)
    assert.equal((await req('GET', `/images/${img2}`, b.token)).status, 404, 'private to project a')
    assert.equal(
      (await req('GET', `/images/${img1}`, a.token, undefined, '2.36')).status,
      404,
      'proxy gone at 2.36',
    )
  })

  test('list filters and paging', async () => {
    const names = async (q: string) =>
      ((await req('GET', `/images${q}`, a.token)).body.images as Array<{ name: string }>)
        .map((x) => x.name)
        .sort()
    assert.deepEqual(await names(''), ['cirros', 'snap'])
    assert.deepEqual(await names('?name=cirros'), ['cirros'])
    assert.deepEqual(await names('?type=snapshot'), ['snap'])
    assert.deepEqual(await names('?server=http://x/servers/7ea3f6b4-2f2e-4f6b-9a54-5c9d2a7b0c11'), [
      'snap',
    ])
    assert.deepEqual(await names('?minRam=32'), ['cirros'])
    assert.deepEqual(await names('?minDisk=1'), ['cirros'])
    // Nova hands the status filter to Glance lower-cased: Glance statuses, not Nova's.
    assert.deepEqual(await names('?status=QUEUED'), ['cirros', 'snap'])
    assert.deepEqual(await names('?status=SAVING'), [])
    assert.deepEqual(await names('?changes-since=2999-01-01T00:00:00Z'), [])
    assert.deepEqual(await names('?property-os_distro=cirros'), ['cirros'])
    const page = await req('GET', '/images/detail?limit=1', a.token)
    assert.equal(page.body.images.length, 1)
    assert.equal(page.body.images[0].metadata !== undefined, true)
    assert.match(page.body.images_links[0].href, /images\/detail\?limit=1&marker=/)
    const rest = await req('GET', `/images?limit=1&marker=${page.body.images[0].id}`, a.token)
    assert.notEqual(rest.body.images[0].id, page.body.images[0].id)
    assert.equal((await req('GET', '/images?marker=nope', a.token)).status, 400)
  })

  test('metadata: show, merge, replace, item set/delete, quota', async () => {
    const m = await req('GET', `/images/${img1}/metadata`, a.token)
    assert.deepEqual(m.body, { metadata: { os_distro: 'cirros' } })
    const merged = await req('POST', `/images/${img1}/metadata`, a.token, {
      metadata: { k1: 'v1' },
    })
    assert.deepEqual(merged.body, { metadata: { os_distro: 'cirros', k1: 'v1' } })
    const replaced = await req('PUT', `/images/${img1}/metadata`, a.token, {
      metadata: { k2: 'v2' },
    })
    assert.deepEqual(replaced.body, { metadata: { k2: 'v2' } })
    assert.deepEqual((await req('GET', `/images/${img1}`, a.token)).body.image.metadata, {
      k2: 'v2',
    })
    const item = await req('PUT', `/images/${img1}/metadata/k3`, a.token, { meta: { k3: 'v3' } })
    assert.deepEqual(item.body, { meta: { k3: 'v3' } })
    assert.deepEqual((await req('GET', `/images/${img1}/metadata/k3`, a.token)).body, {
      meta: { k3: 'v3' },
    })
    assert.equal(
      (await req('PUT', `/images/${img1}/metadata/k4`, a.token, { meta: { k3: 'x' } })).status,
      400,
    )
    assert.equal((await req('DELETE', `/images/${img1}/metadata/k3`, a.token)).status, 204)
    assert.equal((await req('GET', `/images/${img1}/metadata/k3`, a.token)).status, 404)
    assert.equal((await req('DELETE', `/images/${img1}/metadata/k3`, a.token)).status, 404)
    assert.equal(
      (await req('POST', `/images/${img1}/metadata`, a.token, { metadata: { 'bad/key': 'x' } }))
        .status,
      400,
    )
    await req('PUT', `/os-quota-sets/${a.projectId}`, admin, { quota_set: { metadata_items: 1 } })
    const over = await req('POST', `/images/${img1}/metadata`, a.token, { metadata: { k5: 'v' } })
    assert.equal(over.status, 403)
    assert.equal(
      (await req('GET', `/images/${img1}/metadata`, a.token, undefined, '2.39')).status,
      404,
    )
  })

  test('delete', async () => {
    assert.equal((await req('DELETE', `/images/${img2}`, b.token)).status, 404)
    assert.equal((await req('DELETE', `/images/${img2}`, a.token)).status, 204)
    assert.equal((await req('GET', `/images/${img2}`, a.token)).status, 404)
  })
})
