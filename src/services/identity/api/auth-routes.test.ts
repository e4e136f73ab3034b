import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { join } from 'node:path'
import { createTestCloud, type TestCloud } from '../testing.js'
import { KeyRepository } from '../token/key-repository.js'
import { TokenProvider } from '../token/token-provider.js'

describe('identity auth', () => {
  let cloud: TestCloud
  before(async () => {
    cloud = await createTestCloud()
  })
  after(async () => {
    await cloud.close()
  })

  test('version documents', async () => {
    const root = await cloud.request('GET', '/identity/')
    assert.equal(root.status, 300)
    assert.equal(root.body.versions.values[0].id, 'v3.14')
    const v3 = await cloud.request('GET', '/identity/v3')
    assert.equal(v3.status, 200)
    assert.deepEqual(
      v3.body.version['media-types'][0].type,
      'application/vnd.openstack.identity-v3+json',
    )
    assert.match(String(v3.headers['x-openstack-request-id']), /^req-[0-9a-f-]{36}$/)
  })

  test('password token: issue, validate, catalog, revoke', async () => {
    const res = await cloud.request('POST', '/identity/v3/auth/tokens', {
      body: {
        auth: {
          identity: {
            methods: ['password'],
            password: {
              user: { name: 'admin', domain: { name: 'Default' }, password: cloud.adminPassword },
            },
          },
          scope: { project: { name: 'admin', domain: { id: 'default' } } },
        },
      },
    })
    assert.equal(res.status, 201)
    const token = String(res.headers['x-subject-token'])
    assert.equal(res.body.token.project.name, 'admin')
    assert.deepEqual(res.body.token.roles.map((r: { name: string }) => r.name).sort(), [
      'admin',
      'member',
      'reader',
    ])
    assert.ok(res.body.token.catalog.some((s: { type: string }) => s.type === 'identity'))
    assert.match(res.body.token.expires_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/)

    const v = await cloud.request('GET', '/identity/v3/auth/tokens', {
      token,
      headers: { 'x-subject-token': token },
    })
    assert.equal(v.status, 200)
    assert.equal(v.body.token.user.name, 'admin')
    assert.equal(
      (
        await cloud.request('HEAD', '/identity/v3/auth/tokens', {
          token,
          headers: { 'x-subject-token': token },
        })
      ).status,
      200,
    )

    const other = await cloud.adminToken()
    assert.equal(
      (
        await cloud.request('DELETE', '/identity/v3/auth/tokens', {
          token: other,
          headers: { 'x-subject-token': token },
        })
      ).status,
      204,
    )
    const after = await cloud.request('GET', '/identity/v3/auth/tokens', {
      token: other,
      headers: { 'x-subject-token': token },
    })
    assert.equal(after.status, 404)
    const use = await cloud.request('GET', '/identity/v3/auth/catalog', { token })
    assert.equal(use.status, 401)
    assert.equal(use.body.error.code, 401)
  })

  test('wrong password and unknown user get the same 401', async () => {
    const body = (name: string) => ({
      auth: {
        identity: {
          methods: ['password'],
          password: { user: { name, domain: { id: 'default' }, password: 'nope' } },
        },
      },
    })
    const a = await cloud.request('POST', '/identity/v3/auth/tokens', { body: body('admin') })
    const b = await cloud.request('POST', '/identity/v3/auth/tokens', { body: body('nobody') })
    assert.equal(a.status, 401)
    assert.equal(b.status, 401)
    assert.deepEqual(a.body, b.body)
    assert.equal(a.body.error.message, 'The request you have made requires authentication.')
  })

  test('bad input: malformed JSON 400, missing token 401, garbage token 401, 2 MiB body 413', async () => {
    const bad = await cloud.app.inject({
      method: 'POST',
      url: '/identity/v3/auth/tokens',
      headers: { 'content-type': 'application/json' },
      payload: '{"auth": ',
    })
    assert.equal(bad.statusCode, 400)
    assert.equal(JSON.parse(bad.body).error.code, 400)
    assert.equal((await cloud.request('GET', '/identity/v3/auth/catalog')).status, 401)
    assert.equal(
      (await cloud.request('GET', '/identity/v3/auth/catalog', { token: 'x'.repeat(200) })).status,
      401,
    )
    const big = await cloud.app.inject({
      method: 'POST',
      url: '/identity/v3/auth/tokens',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ pad: 'x'.repeat(2 * 1024 * 1024) }),
    })
    assert.equal(big.statusCode, 413)
    assert.equal(JSON.parse(big.body).error.code, 413)
  })

  test('unscoped token, then rescope with the token method', async () => {
    const res = await cloud.request('POST', '/identity/v3/auth/tokens', {
      body: {
        auth: {
          identity: {
            methods: ['password'],
            password: {
              user: { name: 'admin', domain: { id: 'default' }, password: cloud.adminPassword },
            },
          },
          scope: 'unscoped',
        },
      },
    })
    assert.equal(res.status, 201)
    assert.equal(res.body.token.project, undefined)
    const unscoped = String(res.headers['x-subject-token'])
    const re = await cloud.request('POST', '/identity/v3/auth/tokens', {
      body: {
        auth: {
          identity: { methods: ['token'], token: { id: unscoped } },
          scope: { system: { all: true } },
        },
      },
    })
    assert.equal(re.status, 201)
    assert.deepEqual(re.body.token.system, { all: true })
    assert.equal(re.body.token.audit_ids[1], res.body.token.audit_ids[0])
  })

  test('an expired token is 401 as X-Auth-Token and 404 as X-Subject-Token', async () => {
    const admin = await cloud.request('GET', '/identity/v3/auth/tokens', {
      token: await cloud.adminToken(),
      headers: { 'x-subject-token': await cloud.adminToken() },
    })
    // Sign a token with this cloud's own keys that expired a second ago.
    const provider = new TokenProvider(new KeyRepository(join(cloud.dataDir, 'token-keys'), 3))
    const expired = provider.issue({
      userId: admin.body.token.user.id,
      methods: ['password'],
      scope: { type: 'project', id: admin.body.token.project.id },
      issuedAt: Date.now() - 3_600_000,
      expiresAt: Date.now() - 1000,
      auditIds: ['expired-audit-id-0000'],
    })
    const asAuth = await cloud.request('GET', '/identity/v3/auth/catalog', { token: expired })
    assert.equal(asAuth.status, 401)
    assert.equal(asAuth.body.error.code, 401)
    const asSubject = await cloud.request('GET', '/identity/v3/auth/tokens', {
      token: await cloud.adminToken(),
      headers: { 'x-subject-token': expired },
    })
    assert.equal(asSubject.status, 404)
    const allowed = await cloud.request('GET', '/identity/v3/auth/tokens?allow_expired=true', {
      token: await cloud.adminToken(),
      headers: { 'x-subject-token': expired },
    })
    assert.equal(allowed.status, 200)
  })
})
