import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { after, before, describe, test } from 'node:test'
import { createTestCloud, type TestCloud } from '../testing.js'

const V3 = '/identity/v3'

describe('identity credentials and OS-EC2', () => {
  let cloud: TestCloud
  let admin: string
  let userId: string
  let otherId: string
  let projectId: string
  let token: string
  before(async () => {
    cloud = await createTestCloud()
    admin = await cloud.adminToken()
    const mk = async (name: string) =>
      (
        await cloud.request('POST', `${V3}/users`, {
          token: admin,
          body: { user: { name, password: `pw-${name}` } },
        })
      ).body.user.id as string
    userId = await mk('owner')
    otherId = await mk('other')
    const db = cloud.database.db
    projectId = (
      await db
        .selectFrom('projects')
        .select('id')
        .where('name', '=', 'service')
        .executeTakeFirstOrThrow()
    ).id
    const member = (
      await db
        .selectFrom('roles')
        .select('id')
        .where('name', '=', 'member')
        .executeTakeFirstOrThrow()
    ).id
    for (const actor of [userId, otherId]) {
      await db
        .insertInto('assignments')
        .values({
          type: 'UserProject',
          actor_id: actor,
          target_id: projectId,
          role_id: member,
          inherited: 0,
        })
        .execute()
    }
    token = await cloud.token('owner', 'pw-owner', 'service')
  })
  after(async () => {
    await cloud.close()
  })

  const cred = (body: Record<string, unknown>, t = admin) =>
    cloud.request('POST', `${V3}/credentials`, { token: t, body: { credential: body } })

  test('ec2 credential CRUD through /v3/credentials (id is sha256 of the access key)', async () => {
    const blob = JSON.stringify({ access: 'AK1', secret: 'S1' })
    const res = await cred({ user_id: userId, project_id: projectId, type: 'ec2', blob })
    assert.equal(res.status, 201)
    const c = res.body.credential
    assert.equal(c.id, createHash('sha256').update('AK1').digest('hex'))
    assert.deepEqual(
      { user_id: c.user_id, project_id: c.project_id, type: c.type, blob: c.blob },
      { user_id: userId, project_id: projectId, type: 'ec2', blob },
    )
    assert.equal(c.links.self, `http://localhost:80${V3}/credentials/${c.id}`)
    const blob2 = JSON.stringify({ access: 'AK2', secret: 'S2' })
    const upd = await cloud.request('PATCH', `${V3}/credentials/${c.id}`, {
      token: admin,
      body: { credential: { blob: blob2, project_id: 'p2', type: 'ec2' } },
    })
    assert.equal(upd.status, 200)
    assert.equal(upd.body.credential.id, c.id)
    assert.equal(upd.body.credential.project_id, 'p2')
    assert.equal(JSON.parse(upd.body.credential.blob).access, 'AK2')
    assert.deepEqual(
      (await cloud.request('GET', `${V3}/credentials/${c.id}`, { token: admin })).body.credential,
      upd.body.credential,
    )
    assert.equal(
      (await cred({ user_id: userId, project_id: projectId, type: 'ec2', blob })).status,
      409,
    )
    assert.equal(
      (await cloud.request('DELETE', `${V3}/credentials/${c.id}`, { token: admin })).status,
      204,
    )
    assert.equal(
      (await cloud.request('GET', `${V3}/credentials/${c.id}`, { token: admin })).status,
      404,
    )
  })

  test('bad input: 400 for missing fields and bad ec2 blobs, 404 for unknown ids', async () => {
    assert.equal((await cred({ user_id: userId, type: 'cert' })).status, 400)
    assert.equal((await cred({ user_id: userId, type: 'ec2', blob: '{"access":"x"}' })).status, 400)
    assert.equal(
      (await cred({ user_id: userId, type: 'ec2', project_id: 'p', blob: 'not json' })).status,
      400,
    )
    assert.equal(
      (await cred({ user_id: userId, type: 'ec2', project_id: 'p', blob: '{"secret":"x"}' }))
        .status,
      400,
    )
    assert.equal((await cred({ user_id: userId, type: 'cert', blob: 5 })).status, 400)
    const c = (await cred({ user_id: userId, type: 'cert', blob: 'PEM' })).body.credential
    assert.match(c.id, /^[0-9a-f]{32}$/)
    assert.equal(c.project_id, null)
    assert.equal(
      (
        await cloud.request('PATCH', `${V3}/credentials/${c.id}`, {
          token: admin,
          body: { credential: {} },
        })
      ).status,
      400,
    )
    assert.equal(
      (
        await cloud.request('PATCH', `${V3}/credentials/${c.id}`, {
          token: admin,
          body: { credential: { id: 'x' } },
        })
      ).status,
      400,
    )
    assert.equal(
      (
        await cloud.request('PATCH', `${V3}/credentials/nope`, {
          token: admin,
          body: { credential: { blob: 'x' } },
        })
      ).status,
      404,
    )
    assert.equal(
      (await cloud.request('DELETE', `${V3}/credentials/nope`, { token: admin })).status,
      404,
    )
  })

  test('a non-admin manages only its own credentials', async () => {
    const mine = await cred({ user_id: userId, type: 'totp', blob: 'seed' }, token)
    assert.equal(mine.status, 201)
    const theirs = (await cred({ user_id: otherId, type: 'totp', blob: 'seed2' })).body.credential
    assert.equal((await cred({ user_id: otherId, type: 'totp', blob: 'x' }, token)).status, 403)
    const list = await cloud.request('GET', `${V3}/credentials`, { token })
    assert.ok(list.body.credentials.every((c: { user_id: string }) => c.user_id === userId))
    assert.ok(list.body.credentials.some((c: { id: string }) => c.id === mine.body.credential.id))
    const all = await cloud.request('GET', `${V3}/credentials?user_id=${otherId}`, { token: admin })
    assert.deepEqual(
      all.body.credentials.map((c: { id: string }) => c.id),
      [theirs.id],
    )
    assert.equal(
      (await cloud.request('GET', `${V3}/credentials/${theirs.id}`, { token })).status,
      403,
    )
    assert.equal((await cloud.request('GET', `${V3}/credentials/nope`, { token })).status, 403)
    const steal = await cloud.request('PATCH', `${V3}/credentials/${mine.body.credential.id}`, {
      token,
      body: { credential: { user_id: otherId } },
    })
    assert.equal(steal.status, 403)
    assert.equal(
      (await cloud.request('DELETE', `${V3}/credentials/${theirs.id}`, { token })).status,
      403,
    )
    assert.equal(
      (await cloud.request('DELETE', `${V3}/credentials/${mine.body.credential.id}`, { token }))
        .status,
      204,
    )
  })

  test('OS-EC2: create, list, show, delete as the owner', async () => {
    const base = `${V3}/users/${userId}/credentials/OS-EC2`
    const res = await cloud.request('POST', base, { token, body: { tenant_id: projectId } })
    assert.equal(res.status, 201)
    const c = res.body.credential
    assert.match(c.access, /^[0-9a-f]{32}$/)
    assert.match(c.secret, /^[0-9a-f]{32}$/)
    assert.equal(c.user_id, userId)
    assert.equal(c.tenant_id, projectId)
    assert.equal(c.trust_id, null)
    assert.equal(c.links.self, `http://localhost:80${base}/${c.access}`)
    const list = await cloud.request('GET', base, { token })
    assert.deepEqual(list.body.credentials, [c])
    assert.deepEqual(
      (await cloud.request('GET', `${base}/${c.access}`, { token })).body.credential,
      c,
    )
    // Visible through /v3/credentials as an ec2 credential.
    const v3 = await cloud.request('GET', `${V3}/credentials?type=ec2`, { token })
    assert.equal(v3.body.credentials.length, 1)
    assert.equal((await cloud.request('DELETE', `${base}/${c.access}`, { token })).status, 204)
    assert.equal((await cloud.request('GET', `${base}/${c.access}`, { token })).status, 404)
    assert.equal((await cloud.request('DELETE', `${base}/${c.access}`, { token })).status, 404)
  })

  test('OS-EC2: bad project 404, other users 403/404', async () => {
    const base = `${V3}/users/${userId}/credentials/OS-EC2`
    assert.equal(
      (await cloud.request('POST', base, { token, body: { tenant_id: 'nope' } })).status,
      404,
    )
    assert.equal((await cloud.request('POST', base, { token, body: {} })).status, 404)
    assert.equal(
      (
        await cloud.request('POST', `${V3}/users/nope/credentials/OS-EC2`, {
          token: admin,
          body: { tenant_id: projectId },
        })
      ).status,
      404,
    )
    const otherBase = `${V3}/users/${otherId}/credentials/OS-EC2`
    assert.equal(
      (await cloud.request('POST', otherBase, { token, body: { tenant_id: projectId } })).status,
      403,
    )
    assert.equal((await cloud.request('GET', otherBase, { token })).status, 403)
    const theirs = (
      await cloud.request('POST', otherBase, { token: admin, body: { tenant_id: projectId } })
    ).body.credential
    assert.equal(
      (await cloud.request('GET', `${otherBase}/${theirs.access}`, { token })).status,
      403,
    )
    // Reaching another user's key through one's own path finds nothing.
    assert.equal((await cloud.request('GET', `${base}/${theirs.access}`, { token })).status, 404)
    assert.equal(
      (await cloud.request('DELETE', `${otherBase}/${theirs.access}`, { token })).status,
      403,
    )
  })

  test('deleting a user deletes its credentials', async () => {
    const res = await cloud.request('POST', `${V3}/users`, {
      token: admin,
      body: { user: { name: 'temp' } },
    })
    const c = (await cred({ user_id: res.body.user.id, type: 'cert', blob: 'x' })).body.credential
    await cloud.request('DELETE', `${V3}/users/${res.body.user.id}`, { token: admin })
    assert.equal(
      (await cloud.request('GET', `${V3}/credentials/${c.id}`, { token: admin })).status,
      404,
    )
  })
})
