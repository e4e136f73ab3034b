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
const ids = (list: { id: string }[]): string[] => list.map((p) => p.id)

describe('identity projects', () => {
  let cloud: TestCloud
  let admin: string
  before(async () => {
    cloud = await createTestCloud()
    admin = await cloud.adminToken()
  })
  after(async () => {
    await cloud.close()
  })

  test('create in the default domain; show equals list entry; update; delete', async () => {
    const res = await cloud.request('POST', `${V3}/projects`, {
      token: admin,
      body: { project: { name: ' p1 ', tags: ['a', 'c', 'b'] } },
    })
    assert.equal(res.status, 201)
    const p = res.body.project
    assert.equal(p.name, 'p1')
    assert.equal(p.domain_id, 'default')
    assert.equal(p.parent_id, 'default')
    assert.equal(p.is_domain, false)
    assert.equal(p.enabled, true)
    assert.equal(p.description, '')
    assert.deepEqual([...p.tags].sort(), ['a', 'b', 'c'])
    assert.deepEqual(p.options, {})
    const shown = (await cloud.request('GET', `${V3}/projects/${p.id}`, { token: admin })).body
      .project
    const listed = (
      await cloud.request('GET', `${V3}/projects`, { token: admin })
    ).body.projects.find((x: { id: string }) => x.id === p.id)
    assert.deepEqual(shown, listed)

    const upd = await cloud.request('PATCH', `${V3}/projects/${p.id}`, {
      token: admin,
      body: { project: { name: 'p1b', description: 'd', enabled: false, tags: ['z'] } },
    })
    assert.equal(upd.status, 200)
    assert.deepEqual(
      [
        upd.body.project.name,
        upd.body.project.description,
        upd.body.project.enabled,
        upd.body.project.tags,
      ],
      ['p1b', 'd', false, ['z']],
    )
    assert.equal(
      (await cloud.request('DELETE', `${V3}/projects/${p.id}`, { token: admin })).status,
      204,
    )
    assert.equal(
      (await cloud.request('GET', `${V3}/projects/${p.id}`, { token: admin })).status,
      404,
    )
  })

  test('hierarchy: parent in the same domain, leaf-only delete, enable/disable rules', async () => {
    const did = await makeDomain(cloud, admin, { name: 'h-dom' })
    const root = await makeProject(cloud, admin, { name: 'root', domain_id: did })
    const kid = await makeProject(cloud, admin, { name: 'kid', domain_id: did, parent_id: root })
    const shown = (await cloud.request('GET', `${V3}/projects/${kid}`, { token: admin })).body
      .project
    assert.equal(shown.parent_id, root)
    const byParent = await cloud.request('GET', `${V3}/projects?parent_id=${root}`, {
      token: admin,
    })
    assert.deepEqual(ids(byParent.body.projects), [kid])
    const roots = await cloud.request('GET', `${V3}/projects?domain_id=${did}&parent_id=${did}`, {
      token: admin,
    })
    assert.deepEqual(ids(roots.body.projects), [root])

    const ids1 = await cloud.request('GET', `${V3}/projects/${kid}?parents_as_ids`, {
      token: admin,
    })
    assert.deepEqual(ids1.body.project.parents, { [root]: { [did]: null } })
    const sub = await cloud.request('GET', `${V3}/projects/${root}?subtree_as_ids`, {
      token: admin,
    })
    assert.deepEqual(sub.body.project.subtree, { [kid]: null })
    const both = await cloud.request(
      'GET',
      `${V3}/projects/${root}?subtree_as_ids&subtree_as_list`,
      { token: admin },
    )
    assert.equal(both.status, 400)

    const del = await cloud.request('DELETE', `${V3}/projects/${root}`, { token: admin })
    assert.equal(del.status, 403)
    assert.match(del.body.error.message, /not a leaf in the hierarchy/)
    const dis = await cloud.request('PATCH', `${V3}/projects/${root}`, {
      token: admin,
      body: { project: { enabled: false } },
    })
    assert.equal(dis.status, 403)
    assert.equal(
      (
        await cloud.request('PATCH', `${V3}/projects/${kid}`, {
          token: admin,
          body: { project: { enabled: false } },
        })
      ).status,
      200,
    )
    assert.equal(
      (
        await cloud.request('PATCH', `${V3}/projects/${root}`, {
          token: admin,
          body: { project: { enabled: false } },
        })
      ).status,
      200,
    )
    const en = await cloud.request('PATCH', `${V3}/projects/${kid}`, {
      token: admin,
      body: { project: { enabled: true } },
    })
    assert.equal(en.status, 403)
    const inDisabled = await cloud.request('POST', `${V3}/projects`, {
      token: admin,
      body: { project: { name: 'x', domain_id: did, parent_id: root } },
    })
    assert.equal(inDisabled.status, 400)

    const other = await makeDomain(cloud, admin, { name: 'h-other' })
    const cross = await cloud.request('POST', `${V3}/projects`, {
      token: admin,
      body: { project: { name: 'x', domain_id: other, parent_id: kid } },
    })
    assert.equal(cross.status, 400)
    const change = (project: unknown) =>
      cloud.request('PATCH', `${V3}/projects/${kid}`, { token: admin, body: { project } })
    assert.equal((await change({ parent_id: other })).status, 403)
    assert.equal((await change({ domain_id: other })).status, 400)
    assert.equal((await change({ is_domain: true })).status, 400)
    assert.equal((await change({ id: 'abc' })).status, 400)
    assert.equal((await change({})).status, 400)
  })

  test('hierarchy depth is capped at 5 levels below the domain (403 beyond)', async () => {
    const did = await makeDomain(cloud, admin, { name: 'deep-dom' })
    let parent = did
    for (let level = 1; level <= 5; level++) {
      parent = await makeProject(cloud, admin, {
        name: `lvl${level}`,
        domain_id: did,
        parent_id: parent,
      })
    }
    const tooDeep = await cloud.request('POST', `${V3}/projects`, {
      token: admin,
      body: { project: { name: 'lvl6', domain_id: did, parent_id: parent } },
    })
    assert.equal(tooDeep.status, 403)
    assert.equal(tooDeep.body.error.message, `Max hierarchy depth reached for ${parent} branch.`)
  })

  test('is_domain=true makes a domain that both APIs show, and the projects API can disable and delete', async () => {
    const res = await cloud.request('POST', `${V3}/projects`, {
      token: admin,
      body: { project: { name: 'proj-dom', domain_id: null, is_domain: true } },
    })
    assert.equal(res.status, 201)
    const p = res.body.project
    assert.deepEqual([p.is_domain, p.domain_id, p.parent_id], [true, null, null])
    const asProjects = await cloud.request('GET', `${V3}/projects?is_domain=true`, { token: admin })
    assert.ok(ids(asProjects.body.projects).includes(p.id))
    assert.ok(ids(asProjects.body.projects).includes('default'))
    const plain = await cloud.request('GET', `${V3}/projects`, { token: admin })
    assert.ok(!ids(plain.body.projects).includes(p.id))
    const domains = await cloud.request('GET', `${V3}/domains`, { token: admin })
    assert.ok(ids(domains.body.domains).includes(p.id))
    assert.equal(
      (await cloud.request('DELETE', `${V3}/projects/${p.id}`, { token: admin })).status,
      403,
    )
    assert.equal(
      (
        await cloud.request('PATCH', `${V3}/projects/${p.id}`, {
          token: admin,
          body: { project: { enabled: false } },
        })
      ).status,
      200,
    )
    assert.equal(
      (await cloud.request('DELETE', `${V3}/projects/${p.id}`, { token: admin })).status,
      204,
    )
    assert.equal(
      (await cloud.request('GET', `${V3}/domains/${p.id}`, { token: admin })).status,
      404,
    )
    const withParent = await cloud.request('POST', `${V3}/projects`, {
      token: admin,
      body: { project: { name: 'pd2', is_domain: true, parent_id: 'default' } },
    })
    assert.equal(withParent.status, 400)
  })

  test('bad input: 400 names and unknown domain, 409 duplicate, 404 unknown project', async () => {
    const post = (project: unknown) =>
      cloud.request('POST', `${V3}/projects`, { token: admin, body: { project } })
    assert.equal((await post({ name: '' })).status, 400)
    assert.equal((await post({ name: 'a'.repeat(65) })).status, 400)
    assert.equal((await post({ name: 'x', enabled: 'true' })).status, 400)
    assert.equal((await post({ name: 'x', tags: ['a/b'] })).status, 400)
    assert.equal((await post({ name: 'x', options: { bogus: true } })).status, 400)
    const nodom = await post({ name: 'x', domain_id: 'nope' })
    assert.equal(nodom.status, 400)
    assert.equal(nodom.body.error.message, 'Could not find domain: nope.')
    assert.equal((await post({ name: 'x', parent_id: 'nope' })).status, 400)
    assert.equal((await post({ name: 'dup-p' })).status, 201)
    const dup = await post({ name: 'dup-p' })
    assert.equal(dup.status, 409)
    assert.match(
      dup.body.error.message,
      /^Conflict occurred attempting to store project - it is not permitted to have two projects with either the same name or same id in the same domain: name is dup-p, project id [0-9a-f]{32}\.$/,
    )
    const missing = 'e'.repeat(32)
    const del = await cloud.request('DELETE', `${V3}/projects/${missing}`, { token: admin })
    assert.equal(del.status, 404)
    assert.equal(del.body.error.message, `Could not find project: ${missing}.`)
    assert.equal(
      (
        await cloud.request('PATCH', `${V3}/projects/${missing}`, {
          token: admin,
          body: { project: { name: 'y' } },
        })
      ).status,
      404,
    )
  })

  test('immutable projects refuse changes until the option is cleared', async () => {
    const id = await makeProject(cloud, admin, { name: 'frozen', options: { immutable: true } })
    assert.equal(
      (
        await cloud.request('PATCH', `${V3}/projects/${id}`, {
          token: admin,
          body: { project: { name: 'thawed' } },
        })
      ).status,
      403,
    )
    assert.equal(
      (await cloud.request('DELETE', `${V3}/projects/${id}`, { token: admin })).status,
      403,
    )
    assert.equal(
      (await cloud.request('PUT', `${V3}/projects/${id}/tags/t`, { token: admin })).status,
      403,
    )
    const clear = await cloud.request('PATCH', `${V3}/projects/${id}`, {
      token: admin,
      body: { project: { options: { immutable: false } } },
    })
    assert.equal(clear.status, 200)
    assert.deepEqual(clear.body.project.options, { immutable: false })
    assert.equal(
      (await cloud.request('DELETE', `${V3}/projects/${id}`, { token: admin })).status,
      204,
    )
  })

  test('non-admin: 403 on list/create/update/delete, own project readable, tokens die with their project', async () => {
    const uid = await addUser(cloud, 'p-user', 'pw-3')
    const mine = await makeProject(cloud, admin, { name: 'p-user-proj' })
    const theirs = await makeProject(cloud, admin, { name: 'p-user-other' })
    await grant(cloud, AssignmentType.UserProject, uid, mine, 'member')
    const tok = await tokenFor(cloud, uid, 'pw-3', { project: mine })
    assert.equal((await cloud.request('GET', `${V3}/projects`, { token: tok })).status, 403)
    assert.equal(
      (
        await cloud.request('POST', `${V3}/projects`, {
          token: tok,
          body: { project: { name: 'n' } },
        })
      ).status,
      403,
    )
    assert.equal(
      (
        await cloud.request('PATCH', `${V3}/projects/${mine}`, {
          token: tok,
          body: { project: { name: 'n' } },
        })
      ).status,
      403,
    )
    assert.equal(
      (await cloud.request('DELETE', `${V3}/projects/${theirs}`, { token: tok })).status,
      403,
    )
    assert.equal((await cloud.request('GET', `${V3}/projects/${mine}`, { token: tok })).status, 200)
    assert.equal(
      (await cloud.request('GET', `${V3}/projects/${mine}/tags`, { token: tok })).status,
      200,
    )
    assert.equal(
      (await cloud.request('GET', `${V3}/projects/${theirs}`, { token: tok })).status,
      403,
    )

    const check = () =>
      cloud.request('GET', `${V3}/auth/tokens`, {
        token: admin,
        headers: { 'x-subject-token': tok },
      })
    assert.equal((await check()).status, 200)
    assert.equal(
      (await cloud.request('DELETE', `${V3}/projects/${mine}`, { token: admin })).status,
      204,
    )
    assert.equal((await check()).status, 404)
    const left = await cloud.database.db
      .selectFrom('assignments')
      .selectAll()
      .where('target_id', '=', mine)
      .execute()
    assert.equal(left.length, 0)
  })

  test('GET /users/{id}/projects: direct, group and inherited grants; self or admin only', async () => {
    const uid = await addUser(cloud, 'up-user', 'pw-4')
    const did = await makeDomain(cloud, admin, { name: 'up-dom' })
    const direct = await makeProject(cloud, admin, { name: 'up-direct' })
    const viaGroup = await makeProject(cloud, admin, { name: 'up-group' })
    const inherited = await makeProject(cloud, admin, { name: 'up-inh', domain_id: did })
    await makeProject(cloud, admin, { name: 'up-none' })
    await cloud.database.db
      .insertInto('groups')
      .values({
        id: 'a1'.repeat(16),
        domain_id: 'default',
        name: 'up-g',
        description: '',
        extra: '{}',
      })
      .execute()
    await cloud.database.db
      .insertInto('group_memberships')
      .values({ user_id: uid, group_id: 'a1'.repeat(16) })
      .execute()
    await grant(cloud, AssignmentType.UserProject, uid, direct, 'reader')
    await grant(cloud, AssignmentType.GroupProject, 'a1'.repeat(16), viaGroup, 'member')
    await grant(cloud, AssignmentType.UserDomain, uid, did, 'member', true)

    const tok = await tokenFor(cloud, uid, 'pw-4', { project: direct })
    const res = await cloud.request('GET', `${V3}/users/${uid}/projects`, { token: tok })
    assert.equal(res.status, 200)
    assert.deepEqual(ids(res.body.projects).sort(), [direct, viaGroup, inherited].sort())
    const filtered = await cloud.request('GET', `${V3}/users/${uid}/projects?domain_id=${did}`, {
      token: admin,
    })
    assert.deepEqual(ids(filtered.body.projects), [inherited])
    const adminId = (
      await cloud.request('GET', `${V3}/auth/tokens`, {
        token: admin,
        headers: { 'x-subject-token': admin },
      })
    ).body.token.user.id
    assert.equal(
      (await cloud.request('GET', `${V3}/users/${adminId}/projects`, { token: tok })).status,
      403,
    )
    assert.equal(
      (await cloud.request('GET', `${V3}/users/${'0'.repeat(32)}/projects`, { token: admin }))
        .status,
      404,
    )
  })
})
