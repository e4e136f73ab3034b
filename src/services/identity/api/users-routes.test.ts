import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { createTestCloud, type TestCloud } from '../testing.js'

const V3 = '/identity/v3'

describe('identity users', () => {
  let cloud: TestCloud
  let admin: string
  before(async () => {
    cloud = await createTestCloud()
    admin = await cloud.adminToken()
  })
  after(async () => {
    await cloud.close()
  })

  const create = (user: Record<string, unknown>, token = admin) =>
    cloud.request('POST', `${V3}/users`, { token, body: { user } })

  test('create renders Keystone attributes, extras and no password', async () => {
    const res = await create({
      name: ' alice ',
      password: 'pw-alice',
      email: 'a@example.org',
      description: 'd',
      project_id: 'p1',
      'OS-X:y': 1,
    })
    assert.equal(res.status, 201)
    const u = res.body.user
    assert.equal(u.name, 'alice')
    assert.equal(u.domain_id, 'default')
    assert.equal(u.enabled, true)
    assert.equal(u.email, 'a@example.org')
    assert.equal(u.description, 'd')
    assert.equal(u.project_id, 'p1')
    assert.equal(u.OS_X_y, 1)
    assert.equal(u.password_expires_at, null)
    assert.deepEqual(u.options, {})
    assert.equal(u.links.self, `http://localhost:80${V3}/users/${u.id}`)
    assert.equal('password' in u, false)
    assert.equal('default_project_id' in u, false)
    assert.match(u.id, /^[0-9a-f]{32}$/)
    const shown = await cloud.request('GET', `${V3}/users/${u.id}`, { token: admin })
    assert.deepEqual(shown.body.user, u)
    // The new user can authenticate with the password it was created with.
    await cloud.token('alice', 'pw-alice')
  })

  test('bad input: 400 for schema errors, 404 for unknown domain, 409 for a duplicate name', async () => {
    assert.equal((await create({})).status, 400)
    assert.equal((await create({ name: '' })).status, 400)
    assert.equal((await create({ name: 5 })).status, 400)
    assert.equal((await create({ name: 'x', enabled: 'true' })).status, 400)
    assert.equal((await create({ name: 'x', options: { bogus: true } })).status, 400)
    assert.equal((await create({ name: 'x', domain_id: 'bad id!' })).status, 400)
    const nodomain = await create({ name: 'x', domain_id: 'f'.repeat(32) })
    assert.equal(nodomain.status, 404)
    assert.equal(nodomain.body.error.message, `Could not find domain: ${'f'.repeat(32)}.`)
    await create({ name: 'dup' })
    const dup = await create({ name: 'dup' })
    assert.equal(dup.status, 409)
    assert.equal(
      dup.body.error.message,
      'Conflict occurred attempting to store user - Duplicate entry found with name dup at domain ID default.',
    )
    assert.equal((await cloud.request('GET', `${V3}/users/nope`, { token: admin })).status, 404)
    assert.equal(
      (
        await cloud.request('PATCH', `${V3}/users/nope`, {
          token: admin,
          body: { user: { name: 'z' } },
        })
      ).status,
      404,
    )
    assert.equal((await cloud.request('DELETE', `${V3}/users/nope`, { token: admin })).status, 404)
  })

  test('list filters: name, enabled, domain_id, inexact, password_expires_at', async () => {
    await create({ name: 'filt-on', enabled: true })
    await create({ name: 'filt-off', enabled: false })
    const names = async (qs: string): Promise<string[]> => {
      const res = await cloud.request('GET', `${V3}/users?${qs}`, { token: admin })
      assert.equal(res.status, 200)
      return (res.body.users as Array<{ name: string }>).map((u) => u.name).sort()
    }
    assert.deepEqual(await names('name=filt-on'), ['filt-on'])
    assert.ok((await names('enabled=false')).includes('filt-off'))
    assert.ok(!(await names('enabled=0')).includes('filt-on'))
    assert.deepEqual(await names('name__startswith=filt-'), ['filt-off', 'filt-on'])
    assert.deepEqual(await names('name__icontains=FILT-O'), ['filt-off', 'filt-on'])
    assert.deepEqual(await names('domain_id=none'), [])
    assert.deepEqual(await names('idp_id=x'), [])
    assert.deepEqual(await names('password_expires_at=lt:2000-01-01T00:00:00Z'), [])
    const bad = await cloud.request(
      'GET',
      `${V3}/users?password_expires_at=xx:2000-01-01T00:00:00Z`,
      { token: admin },
    )
    assert.equal(bad.status, 400)
    const badTime = await cloud.request('GET', `${V3}/users?password_expires_at=lt:yesterday`, {
      token: admin,
    })
    assert.equal(badTime.status, 400)
  })

  test('update: attributes, id and domain are immutable, name clash, disabling revokes tokens', async () => {
    const u = (await create({ name: 'bob', password: 'pw-bob', email: 'b@x' })).body.user
    const token = await cloud.token('bob', 'pw-bob')
    const upd = await cloud.request('PATCH', `${V3}/users/${u.id}`, {
      token: admin,
      body: {
        user: {
          id: u.id,
          name: 'bob2',
          description: 'new',
          email: null,
          default_project_id: 'abc',
        },
      },
    })
    assert.equal(upd.status, 200)
    assert.equal(upd.body.user.name, 'bob2')
    assert.equal(upd.body.user.description, 'new')
    assert.equal(upd.body.user.email, null)
    assert.equal(upd.body.user.default_project_id, 'abc')
    const patch = (user: unknown) =>
      cloud.request('PATCH', `${V3}/users/${u.id}`, { token: admin, body: { user } })
    assert.equal((await patch({ id: 'other' })).status, 400)
    assert.equal((await patch({ domain_id: 'other' })).status, 400)
    assert.equal((await patch({})).status, 400)
    assert.equal((await patch({ name: 'dup' })).status, 409)
    assert.equal((await patch({ name: 'bob2' })).status, 200)
    assert.equal((await cloud.request('GET', `${V3}/users/${u.id}`, { token })).status, 200)
    assert.equal((await patch({ enabled: false })).status, 200)
    assert.equal((await cloud.request('GET', `${V3}/auth/catalog`, { token })).status, 401)
    await assert.rejects(cloud.token('bob2', 'pw-bob'))
  })

  test('policy: a non-admin reads only itself and may not create, list, update or delete', async () => {
    const u = (await create({ name: 'carol', password: 'pw-carol' })).body.user
    const token = await cloud.token('carol', 'pw-carol')
    assert.equal((await cloud.request('GET', `${V3}/users/${u.id}`, { token })).status, 200)
    const adminId = (await cloud.request('GET', `${V3}/users?name=admin`, { token: admin })).body
      .users[0].id
    assert.equal((await cloud.request('GET', `${V3}/users/${adminId}`, { token })).status, 403)
    assert.equal((await cloud.request('GET', `${V3}/users`, { token })).status, 403)
    assert.equal((await create({ name: 'x' }, token)).status, 403)
    assert.equal(
      (
        await cloud.request('PATCH', `${V3}/users/${u.id}`, {
          token,
          body: { user: { enabled: true } },
        })
      ).status,
      403,
    )
    assert.equal((await cloud.request('DELETE', `${V3}/users/${u.id}`, { token })).status, 403)
    assert.equal((await cloud.request('GET', `${V3}/users`)).status, 401)
  })

  test('admin password reset takes effect and revokes tokens; delete cascades', async () => {
    const u = (await create({ name: 'dave', password: 'old-pw' })).body.user
    const token = await cloud.token('dave', 'old-pw')
    const reset = await cloud.request('PATCH', `${V3}/users/${u.id}`, {
      token: admin,
      body: { user: { password: 'new-pw' } },
    })
    assert.equal(reset.status, 200)
    assert.equal((await cloud.request('GET', `${V3}/users/${u.id}`, { token })).status, 401)
    await assert.rejects(cloud.token('dave', 'old-pw'))
    await cloud.token('dave', 'new-pw')
    const g = (
      await cloud.request('POST', `${V3}/groups`, {
        token: admin,
        body: { group: { name: 'dave-group' } },
      })
    ).body.group
    assert.equal(
      (await cloud.request('PUT', `${V3}/groups/${g.id}/users/${u.id}`, { token: admin })).status,
      204,
    )
    assert.equal(
      (await cloud.request('DELETE', `${V3}/users/${u.id}`, { token: admin })).status,
      204,
    )
    assert.equal((await cloud.request('GET', `${V3}/users/${u.id}`, { token: admin })).status, 404)
    const members = await cloud.request('GET', `${V3}/groups/${g.id}/users`, { token: admin })
    assert.deepEqual(members.body.users, [])
  })
})
