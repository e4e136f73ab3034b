import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { delegationFixtures } from '../delegation-fixtures.js'
import { createTestCloud, type TestCloud } from '../testing.js'

describe('application credentials and access rules', () => {
  let cloud: TestCloud
  let fx: ReturnType<typeof delegationFixtures>
  let userId: string
  let projectId: string
  let token: string
  let extraRole: string
  const url = (u: string, rest = '') => `/identity/v3/users/${u}/application_credentials${rest}`
  const appCredAuth = (id: string, secret: string, extra: Record<string, unknown> = {}) => ({
    auth: {
      identity: { methods: ['application_credential'], application_credential: { id, secret } },
      ...extra,
    },
  })

  before(async () => {
    cloud = await createTestCloud()
    fx = delegationFixtures(cloud)
    userId = await fx.user('alice', 'alice-pw')
    projectId = await fx.project('alpha')
    await fx.grant(userId, projectId, await fx.roleId('member'))
    extraRole = await fx.role('observer')
    await fx.grant(userId, projectId, extraRole)
    token = await cloud.token('alice', 'alice-pw', 'alpha')
  })
  after(async () => {
    await cloud.close()
  })

  test('create returns the secret once; the credential authenticates with all the roles', async () => {
    const res = await cloud.request('POST', url(userId), {
      token,
      body: { application_credential: { name: 'all-roles', description: 'd' } },
    })
    assert.equal(res.status, 201)
    const ac = res.body.application_credential
    assert.equal(ac.secret.length, 86)
    assert.match(ac.secret, /^[A-Za-z0-9_-]+$/)
    assert.equal(ac.project_id, projectId)
    assert.equal(ac.unrestricted, false)
    assert.equal(ac.expires_at, null)
    assert.deepEqual(ac.roles.map((r: { name: string }) => r.name).sort(), [
      'member',
      'observer',
      'reader',
    ])
    assert.equal(ac.access_rules, undefined)

    const shown = await cloud.request('GET', url(userId, `/${ac.id}`), { token })
    assert.equal(shown.status, 200)
    assert.equal(shown.body.application_credential.secret, undefined)
    assert.equal(shown.body.application_credential.name, 'all-roles')

    const t = await cloud.request('POST', '/identity/v3/auth/tokens', {
      body: appCredAuth(ac.id, ac.secret),
    })
    assert.equal(t.status, 201)
    assert.equal(t.body.token.project.id, projectId)
    assert.deepEqual(t.body.token.methods, ['application_credential'])
    assert.deepEqual(t.body.token.application_credential, {
      id: ac.id,
      name: 'all-roles',
      restricted: true,
    })
    assert.equal(t.body.token.roles.length, 3)

    const bad = await cloud.request('POST', '/identity/v3/auth/tokens', {
      body: appCredAuth(ac.id, 'wrong'),
    })
    assert.equal(bad.status, 401)
    const scoped = await cloud.request('POST', '/identity/v3/auth/tokens', {
      body: appCredAuth(ac.id, ac.secret, { scope: { project: { id: projectId } } }),
    })
    assert.equal(scoped.status, 401)
    assert.match(scoped.body.error.message, /Application credentials cannot request a scope/)
    const byName = await cloud.request('POST', '/identity/v3/auth/tokens', {
      body: {
        auth: {
          identity: {
            methods: ['application_credential'],
            application_credential: { name: 'all-roles', user: { id: userId }, secret: ac.secret },
          },
        },
      },
    })
    assert.equal(byName.status, 201)
  })

  test('roles subset by id or name; unassigned role 400; unknown role name 404', async () => {
    const res = await cloud.request('POST', url(userId), {
      token,
      body: { application_credential: { name: 'observer-only', roles: [{ name: 'observer' }] } },
    })
    assert.equal(res.status, 201)
    const ac = res.body.application_credential
    const t = await cloud.request('POST', '/identity/v3/auth/tokens', {
      body: appCredAuth(ac.id, ac.secret),
    })
    assert.deepEqual(
      t.body.token.roles.map((r: { id: string }) => r.id),
      [extraRole],
    )

    const admin = await fx.roleId('admin')
    const unassigned = await cloud.request('POST', url(userId), {
      token,
      body: { application_credential: { name: 'x', roles: [{ id: admin }] } },
    })
    assert.equal(unassigned.status, 400)
    assert.match(
      unassigned.body.error.message,
      /^Invalid application credential: Cannot create an application credential with unassigned role/,
    )
    const unknown = await cloud.request('POST', url(userId), {
      token,
      body: { application_credential: { name: 'x', roles: [{ name: 'nope' }] } },
    })
    assert.equal(unknown.status, 404)
    const twoKeys = await cloud.request('POST', url(userId), {
      token,
      body: { application_credential: { name: 'x', roles: [{ id: admin, name: 'admin' }] } },
    })
    assert.equal(twoKeys.status, 400)

    // Losing the role on the project takes it out of the credential's tokens; with no role left, no token.
    await fx.revokeGrant(userId, projectId, extraRole)
    const gone = await cloud.request('POST', '/identity/v3/auth/tokens', {
      body: appCredAuth(ac.id, ac.secret),
    })
    assert.equal(gone.status, 401)
    await fx.grant(userId, projectId, extraRole)
  })

  test('bad input: missing or duplicate name, expires_at past or malformed, bad access rule', async () => {
    const post = (body: unknown) => cloud.request('POST', url(userId), { token, body })
    assert.equal((await post({ application_credential: {} })).status, 400)
    assert.equal((await post({})).status, 400)
    assert.equal((await post({ application_credential: { name: '' } })).status, 400)
    assert.equal((await post({ application_credential: { name: 'dup' } })).status, 201)
    const dup = await post({ application_credential: { name: 'dup' } })
    assert.equal(dup.status, 409)
    assert.match(dup.body.error.message, /Duplicate entry found with name dup/)
    const past = await post({
      application_credential: { name: 'p', expires_at: '2000-01-01T00:00:00' },
    })
    assert.equal(past.status, 400)
    assert.match(past.body.error.message, /must not be before now/)
    assert.equal(
      (await post({ application_credential: { name: 'p', expires_at: 'bad.123Z' } })).status,
      400,
    )
    assert.equal(
      (await post({ application_credential: { name: 'p', expires_at: '2999-02-30T00:00:00' } }))
        .status,
      400,
    )
    assert.equal(
      (
        await post({
          application_credential: {
            name: 'p',
            access_rules: [{ service: 'compute', path: 'x', method: 'GET' }],
          },
        })
      ).status,
      400,
    )
    assert.equal(
      (
        await post({
          application_credential: {
            name: 'p',
            access_rules: [{ service: 'compute', path: '/x', method: 'FETCH' }],
          },
        })
      ).status,
      400,
    )
    assert.equal(
      (await post({ application_credential: { name: 'p', unrestricted: 'maybe' } })).status,
      400,
    )
  })

  test('expires_at keeps the microseconds the client sent', async () => {
    // Half the token lifetime, so the token's expiry is always capped at the credential's.
    const when = new Date(Date.now() + 1800_000).toISOString().slice(0, 19) + '.123456'
    const res = await cloud.request('POST', url(userId), {
      token,
      body: { application_credential: { name: 'expiring', expires_at: when } },
    })
    assert.equal(res.status, 201)
    assert.equal(res.body.application_credential.expires_at, when)
    const t = await cloud.request('POST', '/identity/v3/auth/tokens', {
      body: appCredAuth(res.body.application_credential.id, res.body.application_credential.secret),
    })
    assert.equal(t.body.token.expires_at, when.slice(0, 23) + '000Z')
  })

  test('list with name filter; other users get 403, admin may read; nobody creates for another user', async () => {
    const list = await cloud.request('GET', url(userId), { token })
    assert.equal(list.status, 200)
    assert.ok(list.body.application_credentials.length >= 3)
    assert.ok(
      list.body.application_credentials.every((c: { secret?: string }) => c.secret === undefined),
    )
    const one = await cloud.request('GET', url(userId, '?name=dup'), { token })
    assert.deepEqual(
      one.body.application_credentials.map((c: { name: string }) => c.name),
      ['dup'],
    )
    const id = one.body.application_credentials[0].id

    const bob = await fx.user('bob', 'bob-pw')
    await fx.grant(bob, projectId, await fx.roleId('member'))
    const bobToken = await cloud.token('bob', 'bob-pw', 'alpha')
    assert.equal((await cloud.request('GET', url(userId), { token: bobToken })).status, 403)
    assert.equal(
      (await cloud.request('GET', url(userId, `/${id}`), { token: bobToken })).status,
      403,
    )
    // Keystone checks ownership against the credential itself, not the path.
    assert.equal((await cloud.request('GET', url(bob, `/${id}`), { token: bobToken })).status, 403)
    assert.equal(
      (await cloud.request('DELETE', url(userId, `/${id}`), { token: bobToken })).status,
      403,
    )
    assert.equal(
      (
        await cloud.request('POST', url(userId), {
          token: bobToken,
          body: { application_credential: { name: 'steal' } },
        })
      ).status,
      403,
    )

    const admin = await cloud.adminToken()
    assert.equal((await cloud.request('GET', url(userId, `/${id}`), { token: admin })).status, 200)
    assert.equal(
      (
        await cloud.request('POST', url(userId), {
          token: admin,
          body: { application_credential: { name: 'adm' } },
        })
      ).status,
      403,
    )
    assert.equal(
      (await cloud.request('GET', url(userId, '/0123456789abcdef'), { token })).status,
      404,
    )
    assert.equal(
      (await cloud.request('DELETE', url(userId, '/0123456789abcdef'), { token })).status,
      404,
    )
  })

  test('deleting a credential revokes its tokens; a restricted credential cannot manage credentials', async () => {
    const res = await cloud.request('POST', url(userId), {
      token,
      body: { application_credential: { name: 'doomed' } },
    })
    const ac = res.body.application_credential
    const t = await cloud.request('POST', '/identity/v3/auth/tokens', {
      body: appCredAuth(ac.id, ac.secret),
    })
    const acToken = String(t.headers['x-subject-token'])
    assert.equal((await cloud.request('GET', url(userId), { token: acToken })).status, 200)
    const denied = await cloud.request('POST', url(userId), {
      token: acToken,
      body: { application_credential: { name: 'child' } },
    })
    assert.equal(denied.status, 403)
    assert.match(
      denied.body.error.message,
      /not allowed for managing additional application credentials/,
    )
    assert.equal(
      (await cloud.request('DELETE', url(userId, `/${ac.id}`), { token: acToken })).status,
      403,
    )
    const rescope = await cloud.request('POST', '/identity/v3/auth/tokens', {
      body: {
        auth: {
          identity: { methods: ['token'], token: { id: acToken } },
          scope: { project: { id: projectId } },
        },
      },
    })
    assert.equal(rescope.status, 403)

    assert.equal((await cloud.request('DELETE', url(userId, `/${ac.id}`), { token })).status, 204)
    assert.equal((await cloud.request('GET', url(userId), { token: acToken })).status, 401)
    assert.equal(
      (
        await cloud.request('POST', '/identity/v3/auth/tokens', {
          body: appCredAuth(ac.id, ac.secret),
        })
      ).status,
      401,
    )
    assert.equal((await cloud.request('GET', url(userId, `/${ac.id}`), { token })).status, 404)
  })

  test('an unrestricted credential may create another', async () => {
    const res = await cloud.request('POST', url(userId), {
      token,
      body: {
        application_credential: { name: 'free', unrestricted: true, secret: 'my-own-secret' },
      },
    })
    assert.equal(res.status, 201)
    assert.equal(res.body.application_credential.secret, 'my-own-secret')
    const t = await cloud.request('POST', '/identity/v3/auth/tokens', {
      body: appCredAuth(res.body.application_credential.id, 'my-own-secret'),
    })
    assert.equal(t.body.token.application_credential.restricted, false)
    const child = await cloud.request('POST', url(userId), {
      token: String(t.headers['x-subject-token']),
      body: { application_credential: { name: 'free-child' } },
    })
    assert.equal(child.status, 201)
  })

  test('access rules: shared by identical rules, listed, not deletable while in use', async () => {
    const rule = { path: '/v2.1/servers/*/ips', method: 'GET', service: 'compute' }
    const a = await cloud.request('POST', url(userId), {
      token,
      body: { application_credential: { name: 'ruled-a', access_rules: [rule] } },
    })
    assert.equal(a.status, 201)
    const got = a.body.application_credential.access_rules[0]
    const ruleId = got.id
    assert.deepEqual({ ...got, id: undefined }, { ...rule, id: undefined })
    assert.deepEqual(Object.keys(got).sort(), ['id', 'method', 'path', 'service'])
    const b = await cloud.request('POST', url(userId), {
      token,
      body: { application_credential: { name: 'ruled-b', access_rules: [rule] } },
    })
    assert.equal(b.body.application_credential.access_rules[0].id, ruleId)
    const byId = await cloud.request('POST', url(userId), {
      token,
      body: { application_credential: { name: 'ruled-c', access_rules: [{ id: ruleId }] } },
    })
    assert.equal(byId.status, 201)
    assert.equal(
      (
        await cloud.request('POST', url(userId), {
          token,
          body: { application_credential: { name: 'ruled-d', access_rules: [{ id: 'missing' }] } },
        })
      ).status,
      400,
    )

    const t = await cloud.request('POST', '/identity/v3/auth/tokens', {
      body: appCredAuth(a.body.application_credential.id, a.body.application_credential.secret),
    })
    assert.deepEqual(t.body.token.application_credential.access_rules, [{ id: ruleId, ...rule }])

    const rules = `/identity/v3/users/${userId}/access_rules`
    const list = await cloud.request('GET', rules, { token })
    assert.equal(list.status, 200)
    assert.equal(list.body.access_rules.length, 1)
    assert.equal(
      (await cloud.request('GET', `${rules}?service=image`, { token })).body.access_rules.length,
      0,
    )
    assert.equal(
      (await cloud.request('GET', `${rules}/${ruleId}`, { token })).body.access_rule.path,
      rule.path,
    )
    assert.equal((await cloud.request('GET', `${rules}/nope`, { token })).status, 404)
    const inUse = await cloud.request('DELETE', `${rules}/${ruleId}`, { token })
    assert.equal(inUse.status, 403)
    for (const c of [a, b, byId]) {
      assert.equal(
        (
          await cloud.request('DELETE', url(userId, `/${c.body.application_credential.id}`), {
            token,
          })
        ).status,
        204,
      )
    }
    assert.equal((await cloud.request('GET', rules, { token })).body.access_rules.length, 1)
    assert.equal((await cloud.request('DELETE', `${rules}/${ruleId}`, { token })).status, 204)
    assert.equal((await cloud.request('GET', rules, { token })).body.access_rules.length, 0)
    assert.equal((await cloud.request('DELETE', `${rules}/${ruleId}`, { token })).status, 404)
    const bob = await cloud.token('bob', 'bob-pw', 'alpha')
    assert.equal((await cloud.request('GET', rules, { token: bob })).status, 403)
  })

  test('an unscoped token cannot create one', async () => {
    const unscoped = await cloud.token('alice', 'alice-pw')
    const res = await cloud.request('POST', url(userId), {
      token: unscoped,
      body: { application_credential: { name: 'u' } },
    })
    assert.equal(res.status, 400)
  })
})
