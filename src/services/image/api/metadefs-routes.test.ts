import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { createImageTestCloud, type ImageTestCloud } from '../testing.js'

describe('metadata definitions (metadefs)', () => {
  let c: ImageTestCloud
  const base = '/image/v2/metadefs'
  before(async () => {
    c = await createImageTestCloud()
  })
  after(() => c.close())

  it('lists the registered resource types', async () => {
    const r = await c.request('GET', `${base}/resource_types`, { token: c.alice.token })
    assert.equal(r.status, 200)
    assert.ok(r.body.resource_types.some((t: { name: string }) => t.name === 'OS::Glance::Image'))
  })

  it('manages namespaces: admin writes, visibility, protection, rename', async () => {
    const body = {
      namespace: 'OS::Nubis::Test',
      display_name: 'Test',
      description: 'd',
      visibility: 'private',
      protected: true,
      resource_type_associations: [{ name: 'OS::Glance::Image', prefix: 'nubis_' }],
      properties: { speed: { title: 'Speed', type: 'string', enum: ['fast', 'slow'] } },
      objects: [{ name: 'obj', description: 'an object', properties: {} }],
      tags: [{ name: 't1' }],
    }
    assert.equal(
      (await c.request('POST', `${base}/namespaces`, { token: c.alice.token, body })).status,
      403,
    )
    const created = await c.request('POST', `${base}/namespaces`, { token: c.admin, body })
    assert.equal(created.status, 201)
    assert.equal(created.body.namespace, 'OS::Nubis::Test')
    assert.equal(created.body.properties.speed.title, 'Speed')
    assert.equal(created.body.resource_type_associations[0].prefix, 'nubis_')
    assert.equal(created.body.objects[0].name, 'obj')
    assert.equal(created.body.tags[0].name, 't1')
    assert.equal(
      (await c.request('POST', `${base}/namespaces`, { token: c.admin, body })).status,
      409,
    )
    assert.equal(
      (
        await c.request('POST', `${base}/namespaces`, {
          token: c.admin,
          body: { display_name: 'x' },
        })
      ).status,
      400,
    )
    const ns = `${base}/namespaces/OS::Nubis::Test`
    assert.equal(
      (await c.request('GET', ns, { token: c.alice.token })).status,
      404,
      'private: admins only',
    )
    assert.equal((await c.request('DELETE', ns, { token: c.admin })).status, 403, 'protected')
    const list = await c.request('GET', `${base}/namespaces`, { token: c.admin })
    assert.ok(
      list.body.namespaces.some((n: { namespace: string }) => n.namespace === 'OS::Nubis::Test'),
    )
    assert.equal(list.body.schema, '/v2/schemas/metadefs/namespaces')
    const upd = await c.request('PUT', ns, {
      token: c.admin,
      body: { namespace: 'OS::Nubis::Renamed', visibility: 'public', protected: false },
    })
    assert.equal(upd.status, 200)
    assert.equal(upd.body.visibility, 'public')
    const renamed = `${base}/namespaces/OS::Nubis::Renamed`
    const shown = await c.request('GET', renamed, { token: c.alice.token })
    assert.equal(shown.status, 200, 'public now')
    assert.equal(shown.body.properties.speed.type, 'string', 'items moved with the rename')
    assert.equal((await c.request('DELETE', renamed, { token: c.alice.token })).status, 403)
    assert.equal((await c.request('DELETE', renamed, { token: c.admin })).status, 204)
    assert.equal((await c.request('GET', renamed, { token: c.admin })).status, 404)
  })

  it('manages properties, objects, tags and associations of a namespace', async () => {
    await c.request('POST', `${base}/namespaces`, {
      token: c.admin,
      body: { namespace: 'ns2', visibility: 'public' },
    })
    const ns = `${base}/namespaces/ns2`
    const prop = await c.request('POST', `${ns}/properties`, {
      token: c.admin,
      body: { name: 'hw_x', title: 'X', type: 'string', enum: ['a'] },
    })
    assert.equal(prop.status, 201)
    assert.equal(
      (
        await c.request('POST', `${ns}/properties`, {
          token: c.admin,
          body: { name: 'bad', title: 'X' },
        })
      ).status,
      400,
    )
    assert.equal(
      (
        await c.request('POST', `${ns}/properties`, {
          token: c.admin,
          body: { name: 'hw_x', title: 'X', type: 'string' },
        })
      ).status,
      409,
    )
    const upd = await c.request('PUT', `${ns}/properties/hw_x`, {
      token: c.admin,
      body: { name: 'hw_x', title: 'Y', type: 'string' },
    })
    assert.equal(upd.body.title, 'Y')
    assert.deepEqual(
      Object.keys(
        (await c.request('GET', `${ns}/properties`, { token: c.alice.token })).body.properties,
      ),
      ['hw_x'],
    )
    assert.equal(
      (await c.request('DELETE', `${ns}/properties/hw_x`, { token: c.admin })).status,
      204,
    )
    assert.equal((await c.request('GET', `${ns}/properties/hw_x`, { token: c.admin })).status, 404)

    assert.equal(
      (await c.request('POST', `${ns}/objects`, { token: c.admin, body: { name: 'o1' } })).status,
      201,
    )
    const renamed = await c.request('PUT', `${ns}/objects/o1`, {
      token: c.admin,
      body: { name: 'o2' },
    })
    assert.equal(renamed.body.name, 'o2')
    assert.equal(renamed.body.self, '/v2/metadefs/namespaces/ns2/objects/o2')
    assert.equal((await c.request('GET', `${ns}/objects/o1`, { token: c.admin })).status, 404)

    const tags = await c.request('POST', `${ns}/tags`, {
      token: c.admin,
      body: { tags: [{ name: 'a' }, { name: 'b' }] },
    })
    assert.equal(tags.status, 201)
    assert.equal(tags.body.tags.length, 2)
    assert.equal((await c.request('POST', `${ns}/tags/c`, { token: c.admin })).status, 201)
    assert.equal((await c.request('POST', `${ns}/tags/c`, { token: c.admin })).status, 409)
    assert.equal(
      (await c.request('PUT', `${ns}/tags/c`, { token: c.admin, body: { name: 'd' } })).body.name,
      'd',
    )
    assert.equal((await c.request('GET', `${ns}/tags`, { token: c.admin })).body.tags.length, 3)
    assert.equal((await c.request('DELETE', `${ns}/tags`, { token: c.admin })).status, 204)
    assert.deepEqual((await c.request('GET', `${ns}/tags`, { token: c.admin })).body.tags, [])

    const assoc = await c.request('POST', `${ns}/resource_types`, {
      token: c.admin,
      body: { name: 'OS::Nova::Flavor' },
    })
    assert.equal(assoc.status, 201)
    assert.equal(
      (
        await c.request('POST', `${ns}/resource_types`, {
          token: c.admin,
          body: { name: 'OS::Nova::Flavor' },
        })
      ).status,
      409,
    )
    assert.equal(
      (await c.request('GET', `${ns}/resource_types`, { token: c.admin })).body
        .resource_type_associations.length,
      1,
    )
    assert.equal(
      (await c.request('DELETE', `${ns}/resource_types/OS::Nova::Flavor`, { token: c.admin }))
        .status,
      204,
    )
    assert.equal(
      (await c.request('DELETE', `${ns}/resource_types/OS::Nova::Flavor`, { token: c.admin }))
        .status,
      404,
    )
    assert.equal(
      (await c.request('GET', `${base}/namespaces/nope/objects`, { token: c.admin })).status,
      404,
    )
  })
})
