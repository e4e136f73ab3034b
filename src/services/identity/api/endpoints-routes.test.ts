import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { createTestCloud, type TestCloud } from '../testing.js'
import { memberToken } from './catalog-test-helpers.js'

const V3 = '/identity/v3'

describe('identity services and endpoints', () => {
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

  const catalogTypes = async (): Promise<string[]> => {
    const token = await cloud.adminToken()
    const res = await cloud.request('GET', `${V3}/auth/catalog`, { token })
    const catalog = res.body.catalog as Array<{ type: string }>
    return catalog.map((s) => s.type)
  }

  test('services: create, list by type and name, update, delete (with its endpoints)', async () => {
    const c = await cloud.request('POST', `${V3}/services`, {
      token: admin,
      body: { service: { type: 'widget', name: 'widgets', description: 'd1' } },
    })
    assert.equal(c.status, 201)
    const id = c.body.service.id
    assert.deepEqual(c.body.service, {
      id,
      type: 'widget',
      name: 'widgets',
      description: 'd1',
      enabled: true,
      links: { self: `http://localhost:80/identity/v3/services/${id}` },
    })
    const bare = await cloud.request('POST', `${V3}/services`, {
      token: admin,
      body: { service: { type: 'bare' } },
    })
    assert.equal(bare.body.service.name, '')
    assert.ok(!('description' in bare.body.service))

    const byType = await cloud.request('GET', `${V3}/services?type=widget`, { token: admin })
    assert.deepEqual(
      byType.body.services.map((s: { id: string }) => s.id),
      [id],
    )
    const byName = await cloud.request('GET', `${V3}/services?name=widgets`, { token: admin })
    assert.deepEqual(
      byName.body.services.map((s: { id: string }) => s.id),
      [id],
    )
    const all = await cloud.request('GET', `${V3}/services`, { token: admin })
    assert.ok(
      all.body.services.some(
        (s: { type: string; name: string }) => s.type === 'identity' && s.name === 'keystone',
      ),
    )

    const u = await cloud.request('PATCH', `${V3}/services/${id}`, {
      token: admin,
      body: { service: { description: 'd2', enabled: false } },
    })
    assert.equal(u.status, 200)
    assert.equal(u.body.service.description, 'd2')
    assert.equal(u.body.service.enabled, false)
    assert.equal(u.body.service.name, 'widgets')
    const shown = await cloud.request('GET', `${V3}/services/${id}`, { token: admin })
    assert.deepEqual(shown.body.service, u.body.service)

    const ep = await cloud.request('POST', `${V3}/endpoints`, {
      token: admin,
      body: { endpoint: { service_id: id, interface: 'public', url: 'http://w' } },
    })
    assert.equal(ep.status, 201)
    assert.equal(
      (await cloud.request('DELETE', `${V3}/services/${id}`, { token: admin })).status,
      204,
    )
    assert.equal((await cloud.request('GET', `${V3}/services/${id}`, { token: admin })).status, 404)
    assert.equal(
      (await cloud.request('GET', `${V3}/endpoints/${ep.body.endpoint.id}`, { token: admin }))
        .status,
      404,
    )
  })

  test('services: bad input and policy', async () => {
    const noType = await cloud.request('POST', `${V3}/services`, {
      token: admin,
      body: { service: { name: 'x' } },
    })
    assert.equal(noType.status, 400)
    const strBool = await cloud.request('POST', `${V3}/services`, {
      token: admin,
      body: { service: { type: 't', enabled: 'true' } },
    })
    assert.equal(strBool.status, 400)
    assert.equal(
      (
        await cloud.request('PATCH', `${V3}/services/nope`, {
          token: admin,
          body: { service: { name: 'n' } },
        })
      ).status,
      404,
    )
    assert.equal(
      (await cloud.request('PATCH', `${V3}/services/nope`, { token: admin, body: { service: {} } }))
        .status,
      400,
    )
    const missing = await cloud.request('DELETE', `${V3}/services/nope`, { token: admin })
    assert.equal(missing.status, 404)
    assert.equal(missing.body.error.message, 'Could not find service: nope.')
    assert.equal((await cloud.request('GET', `${V3}/services`, { token: member })).status, 403)
    assert.equal(
      (
        await cloud.request('POST', `${V3}/services`, {
          token: member,
          body: { service: { type: 't' } },
        })
      ).status,
      403,
    )
  })

  test('endpoints: legacy region auto-created, filters, update, catalog follows', async () => {
    const svc = await cloud.request('POST', `${V3}/services`, {
      token: admin,
      body: { service: { type: 'gadget', name: 'g' } },
    })
    const sid = svc.body.service.id
    const e = await cloud.request('POST', `${V3}/endpoints`, {
      token: admin,
      body: {
        endpoint: {
          service_id: sid,
          interface: 'public',
          url: 'http://g/$(project_id)s',
          region: 'auto-region',
          enabled: true,
        },
      },
    })
    assert.equal(e.status, 201)
    const eid = e.body.endpoint.id
    assert.deepEqual(e.body.endpoint, {
      id: eid,
      interface: 'public',
      region_id: 'auto-region',
      region: 'auto-region',
      service_id: sid,
      url: 'http://g/$(project_id)s',
      enabled: true,
      links: { self: `http://localhost:80/identity/v3/endpoints/${eid}` },
    })
    assert.equal(
      (await cloud.request('GET', `${V3}/regions/auto-region`, { token: admin })).status,
      200,
    )
    assert.ok((await catalogTypes()).includes('gadget'))

    const byService = await cloud.request('GET', `${V3}/endpoints?service_id=${sid}`, {
      token: admin,
    })
    assert.deepEqual(
      byService.body.endpoints.map((x: { id: string }) => x.id),
      [eid],
    )
    const internal = await cloud.request(
      'GET',
      `${V3}/endpoints?interface=internal&service_id=${sid}`,
      { token: admin },
    )
    assert.equal(internal.body.endpoints.length, 0)
    const byRegion = await cloud.request('GET', `${V3}/endpoints?region_id=auto-region`, {
      token: admin,
    })
    assert.deepEqual(
      byRegion.body.endpoints.map((x: { id: string }) => x.id),
      [eid],
    )

    const svc2 = await cloud.request('POST', `${V3}/services`, {
      token: admin,
      body: { service: { type: 'gadget2' } },
    })
    const u = await cloud.request('PATCH', `${V3}/endpoints/${eid}`, {
      token: admin,
      body: {
        endpoint: {
          service_id: svc2.body.service.id,
          interface: 'internal',
          url: 'http://g2',
          region: 'auto-region-2',
          enabled: false,
        },
      },
    })
    assert.equal(u.status, 200)
    assert.equal(u.body.endpoint.service_id, svc2.body.service.id)
    assert.equal(u.body.endpoint.interface, 'internal')
    assert.equal(u.body.endpoint.region, 'auto-region-2')
    assert.equal(u.body.endpoint.enabled, false)
    const shown = await cloud.request('GET', `${V3}/endpoints/${eid}`, { token: admin })
    assert.deepEqual(shown.body.endpoint, u.body.endpoint)
    const cat = await cloud.request('GET', `${V3}/auth/catalog`, {
      token: await cloud.adminToken(),
    })
    const g2 = cat.body.catalog.find((s: { type: string }) => s.type === 'gadget2')
    assert.deepEqual(g2.endpoints, [])

    assert.equal(
      (await cloud.request('DELETE', `${V3}/endpoints/${eid}`, { token: admin })).status,
      204,
    )
    assert.equal(
      (await cloud.request('GET', `${V3}/endpoints/${eid}`, { token: admin })).status,
      404,
    )
  })

  test('endpoints: bad input (string booleans, interface, url, unknown service/region) and policy', async () => {
    const svc = await cloud.request('POST', `${V3}/services`, {
      token: admin,
      body: { service: { type: 'neg' } },
    })
    const sid = svc.body.service.id
    const base = { service_id: sid, interface: 'public', url: 'http://n' }
    for (const enabled of ['True', 'False', 'true', 1]) {
      const r = await cloud.request('POST', `${V3}/endpoints`, {
        token: admin,
        body: { endpoint: { ...base, enabled } },
      })
      assert.equal(r.status, 400, `enabled=${JSON.stringify(enabled)}`)
    }
    const ok = await cloud.request('POST', `${V3}/endpoints`, {
      token: admin,
      body: { endpoint: base },
    })
    assert.equal(ok.status, 201)
    assert.equal(ok.body.endpoint.region_id, null)
    assert.equal(ok.body.endpoint.enabled, true)
    const eid = ok.body.endpoint.id
    for (const enabled of ['True', 'False']) {
      const r = await cloud.request('PATCH', `${V3}/endpoints/${eid}`, {
        token: admin,
        body: { endpoint: { enabled } },
      })
      assert.equal(r.status, 400)
      assert.equal(r.body.error.code, 400)
    }
    const badIface = await cloud.request('POST', `${V3}/endpoints`, {
      token: admin,
      body: { endpoint: { ...base, interface: 'private' } },
    })
    assert.equal(badIface.status, 400)
    const badUrl = await cloud.request('POST', `${V3}/endpoints`, {
      token: admin,
      body: { endpoint: { ...base, url: 'not a url' } },
    })
    assert.equal(badUrl.status, 400)
    const badSubst = await cloud.request('POST', `${V3}/endpoints`, {
      token: admin,
      body: { endpoint: { ...base, url: 'http://x/$(nope)s' } },
    })
    assert.equal(badSubst.status, 400)
    assert.equal(
      badSubst.body.error.message,
      'Cannot create an endpoint with an invalid URL: http://x/$(nope)s.',
    )
    const noSvc = await cloud.request('POST', `${V3}/endpoints`, {
      token: admin,
      body: { endpoint: { ...base, service_id: 'nope' } },
    })
    assert.equal(noSvc.status, 400)
    assert.match(
      noSvc.body.error.message,
      /^Expecting to find endpoint service_id in service table\./,
    )
    const noRegion = await cloud.request('POST', `${V3}/endpoints`, {
      token: admin,
      body: { endpoint: { ...base, region_id: 'nope' } },
    })
    assert.equal(noRegion.status, 400)
    assert.match(
      noRegion.body.error.message,
      /^Expecting to find endpoint region_id in region table\./,
    )
    assert.equal((await cloud.request('GET', `${V3}/regions/nope`, { token: admin })).status, 404)
    const missingField = await cloud.request('POST', `${V3}/endpoints`, {
      token: admin,
      body: { endpoint: { service_id: sid, interface: 'public' } },
    })
    assert.equal(missingField.status, 400)
    const idChange = await cloud.request('PATCH', `${V3}/endpoints/${eid}`, {
      token: admin,
      body: { endpoint: { id: 'x' } },
    })
    assert.equal(idChange.status, 400)
    const missing = await cloud.request('PATCH', `${V3}/endpoints/nope`, {
      token: admin,
      body: { endpoint: { url: 'http://y' } },
    })
    assert.equal(missing.status, 404)
    assert.equal(missing.body.error.message, 'Could not find endpoint: nope.')
    assert.equal(
      (await cloud.request('DELETE', `${V3}/endpoints/nope`, { token: admin })).status,
      404,
    )
    assert.equal((await cloud.request('GET', `${V3}/endpoints`, { token: member })).status, 403)
    assert.equal(
      (await cloud.request('DELETE', `${V3}/endpoints/${eid}`, { token: member })).status,
      403,
    )
  })
})
