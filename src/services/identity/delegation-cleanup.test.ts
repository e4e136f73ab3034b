import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { onUserDisabled, onUserProjectRoleRemoved } from './delegation-cleanup.js'
import { delegationFixtures } from './delegation-fixtures.js'
import { createTestCloud, type TestCloud } from './testing.js'

describe('application credential cleanup hooks', () => {
  let cloud: TestCloud
  let fx: ReturnType<typeof delegationFixtures>
  before(async () => {
    cloud = await createTestCloud()
    fx = delegationFixtures(cloud)
  })
  after(async () => {
    await cloud.close()
  })

  const makeAppCred = async (user: string, project: string, name: string) => {
    const token = await cloud.token(user, `${user}-pw`, project)
    const userId = (
      await cloud.request('GET', '/identity/v3/auth/tokens', {
        token,
        headers: { 'x-subject-token': token },
      })
    ).body.token.user.id
    const res = await cloud.request(
      'POST',
      `/identity/v3/users/${userId}/application_credentials`,
      {
        token,
        body: {
          application_credential: {
            name,
            access_rules: [{ service: 'compute', path: '/servers', method: 'GET' }],
          },
        },
      },
    )
    assert.equal(res.status, 201)
    const ac = res.body.application_credential
    const t = await cloud.request('POST', '/identity/v3/auth/tokens', {
      body: {
        auth: {
          identity: {
            methods: ['application_credential'],
            application_credential: { id: ac.id, secret: ac.secret },
          },
        },
      },
    })
    return { id: ac.id as string, token: String(t.headers['x-subject-token']) }
  }
  const valid = async (token: string) =>
    (
      await cloud.request('GET', '/identity/v3/auth/tokens', {
        token: await cloud.adminToken(),
        headers: { 'x-subject-token': token },
      })
    ).status

  test('role removal deletes the credentials on that project only; disabling deletes all', async () => {
    const u = await fx.user('carol', 'carol-pw')
    const p1 = await fx.project('p1')
    const p2 = await fx.project('p2')
    const member = await fx.roleId('member')
    await fx.grant(u, p1, member)
    await fx.grant(u, p2, member)
    const a = await makeAppCred('carol', 'p1', 'a')
    const b = await makeAppCred('carol', 'p2', 'b')
    await onUserProjectRoleRemoved(cloud.identity.ctx, u, 'p1-not-a-project')
    assert.equal(await valid(a.token), 200)
    await onUserProjectRoleRemoved(cloud.identity.ctx, u, p1)
    assert.equal(await valid(a.token), 404)
    assert.equal(await valid(b.token), 200)
    await onUserDisabled(cloud.identity.ctx, u)
    assert.equal(await valid(b.token), 404)
    const db = cloud.identity.ctx.db
    assert.equal(
      (
        await db
          .selectFrom('application_credentials')
          .select('id')
          .where('user_id', '=', u)
          .execute()
      ).length,
      0,
    )
    assert.equal(
      (await db.selectFrom('access_rules').select('id').where('user_id', '=', u).execute()).length,
      0,
    )
  })
})
