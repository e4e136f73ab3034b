import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { createTestCloud, type TestCloud } from '../testing.js'
import { memberToken } from './catalog-test-helpers.js'

const V3 = '/identity/v3'

describe('identity policies', () => {
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

  test('create, list (filter by type), show, update, delete', async () => {
    const c = await cloud.request('POST', `${V3}/policies`, {
      token: admin,
      body: { policy: { blob: '{"a": 1}', type: 'application/json', note: 'n' } },
    })
    assert.equal(c.status, 201)
    const id = c.body.policy.id
    assert.deepEqual(c.body.policy, {
      id,
      blob: '{"a": 1}',
      type: 'application/json',
      note: 'n',
      links: { self: `http://localhost:80/identity/v3/policies/${id}` },
    })
    await cloud.request('POST', `${V3}/policies`, {
      token: admin,
      body: { policy: { blob: 'b', type: 'other' } },
    })
    const all = await cloud.request('GET', `${V3}/policies`, { token: admin })
    assert.equal(all.body.policies.length, 2)
    const byType = await cloud.request('GET', `${V3}/policies?type=other`, { token: admin })
    assert.deepEqual(
      byType.body.policies.map((p: { type: string }) => p.type),
      ['other'],
    )
    const u = await cloud.request('PATCH', `${V3}/policies/${id}`, {
      token: admin,
      body: { policy: { type: 'text/plain' } },
    })
    assert.equal(u.status, 200)
    assert.equal(u.body.policy.type, 'text/plain')
    assert.equal(u.body.policy.blob, '{"a": 1}')
    assert.deepEqual(
      (await cloud.request('GET', `${V3}/policies/${id}`, { token: admin })).body.policy,
      u.body.policy,
    )
    assert.equal(
      (await cloud.request('DELETE', `${V3}/policies/${id}`, { token: admin })).status,
      204,
    )
    const gone = await cloud.request('GET', `${V3}/policies/${id}`, { token: admin })
    assert.equal(gone.status, 404)
    assert.equal(gone.body.error.message, `Could not find policy: ${id}.`)
  })

  test('bad input and policy', async () => {
    assert.equal(
      (
        await cloud.request('POST', `${V3}/policies`, {
          token: admin,
          body: { policy: { blob: 'b' } },
        })
      ).status,
      400,
    )
    assert.equal(
      (
        await cloud.request('POST', `${V3}/policies`, {
          token: admin,
          body: { policy: { blob: 1, type: 't' } },
        })
      ).status,
      400,
    )
    assert.equal(
      (
        await cloud.request('POST', `${V3}/policies`, {
          token: admin,
          body: { policy: { blob: 'b', type: 'x'.repeat(256) } },
        })
      ).status,
      400,
    )
    const c = await cloud.request('POST', `${V3}/policies`, {
      token: admin,
      body: { policy: { blob: 'b', type: 't' } },
    })
    const id = c.body.policy.id
    assert.equal(
      (await cloud.request('PATCH', `${V3}/policies/${id}`, { token: admin, body: { policy: {} } }))
        .status,
      400,
    )
    const idChange = await cloud.request('PATCH', `${V3}/policies/${id}`, {
      token: admin,
      body: { policy: { id: 'x' } },
    })
    assert.equal(idChange.status, 400)
    assert.equal(idChange.body.error.message, 'Cannot change policy ID')
    assert.equal(
      (
        await cloud.request('PATCH', `${V3}/policies/nope`, {
          token: admin,
          body: { policy: { type: 'x' } },
        })
      ).status,
      404,
    )
    assert.equal(
      (await cloud.request('DELETE', `${V3}/policies/nope`, { token: admin })).status,
      404,
    )
    assert.equal((await cloud.request('GET', `${V3}/policies`, { token: member })).status, 403)
    assert.equal(
      (
        await cloud.request('POST', `${V3}/policies`, {
          token: member,
          body: { policy: { blob: 'b', type: 't' } },
        })
      ).status,
      403,
    )
    assert.equal(
      (await cloud.request('DELETE', `${V3}/policies/${id}`, { token: member })).status,
      403,
    )
  })
})
