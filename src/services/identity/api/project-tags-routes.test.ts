import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { createTestCloud, type TestCloud } from '../testing.js'
import { addUser, AssignmentType, grant, makeProject, tokenFor } from './resource-fixtures.js'

const V3 = '/identity/v3'

describe('identity project tags', () => {
  let cloud: TestCloud
  let admin: string
  before(async () => {
    cloud = await createTestCloud()
    admin = await cloud.adminToken()
  })
  after(async () => {
    await cloud.close()
  })

  test('add, check, replace, list, delete one, delete all', async () => {
    const id = await makeProject(cloud, admin, { name: 'tagged' })
    const base = `${V3}/projects/${id}/tags`
    const put = await cloud.request('PUT', `${base}/first`, { token: admin, body: {} })
    assert.equal(put.status, 201)
    assert.equal(put.body, undefined)
    assert.ok(String(put.headers['location']).endsWith(`/identity/v3/projects/${id}/tags/first`))
    assert.equal((await cloud.request('GET', `${base}/first`, { token: admin })).status, 204)
    assert.equal((await cloud.request('HEAD', `${base}/first`, { token: admin })).status, 204)

    const all = await cloud.request('PUT', base, { token: admin, body: { tags: ['x', 'y', 'z'] } })
    assert.equal(all.status, 200)
    assert.deepEqual(all.body.tags, ['x', 'y', 'z'])
    assert.ok(all.body.links.self.endsWith(base))
    assert.deepEqual((await cloud.request('GET', base, { token: admin })).body.tags, [
      'x',
      'y',
      'z',
    ])

    assert.equal((await cloud.request('DELETE', `${base}/x`, { token: admin })).status, 204)
    const gone = await cloud.request('GET', `${base}/x`, { token: admin })
    assert.equal(gone.status, 404)
    assert.equal(gone.body.error.message, 'Could not find project tag: x.')
    assert.equal((await cloud.request('DELETE', `${base}/x`, { token: admin })).status, 404)

    assert.equal((await cloud.request('DELETE', base, { token: admin })).status, 204)
    assert.deepEqual((await cloud.request('GET', base, { token: admin })).body.tags, [])
  })

  test('bad input: invalid or repeated tags 400, unknown project 404, non-admin writes 403', async () => {
    const id = await makeProject(cloud, admin, { name: 'tag-bad' })
    const base = `${V3}/projects/${id}/tags`
    assert.equal(
      (await cloud.request('PUT', base, { token: admin, body: { tags: ['a', 'a'] } })).status,
      400,
    )
    assert.equal(
      (await cloud.request('PUT', base, { token: admin, body: { tags: ['a,b'] } })).status,
      400,
    )
    assert.equal(
      (
        await cloud.request('PUT', base, {
          token: admin,
          body: { tags: Array.from({ length: 81 }, (_, i) => `t${i}`) },
        })
      ).status,
      400,
    )
    assert.equal(
      (await cloud.request('PUT', base, { token: admin, body: { tags: 'a' } })).status,
      400,
    )
    assert.equal((await cloud.request('PUT', `${base}/a,b`, { token: admin })).status, 400)
    assert.equal(
      (await cloud.request('PUT', `${base}/${'t'.repeat(256)}`, { token: admin })).status,
      400,
    )
    assert.equal((await cloud.request('PUT', `${base}/once`, { token: admin })).status, 201)
    assert.equal((await cloud.request('PUT', `${base}/once`, { token: admin })).status, 400)
    const missing = `${V3}/projects/${'d'.repeat(32)}/tags`
    assert.equal((await cloud.request('GET', missing, { token: admin })).status, 404)
    assert.equal((await cloud.request('PUT', `${missing}/t`, { token: admin })).status, 404)

    const uid = await addUser(cloud, 'tag-user', 'pw-5')
    await grant(cloud, AssignmentType.UserProject, uid, id, 'member')
    const tok = await tokenFor(cloud, uid, 'pw-5', { project: id })
    assert.equal((await cloud.request('GET', `${base}/once`, { token: tok })).status, 204)
    assert.equal((await cloud.request('PUT', `${base}/mine`, { token: tok })).status, 403)
    assert.equal((await cloud.request('PUT', base, { token: tok, body: { tags: [] } })).status, 403)
    assert.equal((await cloud.request('DELETE', `${base}/once`, { token: tok })).status, 403)
    assert.equal((await cloud.request('DELETE', base, { token: tok })).status, 403)
  })

  test('list filters: tags, tags-any, not-tags, not-tags-any', async () => {
    const ab = await makeProject(cloud, admin, { name: 'f-ab', tags: ['fa', 'fb'] })
    const a = await makeProject(cloud, admin, { name: 'f-a', tags: ['fa'] })
    const c = await makeProject(cloud, admin, { name: 'f-c', tags: ['fc'] })
    const list = async (q: string) => {
      const res = await cloud.request('GET', `${V3}/projects?${q}`, { token: admin })
      assert.equal(res.status, 200)
      return (res.body.projects as { id: string }[])
        .map((p) => p.id)
        .filter((id) => [ab, a, c].includes(id))
        .sort()
    }
    assert.deepEqual(await list('tags=fa,fb'), [ab])
    assert.deepEqual(await list('tags-any=fb,fc'), [ab, c].sort())
    assert.deepEqual(await list('not-tags=fa,fb'), [a, c].sort())
    assert.deepEqual(await list('not-tags-any=fa'), [c])
    assert.deepEqual(await list('tags=fa&not-tags-any=fb'), [a])
  })
})
