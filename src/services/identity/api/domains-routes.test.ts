import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { createTestCloud, type TestCloud } from '../testing.js'
import {
  addUser,
  AssignmentType,
  grant,
  makeDomain,
  makeProject,
  tokenFor,
} from './resource-fixtures.js'

const V3 = '/identity/v3'

describe('identity domains', () => {
  let cloud: TestCloud
  let admin: string
  before(async () => {
    cloud = await createTestCloud()
    admin = await cloud.adminToken()
  })
  after(async () => {
    await cloud.close()
  })

  test('create, show, list with filters, update, delete', async () => {
    const created = await cloud.request('POST', `${V3}/domains`, {
      token: admin,
      body: { domain: { name: 'd-crud', description: 'first', color: 'red' } },
    })
    assert.equal(created.status, 201)
    const d = created.body.domain
    assert.match(d.id, /^[0-9a-f]{32}$/)
    assert.deepEqual(
      { ...d, id: undefined, links: undefined },
      {
        id: undefined,
        links: undefined,
        name: 'd-crud',
        description: 'first',
        enabled: true,
        tags: [],
        options: {},
        color: 'red',
      },
    )
    assert.ok(d.links.self.endsWith(`/identity/v3/domains/${d.id}`))

    const shown = await cloud.request('GET', `${V3}/domains/${d.id}`, { token: admin })
    assert.deepEqual(shown.body.domain, d)

    const byName = await cloud.request('GET', `${V3}/domains?name=d-crud`, { token: admin })
    assert.deepEqual(
      byName.body.domains.map((x: { id: string }) => x.id),
      [d.id],
    )
    assert.ok(byName.body.links.self.endsWith('/identity/v3/domains?name=d-crud'))

    const upd = await cloud.request('PATCH', `${V3}/domains/${d.id}`, {
      token: admin,
      body: { domain: { name: 'd-crud2', description: 'x', enabled: false } },
    })
    assert.equal(upd.status, 200)
    assert.equal(upd.body.domain.name, 'd-crud2')
    assert.equal(upd.body.domain.enabled, false)
    assert.equal(upd.body.domain.color, 'red')

    const enabled = await cloud.request('GET', `${V3}/domains?enabled=true`, { token: admin })
    assert.ok(enabled.body.domains.every((x: { enabled: boolean }) => x.enabled))
    assert.ok(enabled.body.domains.some((x: { id: string }) => x.id === 'default'))
    const disabled = await cloud.request('GET', `${V3}/domains?enabled=false`, { token: admin })
    assert.deepEqual(
      disabled.body.domains.map((x: { id: string }) => x.id),
      [d.id],
    )

    assert.equal(
      (await cloud.request('DELETE', `${V3}/domains/${d.id}`, { token: admin })).status,
      204,
    )
    assert.equal(
      (await cloud.request('GET', `${V3}/domains/${d.id}`, { token: admin })).status,
      404,
    )
  })

  test('bad input: 400 for names, 409 duplicate, 403 enabled delete, 404 unknown', async () => {
    const post = (domain: unknown) =>
      cloud.request('POST', `${V3}/domains`, { token: admin, body: { domain } })
    assert.equal((await post({ name: '' })).status, 400)
    assert.equal((await post({ name: 'a'.repeat(65) })).status, 400)
    assert.equal((await post({ name: '   ' })).status, 400)
    assert.equal((await post({ description: 'no name' })).status, 400)
    assert.equal((await post({ name: 'x', enabled: 'yes' })).status, 400)
    assert.equal((await post({ name: 'x', tags: ['a', 'a'] })).status, 400)
    assert.equal((await post({ name: 'x', explicit_domain_id: 'not-a-uuid' })).status, 400)
    assert.equal((await cloud.request('POST', `${V3}/domains`, { token: admin })).status, 400)
    assert.equal((await post({ name: 'a'.repeat(64) })).status, 201)

    assert.equal((await post({ name: 'dup' })).status, 201)
    const dup = await post({ name: 'dup' })
    assert.equal(dup.status, 409)
    assert.equal(
      dup.body.error.message,
      'Conflict occurred attempting to store project - it is not permitted to have two projects acting as domains with the same name: dup.',
    )
    const other = await makeDomain(cloud, admin, { name: 'dup-other' })
    assert.equal(
      (
        await cloud.request('PATCH', `${V3}/domains/${other}`, {
          token: admin,
          body: { domain: { name: 'dup' } },
        })
      ).status,
      409,
    )
    assert.equal(
      (
        await cloud.request('PATCH', `${V3}/domains/${other}`, {
          token: admin,
          body: { domain: {} },
        })
      ).status,
      400,
    )

    const del = await cloud.request('DELETE', `${V3}/domains/${other}`, { token: admin })
    assert.equal(del.status, 403)
    assert.equal(
      del.body.error.message,
      'Cannot delete a domain that is enabled, please disable it first.',
    )

    const missing = 'f'.repeat(32)
    const gone = await cloud.request('DELETE', `${V3}/domains/${missing}`, { token: admin })
    assert.equal(gone.status, 404)
    assert.equal(gone.body.error.message, `Could not find domain: ${missing}.`)
    assert.equal(
      (await cloud.request('GET', `${V3}/domains/${missing}`, { token: admin })).status,
      404,
    )
    assert.equal(
      (
        await cloud.request('PATCH', `${V3}/domains/${missing}`, {
          token: admin,
          body: { domain: { enabled: false } },
        })
      ).status,
      404,
    )
  })

  test('explicit_domain_id is honoured', async () => {
    const id = 'a'.repeat(32)
    assert.equal(await makeDomain(cloud, admin, { name: 'explicit', explicit_domain_id: id }), id)
  })

  test('non-admin: may read own domain only, may not list or change', async () => {
    const uid = await addUser(cloud, 'dom-reader', 'pw-1')
    const pid = await makeProject(cloud, admin, { name: 'dom-reader-p' })
    await grant(cloud, AssignmentType.UserProject, uid, pid, 'member')
    const tok = await tokenFor(cloud, uid, 'pw-1', { project: pid })
    assert.equal((await cloud.request('GET', `${V3}/domains/default`, { token: tok })).status, 200)
    const other = await makeDomain(cloud, admin, { name: 'not-mine' })
    assert.equal((await cloud.request('GET', `${V3}/domains/${other}`, { token: tok })).status, 403)
    assert.equal((await cloud.request('GET', `${V3}/domains`, { token: tok })).status, 403)
    assert.equal(
      (
        await cloud.request('POST', `${V3}/domains`, {
          token: tok,
          body: { domain: { name: 'nope' } },
        })
      ).status,
      403,
    )
    assert.equal(
      (
        await cloud.request('PATCH', `${V3}/domains/${other}`, {
          token: tok,
          body: { domain: { enabled: false } },
        })
      ).status,
      403,
    )
    assert.equal(
      (await cloud.request('DELETE', `${V3}/domains/${other}`, { token: tok })).status,
      403,
    )
    assert.equal((await cloud.request('GET', `${V3}/domains`)).status, 401)
  })

  test('disabling a domain revokes its tokens; deleting it removes everything it owns', async () => {
    const did = await makeDomain(cloud, admin, { name: 'doomed', tags: ['t1'] })
    const pid = await makeProject(cloud, admin, { name: 'p', domain_id: did })
    const child = await makeProject(cloud, admin, { name: 'c', domain_id: did, parent_id: pid })
    const uid = await addUser(cloud, 'doomed-user', 'pw-2', did)
    const db = cloud.database.db
    await db
      .insertInto('groups')
      .values({ id: 'g'.repeat(32), domain_id: did, name: 'grp', description: '', extra: '{}' })
      .execute()
    await db
      .insertInto('group_memberships')
      .values({ user_id: uid, group_id: 'g'.repeat(32) })
      .execute()
    await db
      .insertInto('roles')
      .values({
        id: 'r'.repeat(32),
        name: 'domrole',
        domain_id: did,
        description: '',
        options: '{}',
        extra: '{}',
      })
      .execute()
    await grant(cloud, AssignmentType.UserProject, uid, child, 'member')
    await grant(cloud, AssignmentType.UserDomain, uid, did, 'reader')
    await db
      .insertInto('domain_configs')
      .values({
        domain_id: did,
        group: 'identity',
        option: 'driver',
        value: '"ldap"',
        sensitive: 0,
      })
      .execute()

    const tok = await tokenFor(cloud, uid, 'pw-2', { project: child })
    const check = () =>
      cloud.request('GET', `${V3}/auth/tokens`, {
        token: admin,
        headers: { 'x-subject-token': tok },
      })
    assert.equal((await check()).status, 200)
    assert.equal(
      (
        await cloud.request('PATCH', `${V3}/domains/${did}`, {
          token: admin,
          body: { domain: { enabled: false } },
        })
      ).status,
      200,
    )
    assert.equal((await check()).status, 404)

    assert.equal(
      (await cloud.request('DELETE', `${V3}/domains/${did}`, { token: admin })).status,
      204,
    )
    for (const table of ['projects', 'users', 'groups', 'roles'] as const) {
      assert.equal(
        (await db.selectFrom(table).select('id').where('domain_id', '=', did).execute()).length,
        0,
        table,
      )
    }
    assert.equal(
      (await db.selectFrom('assignments').selectAll().where('actor_id', '=', uid).execute()).length,
      0,
    )
    assert.equal(
      (await db.selectFrom('group_memberships').selectAll().where('user_id', '=', uid).execute())
        .length,
      0,
    )
    assert.equal(
      (await db.selectFrom('domain_configs').selectAll().where('domain_id', '=', did).execute())
        .length,
      0,
    )
    assert.equal(
      (await db.selectFrom('project_tags').selectAll().where('project_id', '=', did).execute())
        .length,
      0,
    )
    assert.equal(
      (await cloud.request('GET', `${V3}/projects/${pid}`, { token: admin })).status,
      404,
    )
  })
})
