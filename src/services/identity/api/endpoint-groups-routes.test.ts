import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { createTestCloud, type TestCloud } from '../testing.js'
import { memberToken } from './catalog-test-helpers.js'

const EG = '/identity/v3/OS-EP-FILTER/endpoint_groups'

describe('identity OS-EP-FILTER endpoint groups', () => {
  let cloud: TestCloud
  let admin: string
  let member: string
  let serviceId: string
  let endpointId: string
  before(async () => {
    cloud = await createTestCloud()
    admin = await cloud.adminToken()
    member = await memberToken(cloud)
    const svc = await cloud.request('POST', '/identity/v3/services', {
      token: admin,
      body: { service: { type: 'eg-svc' } },
    })
    serviceId = svc.body.service.id
    const ep = await cloud.request('POST', '/identity/v3/endpoints', {
      token: admin,
      body: {
        endpoint: {
          service_id: serviceId,
          interface: 'admin',
          url: 'http://eg',
          region_id: 'RegionOne',
        },
      },
    })
    endpointId = ep.body.endpoint.id
  })
  after(async () => {
    await cloud.close()
  })

  test('create, list, show, HEAD, update, endpoints in group, delete', async () => {
    const c = await cloud.request('POST', EG, {
      token: admin,
      body: {
        endpoint_group: { name: 'g1', description: 'd', filters: { service_id: serviceId } },
      },
    })
    assert.equal(c.status, 201)
    const id = c.body.endpoint_group.id
    assert.deepEqual(c.body.endpoint_group, {
      id,
      name: 'g1',
      description: 'd',
      filters: { service_id: serviceId },
      links: { self: `http://localhost:80/identity/v3/OS-EP-FILTER/endpoint_groups/${id}` },
    })
    const list = await cloud.request('GET', EG, { token: admin })
    assert.deepEqual(list.body.endpoint_groups, [c.body.endpoint_group])
    assert.equal(
      (await cloud.request('GET', `${EG}?name=other`, { token: admin })).body.endpoint_groups
        .length,
      0,
    )
    assert.deepEqual((await cloud.request('GET', `${EG}/${id}`, { token: admin })).body, {
      endpoint_group: c.body.endpoint_group,
    })
    assert.equal((await cloud.request('HEAD', `${EG}/${id}`, { token: admin })).status, 200)

    const eps = await cloud.request('GET', `${EG}/${id}/endpoints`, { token: admin })
    assert.deepEqual(
      eps.body.endpoints.map((e: { id: string }) => e.id),
      [endpointId],
    )

    const u = await cloud.request('PATCH', `${EG}/${id}`, {
      token: admin,
      body: { endpoint_group: { name: 'g2', description: 'd2', filters: { interface: 'public' } } },
    })
    assert.equal(u.status, 200)
    assert.equal(u.body.endpoint_group.name, 'g2')
    assert.deepEqual(u.body.endpoint_group.filters, { interface: 'public' })
    const eps2 = await cloud.request('GET', `${EG}/${id}/endpoints`, { token: admin })
    assert.ok(!eps2.body.endpoints.some((e: { id: string }) => e.id === endpointId))
    assert.ok(eps2.body.endpoints.every((e: { interface: string }) => e.interface === 'public'))

    assert.equal((await cloud.request('DELETE', `${EG}/${id}`, { token: admin })).status, 204)
    assert.equal((await cloud.request('GET', `${EG}/${id}`, { token: admin })).status, 404)
    assert.equal((await cloud.request('HEAD', `${EG}/${id}`, { token: admin })).status, 404)
  })

  test('project associations', async () => {
    const c = await cloud.request('POST', EG, {
      token: admin,
      body: { endpoint_group: { name: 'ga', filters: { service_id: serviceId } } },
    })
    const id = c.body.endpoint_group.id
    const project = cloud.bootstrap.adminProjectId
    const assoc = `${EG}/${id}/projects/${project}`
    assert.equal((await cloud.request('GET', assoc, { token: admin })).status, 404)
    assert.equal((await cloud.request('PUT', assoc, { token: admin })).status, 204)
    assert.equal((await cloud.request('PUT', assoc, { token: admin })).status, 409)
    const got = await cloud.request('GET', assoc, { token: admin })
    assert.equal(got.status, 200)
    assert.equal(got.body.project_endpoint_group.endpoint_group_id, id)
    assert.equal(got.body.project_endpoint_group.project_id, project)
    assert.equal((await cloud.request('HEAD', assoc, { token: admin })).status, 200)

    const projects = await cloud.request('GET', `${EG}/${id}/projects`, { token: admin })
    assert.deepEqual(
      projects.body.projects.map((p: { name: string }) => p.name),
      ['admin'],
    )
    const groups = await cloud.request(
      'GET',
      `/identity/v3/OS-EP-FILTER/projects/${project}/endpoint_groups`,
      { token: admin },
    )
    assert.deepEqual(
      groups.body.endpoint_groups.map((g: { id: string }) => g.id),
      [id],
    )
    const eps = await cloud.request(
      'GET',
      `/identity/v3/OS-EP-FILTER/projects/${project}/endpoints`,
      { token: admin },
    )
    assert.deepEqual(
      eps.body.endpoints.map((e: { id: string }) => e.id),
      [endpointId],
    )

    assert.equal(
      (await cloud.request('PUT', `${EG}/${id}/projects/nope`, { token: admin })).status,
      404,
    )
    assert.equal(
      (await cloud.request('PUT', `${EG}/nope/projects/${project}`, { token: admin })).status,
      404,
    )
    assert.equal(
      (
        await cloud.request('GET', `/identity/v3/OS-EP-FILTER/projects/nope/endpoint_groups`, {
          token: admin,
        })
      ).status,
      404,
    )
    assert.equal((await cloud.request('PUT', assoc, { token: member })).status, 403)
    assert.equal((await cloud.request('DELETE', assoc, { token: admin })).status, 204)
    assert.equal((await cloud.request('DELETE', assoc, { token: admin })).status, 404)
    // Deleting a group drops its associations.
    await cloud.request('PUT', assoc, { token: admin })
    await cloud.request('DELETE', `${EG}/${id}`, { token: admin })
    const after = await cloud.request(
      'GET',
      `/identity/v3/OS-EP-FILTER/projects/${project}/endpoint_groups`,
      { token: admin },
    )
    assert.deepEqual(after.body.endpoint_groups, [])
    const direct = await cloud.request(
      'PUT',
      `/identity/v3/OS-EP-FILTER/projects/${project}/endpoints/${endpointId}`,
      { token: admin },
    )
    assert.equal(direct.status, 501)
  })

  test('bad input and policy', async () => {
    const post = (body: unknown, token = admin) => cloud.request('POST', EG, { token, body })
    const empty = await post({ endpoint_group: { name: 'x', filters: {} } })
    assert.equal(empty.status, 400)
    assert.equal(empty.body.error.message, 'filters field is required and cannot be empty')
    const badKey = await post({ endpoint_group: { name: 'x', filters: { url: 'u' } } })
    assert.equal(badKey.status, 400)
    assert.match(
      badKey.body.error.message,
      /^Expecting to find service_id or region_id or interface in endpoint_group\./,
    )
    assert.equal((await post({ endpoint_group: { filters: { interface: 'public' } } })).status, 400)
    assert.equal((await post({ endpoint_group: { name: 'x', filters: 'interface' } })).status, 400)
    assert.equal(
      (await post({ endpoint_group: { name: 'x', filters: { interface: 'public' } } }, member))
        .status,
      403,
    )
    assert.equal((await cloud.request('GET', EG, { token: member })).status, 403)
    assert.equal(
      (
        await cloud.request('PATCH', `${EG}/nope`, {
          token: admin,
          body: { endpoint_group: { name: 'y' } },
        })
      ).status,
      404,
    )
    assert.equal(
      (await cloud.request('PATCH', `${EG}/nope`, { token: admin, body: { endpoint_group: {} } }))
        .status,
      400,
    )
    const missing = await cloud.request('DELETE', `${EG}/nope`, { token: admin })
    assert.equal(missing.status, 404)
    assert.equal(missing.body.error.message, 'Could not find Endpoint Group: nope.')
  })
})
