import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { createTestCloud, type TestCloud } from '../testing.js'

const V3 = '/identity/v3'

type Entity = { id: string; [key: string]: unknown }

describe('identity groups', () => {
  let cloud: TestCloud
  let admin: string
  before(async () => {
    cloud = await createTestCloud()
    admin = await cloud.adminToken()
  })
  after(async () => {
    await cloud.close()
  })

  const newGroup = async (group: Record<string, unknown>): Promise<Entity> => {
    const res = await cloud.request('POST', `${V3}/groups`, { token: admin, body: { group } })
    assert.equal(res.status, 201)
    return res.body.group as Entity
  }
  const newUser = async (name: string): Promise<Entity> => {
    const res = await cloud.request('POST', `${V3}/users`, {
      token: admin,
      body: { user: { name, password: `pw-${name}`, email: `${name}@x` } },
    })
    return res.body.user as Entity
  }

  test('create, show, update, list with filters', async () => {
    const g = await newGroup({ name: 'devs', description: 'Developers' })
    assert.deepEqual(Object.keys(g).sort(), ['description', 'domain_id', 'id', 'links', 'name'])
    assert.equal(g.domain_id, 'default')
    const bare = await newGroup({ name: 'bare' })
    assert.equal(bare.description, '')
    assert.deepEqual(
      (await cloud.request('GET', `${V3}/groups/${g.id}`, { token: admin })).body.group,
      g,
    )
    const upd = await cloud.request('PATCH', `${V3}/groups/${g.id}`, {
      token: admin,
      body: { group: { name: 'devs2' } },
    })
    assert.equal(upd.status, 200)
    assert.equal(upd.body.group.name, 'devs2')
    assert.equal(upd.body.group.description, 'Developers')
    const list = async (qs: string): Promise<string[]> =>
      (
        (await cloud.request('GET', `${V3}/groups?${qs}`, { token: admin })).body.groups as Array<{
          name: string
        }>
      )
        .map((x) => x.name)
        .sort()
    assert.deepEqual(await list('name=devs2'), ['devs2'])
    assert.deepEqual(await list('domain_id=default'), ['bare', 'devs2'])
    assert.deepEqual(await list('name__startswith=dev'), ['devs2'])
    assert.deepEqual(await list('domain_id=other'), [])
  })

  test('bad input and conflicts', async () => {
    await newGroup({ name: 'ops' })
    const dup = await cloud.request('POST', `${V3}/groups`, {
      token: admin,
      body: { group: { name: 'ops' } },
    })
    assert.equal(dup.status, 409)
    assert.equal(
      dup.body.error.message,
      'Conflict occurred attempting to store group - Duplicate entry found with name ops at domain ID default.',
    )
    assert.equal(
      (await cloud.request('POST', `${V3}/groups`, { token: admin, body: { group: {} } })).status,
      400,
    )
    assert.equal(
      (
        await cloud.request('POST', `${V3}/groups`, {
          token: admin,
          body: { group: { name: 'x', domain_id: 'nope' } },
        })
      ).status,
      404,
    )
    assert.equal((await cloud.request('GET', `${V3}/groups/nope`, { token: admin })).status, 404)
    const g = await newGroup({ name: 'ops2' })
    assert.equal(
      (
        await cloud.request('PATCH', `${V3}/groups/${g.id}`, {
          token: admin,
          body: { group: { name: 'ops' } },
        })
      ).status,
      409,
    )
    assert.equal(
      (
        await cloud.request('PATCH', `${V3}/groups/${g.id}`, {
          token: admin,
          body: { group: { domain_id: 'x' } },
        })
      ).status,
      400,
    )
    assert.equal(
      (await cloud.request('PATCH', `${V3}/groups/${g.id}`, { token: admin, body: { group: {} } }))
        .status,
      400,
    )
  })

  test('membership: add, check (GET and HEAD), list both ways, remove revokes tokens', async () => {
    const g = await newGroup({ name: 'team' })
    const u = await newUser('kim')
    const put = await cloud.request('PUT', `${V3}/groups/${g.id}/users/${u.id}`, { token: admin })
    assert.equal(put.status, 204)
    assert.equal(
      (await cloud.request('PUT', `${V3}/groups/${g.id}/users/${u.id}`, { token: admin })).status,
      204,
    )
    assert.equal(
      (await cloud.request('HEAD', `${V3}/groups/${g.id}/users/${u.id}`, { token: admin })).status,
      204,
    )
    assert.equal(
      (await cloud.request('GET', `${V3}/groups/${g.id}/users/${u.id}`, { token: admin })).status,
      204,
    )
    const users = await cloud.request('GET', `${V3}/groups/${g.id}/users`, { token: admin })
    assert.deepEqual(users.body.users, [u])
    const token = await cloud.token('kim', 'pw-kim')
    const mine = await cloud.request('GET', `${V3}/users/${u.id}/groups`, { token })
    assert.equal(mine.status, 200)
    assert.deepEqual(mine.body.groups, [{ ...g, membership_expires_at: null }])
    assert.equal(
      (await cloud.request('DELETE', `${V3}/groups/${g.id}/users/${u.id}`, { token: admin }))
        .status,
      204,
    )
    assert.equal((await cloud.request('GET', `${V3}/users/${u.id}/groups`, { token })).status, 401)
    const gone = await cloud.request('HEAD', `${V3}/groups/${g.id}/users/${u.id}`, { token: admin })
    assert.equal(gone.status, 404)
    const again = await cloud.request('DELETE', `${V3}/groups/${g.id}/users/${u.id}`, {
      token: admin,
    })
    assert.equal(again.status, 404)
    assert.equal(again.body.error.message, `User '${u.id}' not found in group '${g.id}'`)
    assert.equal(
      (await cloud.request('PUT', `${V3}/groups/${g.id}/users/nope`, { token: admin })).status,
      404,
    )
    assert.equal(
      (await cloud.request('PUT', `${V3}/groups/nope/users/${u.id}`, { token: admin })).status,
      404,
    )
    assert.equal(
      (await cloud.request('GET', `${V3}/groups/nope/users`, { token: admin })).status,
      404,
    )
    assert.equal(
      (await cloud.request('GET', `${V3}/users/nope/groups`, { token: admin })).status,
      404,
    )
  })

  test('delete removes memberships and role assignments', async () => {
    const g = await newGroup({ name: 'temp' })
    const u = await newUser('lee')
    await cloud.request('PUT', `${V3}/groups/${g.id}/users/${u.id}`, { token: admin })
    const role = await cloud.database.db
      .selectFrom('roles')
      .select('id')
      .where('name', '=', 'member')
      .executeTakeFirstOrThrow()
    await cloud.database.db
      .insertInto('assignments')
      .values({
        type: 'GroupProject',
        actor_id: g.id,
        target_id: 'p',
        role_id: role.id,
        inherited: 0,
      })
      .execute()
    assert.equal(
      (await cloud.request('DELETE', `${V3}/groups/${g.id}`, { token: admin })).status,
      204,
    )
    assert.equal((await cloud.request('GET', `${V3}/groups/${g.id}`, { token: admin })).status, 404)
    assert.equal(
      (
        await cloud.database.db
          .selectFrom('assignments')
          .selectAll()
          .where('actor_id', '=', g.id)
          .execute()
      ).length,
      0,
    )
    assert.equal(
      (
        await cloud.database.db
          .selectFrom('group_memberships')
          .selectAll()
          .where('group_id', '=', g.id)
          .execute()
      ).length,
      0,
    )
    assert.equal(
      (await cloud.request('DELETE', `${V3}/groups/${g.id}`, { token: admin })).status,
      404,
    )
  })

  test('policy: a non-admin may only list its own groups', async () => {
    const u = await newUser('max')
    const other = await newUser('ned')
    const token = await cloud.token('max', 'pw-max')
    assert.equal((await cloud.request('GET', `${V3}/groups`, { token })).status, 403)
    assert.equal(
      (await cloud.request('POST', `${V3}/groups`, { token, body: { group: { name: 'x' } } }))
        .status,
      403,
    )
    assert.equal(
      (await cloud.request('GET', `${V3}/users/${other.id}/groups`, { token })).status,
      403,
    )
    assert.equal((await cloud.request('GET', `${V3}/users/${u.id}/groups`, { token })).status, 200)
  })
})
