import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { createTestCloud, type TestCloud } from '../testing.js'
import { memberToken } from './catalog-test-helpers.js'

const V3 = '/identity/v3'

describe('identity regions', () => {
  let cloud: TestCloud
  let admin: string
  let member: string
  before(async () => {
    cloud = await createTestCloud()
    admin = await cloud.adminToken()
    member = await memberToken(cloud)
  })
  after(async () => {
    await cloud.close()
  })

  test('create (generated and specific id), show, update, list by parent, delete', async () => {
    const a = await cloud.request('POST', `${V3}/regions`, {
      token: admin,
      body: { region: { description: 'A', color: 'red' } },
    })
    assert.equal(a.status, 201)
    assert.match(a.body.region.id, /^[0-9a-f]{32}$/)
    assert.deepEqual(a.body.region, {
      id: a.body.region.id,
      description: 'A',
      parent_region_id: null,
      color: 'red',
      links: { self: `http://localhost:80/identity/v3/regions/${a.body.region.id}` },
    })
    const b = await cloud.request('PUT', `${V3}/regions/region-b`, {
      token: admin,
      body: { region: { parent_region_id: a.body.region.id } },
    })
    assert.equal(b.status, 201)
    assert.equal(b.body.region.id, 'region-b')
    assert.equal(b.body.region.description, '')

    const dup = await cloud.request('PUT', `${V3}/regions/region-b`, {
      token: admin,
      body: { region: {} },
    })
    assert.equal(dup.status, 409)
    assert.equal(
      dup.body.error.message,
      'Conflict occurred attempting to store region - Duplicate ID, region-b.',
    )
    const clash = await cloud.request('PUT', `${V3}/regions/x1`, {
      token: admin,
      body: { region: { id: 'x2' } },
    })
    assert.equal(clash.status, 400)
    assert.equal(clash.body.error.message, 'Conflicting region IDs specified: "x1" != "x2"')

    const children = await cloud.request(
      'GET',
      `${V3}/regions?parent_region_id=${a.body.region.id}`,
      { token: member },
    )
    assert.equal(children.status, 200)
    assert.deepEqual(
      children.body.regions.map((r: { id: string }) => r.id),
      ['region-b'],
    )

    const upd = await cloud.request('PATCH', `${V3}/regions/region-b`, {
      token: admin,
      body: { region: { description: 'B', parent_region_id: null } },
    })
    assert.equal(upd.status, 200)
    assert.equal(upd.body.region.description, 'B')
    assert.equal(upd.body.region.parent_region_id, null)
    const shown = await cloud.request('GET', `${V3}/regions/region-b`, { token: member })
    assert.deepEqual(shown.body.region, upd.body.region)
    assert.equal(
      (await cloud.request('HEAD', `${V3}/regions/region-b`, { token: admin })).status,
      200,
    )

    assert.equal(
      (await cloud.request('DELETE', `${V3}/regions/region-b`, { token: admin })).status,
      204,
    )
    assert.equal(
      (await cloud.request('GET', `${V3}/regions/region-b`, { token: admin })).status,
      404,
    )
    const list = await cloud.request('GET', `${V3}/regions`, { token: admin })
    assert.ok(list.body.regions.some((r: { id: string }) => r.id === 'RegionOne'))
    assert.ok(!list.body.regions.some((r: { id: string }) => r.id === 'region-b'))
  })

  test('parents: missing parent 404, cycles 400, deleting a parent deletes its subtree', async () => {
    const missing = await cloud.request('POST', `${V3}/regions`, {
      token: admin,
      body: { region: { parent_region_id: 'nope' } },
    })
    assert.equal(missing.status, 404)
    assert.equal(missing.body.error.message, 'Could not find region: nope.')
    await cloud.request('PUT', `${V3}/regions/top`, { token: admin, body: { region: {} } })
    await cloud.request('PUT', `${V3}/regions/mid`, {
      token: admin,
      body: { region: { parent_region_id: 'top' } },
    })
    await cloud.request('PUT', `${V3}/regions/leaf`, {
      token: admin,
      body: { region: { parent_region_id: 'mid' } },
    })
    const cycle = await cloud.request('PATCH', `${V3}/regions/top`, {
      token: admin,
      body: { region: { parent_region_id: 'leaf' } },
    })
    assert.equal(cycle.status, 400)
    assert.match(cycle.body.error.message, /circular region hierarchy/)
    const self = await cloud.request('PATCH', `${V3}/regions/top`, {
      token: admin,
      body: { region: { parent_region_id: 'top' } },
    })
    assert.equal(self.status, 400)
    const badParent = await cloud.request('PATCH', `${V3}/regions/top`, {
      token: admin,
      body: { region: { parent_region_id: 'zz' } },
    })
    assert.equal(badParent.status, 404)
    assert.equal((await cloud.request('DELETE', `${V3}/regions/top`, { token: admin })).status, 204)
    assert.equal((await cloud.request('GET', `${V3}/regions/leaf`, { token: admin })).status, 404)
  })

  test('a region whose subtree has endpoints cannot be deleted (403)', async () => {
    await cloud.request('PUT', `${V3}/regions/parent-with-ep`, {
      token: admin,
      body: { region: {} },
    })
    await cloud.request('PUT', `${V3}/regions/child-with-ep`, {
      token: admin,
      body: { region: { parent_region_id: 'parent-with-ep' } },
    })
    const svc = await cloud.request('POST', `${V3}/services`, {
      token: admin,
      body: { service: { type: 'rtest' } },
    })
    const ep = await cloud.request('POST', `${V3}/endpoints`, {
      token: admin,
      body: {
        endpoint: {
          service_id: svc.body.service.id,
          interface: 'public',
          url: 'http://x',
          region_id: 'child-with-ep',
        },
      },
    })
    assert.equal(ep.status, 201)
    const del = await cloud.request('DELETE', `${V3}/regions/parent-with-ep`, { token: admin })
    assert.equal(del.status, 403)
    assert.equal(
      del.body.error.message,
      'Unable to delete region parent-with-ep because it or its child regions have associated endpoints.',
    )
    await cloud.request('DELETE', `${V3}/endpoints/${ep.body.endpoint.id}`, { token: admin })
    assert.equal(
      (await cloud.request('DELETE', `${V3}/regions/parent-with-ep`, { token: admin })).status,
      204,
    )
  })

  test('bad input and policy: 400, 403, 404, 401', async () => {
    assert.equal(
      (await cloud.request('POST', `${V3}/regions`, { token: admin, body: {} })).status,
      400,
    )
    assert.equal(
      (
        await cloud.request('POST', `${V3}/regions`, {
          token: admin,
          body: { region: { description: 5 } },
        })
      ).status,
      400,
    )
    assert.equal(
      (
        await cloud.request('PATCH', `${V3}/regions/RegionOne`, {
          token: admin,
          body: { region: {} },
        })
      ).status,
      400,
    )
    const idChange = await cloud.request('PATCH', `${V3}/regions/RegionOne`, {
      token: admin,
      body: { region: { id: 'other' } },
    })
    assert.equal(idChange.status, 400)
    assert.equal(idChange.body.error.message, 'Cannot change ID')
    assert.equal(
      (
        await cloud.request('PATCH', `${V3}/regions/nope`, {
          token: admin,
          body: { region: { description: 'x' } },
        })
      ).status,
      404,
    )
    assert.equal(
      (await cloud.request('DELETE', `${V3}/regions/nope`, { token: admin })).status,
      404,
    )
    const denied = await cloud.request('POST', `${V3}/regions`, {
      token: member,
      body: { region: {} },
    })
    assert.equal(denied.status, 403)
    assert.equal(
      denied.body.error.message,
      'You are not authorized to perform the requested action: identity:create_region.',
    )
    assert.equal(
      (await cloud.request('DELETE', `${V3}/regions/RegionOne`, { token: member })).status,
      403,
    )
    assert.equal((await cloud.request('GET', `${V3}/regions`)).status, 401)
  })
})
