import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { createImageTestCloud, type ImageTestCloud } from '../testing.js'

const PATCH = { 'content-type': 'application/openstack-images-v2.1-json-patch' }

describe('image API: create, show, list, update, delete', () => {
  let c: ImageTestCloud
  before(async () => {
    c = await createImageTestCloud()
  })
  after(() => c.close())

  it('creates an image with every documented field and arbitrary properties', async () => {
    const res = await c.request('POST', '/image/v2/images', {
      token: c.alice.token,
      body: {
        name: 'win2019',
        disk_format: 'vmdk',
        container_format: 'bare',
        visibility: 'private',
        protected: false,
        min_disk: 20,
        min_ram: 2048,
        tags: ['windows', 'gold', 'windows'],
        vmware_disktype: 'streamOptimized',
        vmware_adaptertype: 'lsiLogic',
        hw_disk_bus: 'scsi',
        hw_scsi_model: 'paraVirtual',
        img_hv_type: 'vmware',
        hypervisor_type: 'vmware',
        architecture: 'x86_64',
        os_type: 'windows',
      },
    })
    assert.equal(res.status, 201)
    const img = res.body
    assert.equal(res.headers['location'], `/v2/images/${img.id}`)
    assert.match(String(res.headers['openstack-image-import-methods']), /glance-direct/)
    assert.equal(img.status, 'queued')
    assert.equal(img.owner, c.alice.id)
    assert.equal(img.min_ram, 2048)
    assert.deepEqual(img.tags.sort(), ['gold', 'windows'])
    assert.equal(img.vmware_disktype, 'streamOptimized')
    assert.equal(img.hw_scsi_model, 'paraVirtual')
    assert.equal(img.self, `/v2/images/${img.id}`)
    assert.equal(img.file, `/v2/images/${img.id}/file`)
    assert.match(img.created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/)
    const shown = await c.request('GET', `/image/v2/images/${img.id}`, { token: c.alice.token })
    assert.equal(shown.status, 200)
    assert.equal(shown.body.img_hv_type, 'vmware')
  })

  it('rejects bad input with Glance statuses', async () => {
    const post = (body: unknown, token = c.alice.token) =>
      c.request('POST', '/image/v2/images', { token, body })
    assert.equal((await post({ disk_format: 'wrong', container_format: 'bare' })).status, 400)
    assert.equal((await post({ disk_format: 'raw', container_format: 'wrong' })).status, 400)
    assert.equal(
      (await post({ name: 'x', foo: 5 })).status,
      400,
      'extra properties must be strings',
    )
    assert.equal((await post({ min_ram: -1 })).status, 400)
    assert.equal((await post({ protected: 'yes' })).status, 400)
    assert.equal((await post({ id: 'not-a-uuid' })).status, 400)
    assert.equal((await post({ status: 'active' })).status, 403)
    assert.equal((await post({ self: '/x' })).status, 403)
    assert.equal((await post({ os_glance_foo: 'bar' })).status, 403)
    assert.equal((await post({ deleted: 'x' })).status, 403)
    assert.equal((await post({ visibility: 'public' })).status, 403, 'only admins publish')
    assert.equal((await post({ owner: c.bob.id })).status, 403, 'no images for other projects')
    assert.equal((await post(['not', 'an', 'object'])).status, 400)
    const bad = await c.app.inject({
      method: 'POST',
      url: '/image/v2/images',
      headers: { 'x-auth-token': c.alice.token, 'content-type': 'application/json' },
      payload: '{nope',
    })
    assert.equal(bad.statusCode, 400)
    assert.match(String(bad.headers['content-type']), /text\/html/)
    const id = '8c1b8a33-8f1e-4d24-a1f4-6d4b2f2d0d11'
    assert.equal((await post({ id })).status, 201)
    assert.equal((await post({ id })).status, 409)
    assert.equal((await post({ name: 'x' }, 'bogus-token')).status, 401)
  })

  it('lets only admins make public images and set owners', async () => {
    const pub = await c.newImage(c.admin, { visibility: 'public', owner: c.bob.id })
    assert.equal(pub.owner, c.bob.id)
    assert.equal(pub.visibility, 'public')
    const seen = await c.request('GET', `/image/v2/images/${pub.id}`, { token: c.alice.token })
    assert.equal(seen.status, 200, 'public images are visible to everyone')
    const patch = await c.request('PATCH', `/image/v2/images/${pub.id}`, {
      token: c.alice.token,
      headers: PATCH,
      body: [{ op: 'replace', path: '/name', value: 'mine' }],
    })
    assert.equal(patch.status, 403, 'a non-owner may not modify it')
    assert.equal(
      (await c.request('DELETE', `/image/v2/images/${pub.id}`, { token: c.alice.token })).status,
      403,
    )
  })

  it('keeps private images of one project invisible (404) to another', async () => {
    const img = await c.newImage(c.alice.token, { visibility: 'private' })
    assert.equal(
      (await c.request('GET', `/image/v2/images/${img.id}`, { token: c.bob.token })).status,
      404,
    )
    assert.equal(
      (await c.request('DELETE', `/image/v2/images/${img.id}`, { token: c.bob.token })).status,
      404,
    )
    const list = await c.request('GET', '/image/v2/images', { token: c.bob.token })
    assert.ok(!list.body.images.some((i: { id: string }) => i.id === img.id))
    assert.equal(
      (await c.request('GET', `/image/v2/images/${img.id}`, { token: c.admin })).status,
      200,
    )
  })

  it('applies JSON patches like Glance', async () => {
    const img = await c.newImage(c.alice.token, { os_distro: 'ubuntu' })
    const patch = (body: unknown, headers: Record<string, string> = PATCH) =>
      c.request('PATCH', `/image/v2/images/${img.id}`, { token: c.alice.token, headers, body })
    let r = await patch([
      { op: 'replace', path: '/name', value: 'renamed' },
      { op: 'add', path: '/hw_disk_bus', value: 'scsi' },
      { op: 'replace', path: '/os_distro', value: 'debian' },
      { op: 'add', path: '/tags', value: ['a', 'b'] },
      { op: 'replace', path: '/min_disk', value: 10 },
    ])
    assert.equal(r.status, 200)
    assert.equal(r.body.name, 'renamed')
    assert.equal(r.body.hw_disk_bus, 'scsi')
    assert.equal(r.body.os_distro, 'debian')
    assert.equal(r.body.min_disk, 10)
    assert.deepEqual(r.body.tags, ['a', 'b'])
    r = await patch([{ op: 'remove', path: '/hw_disk_bus' }])
    assert.equal(r.status, 200)
    assert.equal(r.body.hw_disk_bus, undefined)
    assert.equal((await patch([{ op: 'remove', path: '/hw_disk_bus' }])).status, 409)
    assert.equal((await patch([{ op: 'replace', path: '/nope', value: 'x' }])).status, 409)
    assert.equal((await patch([{ op: 'remove', path: '/name' }])).status, 403)
    assert.equal((await patch([{ op: 'replace', path: '/status', value: 'active' }])).status, 403)
    assert.equal((await patch([{ op: 'replace', path: '/checksum', value: 'x' }])).status, 403)
    assert.equal((await patch([{ op: 'add', path: '/os_glance_foo', value: 'bar' }])).status, 403)
    assert.equal(
      (await patch([{ op: 'replace', path: '/visibility', value: 'public' }])).status,
      403,
    )
    assert.equal((await patch([{ op: 'replace', path: '/owner', value: c.bob.id }])).status, 403)
    assert.equal(
      (await patch([{ op: 'replace', path: '/disk_format', value: 'bogus' }])).status,
      400,
    )
    assert.equal((await patch([{ op: 'replace', path: '/protected', value: 'no' }])).status, 400)
    assert.equal((await patch([{ op: 'move', path: '/name' }])).status, 400)
    assert.equal((await patch([{ op: 'add', path: 'name', value: 'x' }])).status, 400)
    assert.equal((await patch([{ op: 'add', path: '/name' }])).status, 400)
    assert.equal((await patch({ op: 'add' })).status, 400)
    r = await patch([{ op: 'replace', path: '/name', value: 'x' }], {
      'content-type': 'application/json',
    })
    assert.equal(r.status, 415)
    assert.match(String(r.headers['accept-patch']), /openstack-images-v2.1-json-patch/)
    // The draft-4 media type tempest uses: {"replace": "/name", "value": …}; add of an existing property → 409.
    const d4 = { 'content-type': 'application/openstack-images-v2.0-json-patch' }
    assert.equal((await patch([{ replace: '/name', value: 'd4' }], d4)).body.name, 'd4')
    assert.equal((await patch([{ add: '/os_distro', value: 'x' }], d4)).status, 409)
  })

  it('protects images from deletion and deletes the rest', async () => {
    const img = await c.newImage(c.alice.token, { protected: true })
    assert.equal(
      (await c.request('DELETE', `/image/v2/images/${img.id}`, { token: c.alice.token })).status,
      403,
    )
    await c.request('PATCH', `/image/v2/images/${img.id}`, {
      token: c.alice.token,
      headers: PATCH,
      body: [{ op: 'replace', path: '/protected', value: false }],
    })
    assert.equal(
      (await c.request('DELETE', `/image/v2/images/${img.id}`, { token: c.alice.token })).status,
      204,
    )
    assert.equal(
      (await c.request('GET', `/image/v2/images/${img.id}`, { token: c.alice.token })).status,
      404,
    )
    assert.equal(
      (await c.request('DELETE', `/image/v2/images/${img.id}`, { token: c.alice.token })).status,
      404,
    )
    const reuse = await c.request('POST', '/image/v2/images', {
      token: c.alice.token,
      body: { id: img.id },
    })
    assert.equal(reuse.status, 409, 'ids of deleted images are never reused')
  })

  it('adds and removes tags', async () => {
    const img = await c.newImage(c.alice.token)
    assert.equal(
      (await c.request('PUT', `/image/v2/images/${img.id}/tags/blue`, { token: c.alice.token }))
        .status,
      204,
    )
    assert.deepEqual(
      (await c.request('GET', `/image/v2/images/${img.id}`, { token: c.alice.token })).body.tags,
      ['blue'],
    )
    assert.equal(
      (await c.request('DELETE', `/image/v2/images/${img.id}/tags/blue`, { token: c.alice.token }))
        .status,
      204,
    )
    assert.equal(
      (await c.request('DELETE', `/image/v2/images/${img.id}/tags/blue`, { token: c.alice.token }))
        .status,
      404,
    )
    const missing = '6b7d6c2a-2d5c-4f39-9a50-0a3a2b0c0c01'
    assert.equal(
      (await c.request('PUT', `/image/v2/images/${missing}/tags/x`, { token: c.alice.token }))
        .status,
      404,
    )
    assert.equal(
      (
        await c.request('PUT', `/image/v2/images/${img.id}/tags/${'t'.repeat(256)}`, {
          token: c.alice.token,
        })
      ).status,
      400,
    )
  })

  it('answers unknown paths, trailing slashes and wrong methods like Glance', async () => {
    assert.equal(
      (await c.request('GET', '/image/v2/images/', { token: c.alice.token })).status,
      404,
    )
    assert.equal(
      (await c.request('DELETE', '/image/v2/images/', { token: c.alice.token })).status,
      404,
    )
    const put = await c.request('PUT', '/image/v2/images', { token: c.alice.token })
    assert.equal(put.status, 405)
    assert.equal(put.headers['allow'], 'GET, POST')
    assert.equal(
      (await c.request('GET', '/image/v2/nothing', { token: c.alice.token })).status,
      404,
    )
    const versions = await c.request('GET', '/image/', {})
    assert.equal(versions.status, 300)
    assert.equal(versions.body.versions[0].id, 'v2.16')
    assert.ok(
      versions.body.versions.every((v: { links: { href: string }[] }) =>
        v.links[0]!.href.endsWith('/image/v2/'),
      ),
    )
  })

  it('serves the schemas the CLI reads', async () => {
    for (const [name, expect] of [
      ['image', 'image'],
      ['images', 'images'],
      ['member', 'member'],
      ['members', 'members'],
      ['metadefs/namespace', 'namespace'],
      ['metadefs/resource_type', 'resource_type_association'],
    ]) {
      const r = await c.request('GET', `/image/v2/schemas/${name}`, { token: c.alice.token })
      assert.equal(r.status, 200)
      assert.equal(r.body.name, expect)
    }
    const image = await c.request('GET', '/image/v2/schemas/image', { token: c.alice.token })
    assert.deepEqual(image.body.additionalProperties, { type: 'string' })
    assert.ok(image.body.properties.disk_format.enum.includes('vmdk'))
    assert.equal(
      (await c.request('GET', '/image/v2/schemas/nope', { token: c.alice.token })).status,
      404,
    )
  })

  it('deactivates and reactivates images, blocking downloads meanwhile', async () => {
    const img = await c.newImage(c.alice.token)
    assert.equal(
      (
        await c.request('POST', `/image/v2/images/${img.id}/actions/deactivate`, {
          token: c.alice.token,
        })
      ).status,
      403,
    )
    assert.equal(
      (await c.putData(`/image/v2/images/${img.id}/file`, c.alice.token, Buffer.from('data')))
        .status,
      204,
    )
    assert.equal(
      (
        await c.request('POST', `/image/v2/images/${img.id}/actions/deactivate`, {
          token: c.alice.token,
        })
      ).status,
      204,
    )
    assert.equal(
      (await c.request('GET', `/image/v2/images/${img.id}`, { token: c.alice.token })).body.status,
      'deactivated',
    )
    assert.equal(
      (await c.request('GET', `/image/v2/images/${img.id}/file`, { token: c.alice.token })).status,
      403,
    )
    assert.equal(
      (await c.request('GET', `/image/v2/images/${img.id}/file`, { token: c.admin })).status,
      200,
    )
    assert.equal(
      (
        await c.request('POST', `/image/v2/images/${img.id}/actions/reactivate`, {
          token: c.alice.token,
        })
      ).status,
      204,
    )
    assert.equal(
      (await c.request('GET', `/image/v2/images/${img.id}/file`, { token: c.alice.token })).body,
      'data',
    )
  })
})
