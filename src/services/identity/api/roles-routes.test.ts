import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { createTestCloud, type TestCloud } from '../testing.js'
import { fixtures, type Fixtures } from './assignments-testing.js'

const V3 = '/identity/v3'

describe('identity roles', () => {
  let cloud: TestCloud
  let fx: Fixtures
  let admin: string
  const call = (method: string, path: string, body?: unknown, token?: string) =>
    cloud.request(method, `${V3}${path}`, { token: token ?? admin, body })
  const newRole = async (body: Record<string, unknown>) => {
    const res = await call('POST', '/roles', { role: body })
    assert.equal(res.status, 201, JSON.stringify(res.body))
    return res.body.role as Record<string, any>
  }

  before(async () => {
    cloud = await createTestCloud()
    fx = fixtures(cloud)
    admin = await cloud.adminToken()
  })
  after(async () => {
    await cloud.close()
  })

  test('create, show, list and update a global role', async () => {
    const role = await newRole({ name: 'observer' })
    assert.match(role.id, /^[0-9a-f]{32}$/)
    assert.deepEqual(role, {
      id: role.id,
      name: 'observer',
      domain_id: null,
      description: null,
      options: {},
      links: { self: `http://localhost:80${V3}/roles/${role.id}` },
    })
    assert.deepEqual((await call('GET', `/roles/${role.id}`)).body.role, role)
    const list = await call('GET', '/roles')
    assert.equal(list.status, 200)
    assert.ok(list.body.roles.some((r: unknown) => JSON.stringify(r) === JSON.stringify(role)))
    assert.deepEqual(list.body.links, {
      self: `http://localhost:80${V3}/roles`,
      previous: null,
      next: null,
    })
    const byName = await call('GET', '/roles?name=observer')
    assert.deepEqual(
      byName.body.roles.map((r: { id: string }) => r.id),
      [role.id],
    )

    const upd = await call('PATCH', `/roles/${role.id}`, {
      role: { name: 'watcher', description: 'd', team: 'ops' },
    })
    assert.equal(upd.status, 200)
    assert.equal(upd.body.role.name, 'watcher')
    assert.equal(upd.body.role.description, 'd')
    assert.equal(upd.body.role.team, 'ops')
    assert.deepEqual((await call('GET', `/roles/${role.id}`)).body.role, upd.body.role)
  })

  test('domain roles are listed only with domain_id', async () => {
    const d = await fx.domain()
    const role = await newRole({ name: 'dom-role', domain_id: d })
    assert.equal(role.domain_id, d)
    const listed = await call('GET', `/roles?domain_id=${d}`)
    assert.deepEqual(listed.body.roles, [role])
    const global = await call('GET', '/roles')
    assert.ok(!global.body.roles.some((r: { id: string }) => r.id === role.id))
    // The same name is free globally and in another domain.
    await newRole({ name: 'dom-role' })
    const clash = await call('POST', '/roles', { role: { name: 'dom-role', domain_id: d } })
    assert.equal(clash.status, 409)
    assert.equal(
      clash.body.error.message,
      `Conflict occurred attempting to store role - Duplicate entry found with name dom-role at domain ID ${d}.`,
    )
    const upd = await call('PATCH', `/roles/${role.id}`, { role: { domain_id: null } })
    assert.equal(upd.status, 400)
    assert.equal(upd.body.error.message, 'Update of `domain_id` is not allowed.')
    assert.equal(
      (await call('POST', '/roles', { role: { name: 'x', domain_id: 'nope' } })).status,
      404,
    )
  })

  test('bad input and unknown ids', async () => {
    const dup = await call('POST', '/roles', { role: { name: 'admin' } })
    assert.equal(dup.status, 409)
    assert.equal(
      dup.body.error.message,
      'Conflict occurred attempting to store role - Duplicate entry found with name admin.',
    )
    for (const body of [
      {},
      { role: {} },
      { role: { name: '' } },
      { role: { name: '   ' } },
      { role: { name: 'x'.repeat(256) } },
      { role: { name: 'ok', options: { bogus: true } } },
    ]) {
      const res = await call('POST', '/roles', body)
      assert.equal(res.status, 400, JSON.stringify(body))
      assert.equal(res.body.error.code, 400)
    }
    const role = await newRole({ name: 'r-bad-input' })
    assert.equal((await call('PATCH', `/roles/${role.id}`, { role: {} })).status, 400)
    assert.equal((await call('PATCH', `/roles/${role.id}`, { role: { id: 'other' } })).status, 400)
    const rename = await call('PATCH', `/roles/${role.id}`, { role: { name: 'member' } })
    assert.equal(rename.status, 409)
    for (const [m, body] of [['GET'], ['PATCH', { role: { name: 'z' } }], ['DELETE']] as const) {
      const res = await call(m, '/roles/0123456789abcdef0123456789abcdef', body)
      assert.equal(res.status, 404)
      assert.equal(res.body.error.message, 'Could not find role: 0123456789abcdef0123456789abcdef.')
    }
  })

  test('immutable roles cannot change until the option is cleared', async () => {
    const role = await newRole({ name: 'frozen', options: { immutable: true } })
    assert.deepEqual(role.options, { immutable: true })
    const upd = await call('PATCH', `/roles/${role.id}`, { role: { name: 'thawed' } })
    assert.equal(upd.status, 403)
    assert.match(upd.body.error.message, /^Unable to update immutable role resource/)
    assert.equal((await call('DELETE', `/roles/${role.id}`)).status, 403)
    const clear = await call('PATCH', `/roles/${role.id}`, {
      role: { options: { immutable: null } },
    })
    assert.equal(clear.status, 200)
    assert.deepEqual(clear.body.role.options, {})
    assert.equal((await call('DELETE', `/roles/${role.id}`)).status, 204)
  })

  test('only admin may manage roles', async () => {
    const project = await fx.project('default')
    const userId = await fx.user('default', 'pw-member', 'plain-user')
    const member = (await call('GET', '/roles?name=member')).body.roles[0].id
    assert.equal(
      (await call('PUT', `/projects/${project}/users/${userId}/roles/${member}`)).status,
      204,
    )
    const rows = await cloud.identity.ctx.db
      .selectFrom('projects')
      .select('name')
      .where('id', '=', project)
      .executeTakeFirstOrThrow()
    const token = await cloud.token('plain-user', 'pw-member', rows.name)
    for (const [m, path, body] of [
      ['POST', '/roles', { role: { name: 'nope' } }],
      ['GET', '/roles'],
      ['GET', `/roles/${member}`],
      ['DELETE', `/roles/${member}`],
      ['GET', '/role_inferences'],
      ['PUT', `/roles/${member}/implies/${member}`],
    ] as const) {
      const res = await call(m, path, body, token)
      assert.equal(res.status, 403, `${m} ${path}`)
    }
  })

  test('implied roles: create, check, show, list, delete', async () => {
    const a = await newRole({ name: 'imp-a' })
    const b = await newRole({ name: 'imp-b' })
    const c = await newRole({ name: 'imp-c' })
    const put = await call('PUT', `/roles/${a.id}/implies/${b.id}`)
    assert.equal(put.status, 201)
    const base = `http://localhost:80${V3}`
    assert.deepEqual(put.body, {
      role_inference: {
        prior_role: { id: a.id, links: { self: `${base}/roles/${a.id}` }, name: 'imp-a' },
        implies: { id: b.id, links: { self: `${base}/roles/${b.id}` }, name: 'imp-b' },
      },
      links: { self: `${base}/roles/${a.id}/implies/${b.id}` },
    })
    assert.equal((await call('PUT', `/roles/${a.id}/implies/${b.id}`)).status, 409)
    assert.equal((await call('PUT', `/roles/${a.id}/implies/${c.id}`)).status, 201)
    assert.equal((await call('PUT', `/roles/${c.id}/implies/${b.id}`)).status, 201)
    const show = await call('GET', `/roles/${a.id}/implies/${b.id}`)
    assert.deepEqual(show.body, put.body)
    assert.equal((await call('HEAD', `/roles/${a.id}/implies/${b.id}`)).status, 204)
    const list = await call('GET', `/roles/${a.id}/implies`)
    assert.deepEqual(
      list.body.role_inference.implies.map((r: { id: string }) => r.id).sort(),
      [b.id, c.id].sort(),
    )
    assert.equal(list.body.links.self, `${base}/roles/${a.id}/implies`)
    const all = await call('GET', '/role_inferences')
    const mine = all.body.role_inferences.find(
      (i: { prior_role: { id: string } }) => i.prior_role.id === a.id,
    )
    assert.equal(mine.implies.length, 2)
    assert.ok(
      all.body.role_inferences.some(
        (i: { prior_role: { name: string } }) => i.prior_role.name === 'admin',
      ),
    )

    assert.equal((await call('DELETE', `/roles/${a.id}/implies/${b.id}`)).status, 204)
    const gone = await call('GET', `/roles/${a.id}/implies/${b.id}`)
    assert.equal(gone.status, 404)
    assert.equal(gone.body.error.message, `${a.id} does not imply ${b.id}.`)
    assert.equal((await call('HEAD', `/roles/${a.id}/implies/${b.id}`)).status, 404)
    assert.equal((await call('DELETE', `/roles/${a.id}/implies/${b.id}`)).status, 404)
    assert.equal(
      (await call('PUT', `/roles/${a.id}/implies/ffffffffffffffffffffffffffffffff`)).status,
      404,
    )
    assert.equal((await call('GET', '/roles/ffffffffffffffffffffffffffffffff/implies')).status, 404)

    // Deleting a role removes the rules it is part of.
    assert.equal((await call('DELETE', `/roles/${c.id}`)).status, 204)
    const after = await call('GET', `/roles/${a.id}/implies`)
    assert.deepEqual(after.body.role_inference.implies, [])
  })

  test('implied roles across domains: domain may imply global, never the reverse; nothing implies admin', async () => {
    const d = await fx.domain()
    const d2 = await fx.domain()
    const dr1 = await newRole({ name: 'dr1', domain_id: d })
    const dr2 = await newRole({ name: 'dr2', domain_id: d2 })
    const g = await newRole({ name: 'glob' })
    assert.equal((await call('PUT', `/roles/${dr1.id}/implies/${dr2.id}`)).status, 201)
    assert.equal((await call('PUT', `/roles/${dr1.id}/implies/${g.id}`)).status, 201)
    const rev = await call('PUT', `/roles/${g.id}/implies/${dr1.id}`)
    assert.equal(rev.status, 403)
    assert.equal(rev.body.error.message, 'Global role cannot imply a domain-specific role')
    const adminRole = (await call('GET', '/roles?name=admin')).body.roles[0]
    const toAdmin = await call('PUT', `/roles/${g.id}/implies/${adminRole.id}`)
    assert.equal(toAdmin.status, 403)
    assert.equal(toAdmin.body.error.message, `${adminRole.id} cannot be an implied roles.`)
  })
})
