import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { createTestCloud, type TestCloud } from '../testing.js'
import { memberToken } from './catalog-test-helpers.js'

const C = '/identity/v3/OS-OAUTH1/consumers'

describe('identity OS-OAUTH1 consumers', () => {
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

  test('create shows the secret once and stores only its hash; show, list, update, delete', async () => {
    const c = await cloud.request('POST', C, {
      token: admin,
      body: { consumer: { description: 'first' } },
    })
    assert.equal(c.status, 201)
    const { id, secret } = c.body.consumer
    assert.match(secret, /^[0-9a-f]{32}$/)
    assert.deepEqual(c.body.consumer, {
      id,
      description: 'first',
      secret,
      links: { self: `http://localhost:80/identity/v3/OS-OAUTH1/consumers/${id}` },
    })
    const row = await cloud.database.db
      .selectFrom('oauth_consumers')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirstOrThrow()
    assert.notEqual(row.secret_hash, secret)
    assert.ok(!row.secret_hash.includes(secret))
    assert.ok(await cloud.identity.ctx.hasher.verify(secret, row.secret_hash))

    const shown = await cloud.request('GET', `${C}/${id}`, { token: admin })
    assert.deepEqual(shown.body.consumer, {
      id,
      description: 'first',
      links: c.body.consumer.links,
    })
    const noBody = await cloud.request('POST', C, { token: admin })
    assert.equal(noBody.status, 201)
    assert.equal(noBody.body.consumer.description, '')
    const list = await cloud.request('GET', C, { token: admin })
    assert.deepEqual(
      list.body.consumers.map((x: { id: string }) => x.id).sort(),
      [id, noBody.body.consumer.id].sort(),
    )
    assert.ok(list.body.consumers.every((x: object) => !('secret' in x)))

    const u = await cloud.request('PATCH', `${C}/${id}`, {
      token: admin,
      body: { consumer: { description: 'second' } },
    })
    assert.equal(u.status, 200)
    assert.equal(u.body.consumer.description, 'second')
    assert.equal(
      (await cloud.request('GET', `${C}/${id}`, { token: admin })).body.consumer.description,
      'second',
    )
    assert.equal((await cloud.request('DELETE', `${C}/${id}`, { token: admin })).status, 204)
    const gone = await cloud.request('GET', `${C}/${id}`, { token: admin })
    assert.equal(gone.status, 404)
    assert.equal(gone.body.error.message, 'Consumer not found')
  })

  test('bad input, policy, and the unimplemented OAuth1 flow', async () => {
    const c = await cloud.request('POST', C, {
      token: admin,
      body: { consumer: { description: 'x' } },
    })
    const id = c.body.consumer.id
    assert.equal(
      (
        await cloud.request('PATCH', `${C}/${id}`, {
          token: admin,
          body: { consumer: { secret: 's' } },
        })
      ).status,
      400,
    )
    assert.equal(
      (await cloud.request('PATCH', `${C}/${id}`, { token: admin, body: { consumer: {} } })).status,
      400,
    )
    assert.equal(
      (
        await cloud.request('PATCH', `${C}/${id}`, {
          token: admin,
          body: { consumer: { id: 'other' } },
        })
      ).status,
      400,
    )
    assert.equal(
      (await cloud.request('POST', C, { token: admin, body: { consumer: { description: 7 } } }))
        .status,
      400,
    )
    assert.equal(
      (await cloud.request('POST', C, { token: admin, body: { consumer: 'x' } })).status,
      400,
    )
    assert.equal(
      (
        await cloud.request('PATCH', `${C}/nope`, {
          token: admin,
          body: { consumer: { description: 'y' } },
        })
      ).status,
      404,
    )
    assert.equal((await cloud.request('DELETE', `${C}/nope`, { token: admin })).status, 404)
    assert.equal((await cloud.request('GET', C, { token: member })).status, 403)
    assert.equal(
      (await cloud.request('POST', C, { token: member, body: { consumer: {} } })).status,
      403,
    )
    assert.equal((await cloud.request('DELETE', `${C}/${id}`, { token: member })).status, 403)

    const rt = await cloud.request('POST', '/identity/v3/OS-OAUTH1/request_token')
    assert.equal(rt.status, 501)
    assert.equal(rt.body.error.title, 'Not Implemented')
    assert.equal((await cloud.request('POST', '/identity/v3/OS-OAUTH1/access_token')).status, 501)
    assert.equal(
      (
        await cloud.request('PUT', '/identity/v3/OS-OAUTH1/authorize/abc', {
          token: admin,
          body: { roles: [] },
        })
      ).status,
      501,
    )
    const userId = cloud.bootstrap.adminUserId
    const tokens = await cloud.request(
      'GET',
      `/identity/v3/users/${userId}/OS-OAUTH1/access_tokens`,
      { token: admin },
    )
    assert.equal(tokens.status, 200)
    assert.deepEqual(tokens.body.access_tokens, [])
    assert.equal(
      (
        await cloud.request('GET', `/identity/v3/users/${userId}/OS-OAUTH1/access_tokens/x`, {
          token: admin,
        })
      ).status,
      404,
    )
    assert.equal(
      (
        await cloud.request('GET', `/identity/v3/users/${userId}/OS-OAUTH1/access_tokens`, {
          token: member,
        })
      ).status,
      403,
    )
  })
})
