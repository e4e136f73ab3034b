import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { createTestCloud, type TestCloud } from '../../identity/testing.js'
import { memberOf } from './resource-test-fixtures.js'
import { activeImage, compute } from './servers-test-fixtures.js'

describe('os-server-groups', () => {
  let cloud: TestCloud
  let admin: string
  let a: { projectId: string; userId: string; token: string }
  let b: { projectId: string; userId: string; token: string }
  let req: ReturnType<typeof compute>
  before(async () => {
    cloud = await createTestCloud({
      env: { NUBIS_QUOTA__SERVER_GROUPS: '3', NUBIS_QUOTA__SERVER_GROUP_MEMBERS: '2' },
    })
    admin = await cloud.adminToken()
    a = await memberOf(cloud, admin, 'sg-a')
    b = await memberOf(cloud, admin, 'sg-b')
    req = compute(cloud)
  })
  after(async () => cloud.close())

  const create = (token: string, name: string, policy: string, v?: string) =>
    req('POST', '/os-server-groups', token, { server_group: { name, policies: [policy] } }, v)

  test("create/show/list/delete with Nova's shapes per microversion", async () => {
    const c = await create(a.token, 'g1', 'anti-affinity')
    assert.equal(c.status, 200, JSON.stringify(c.body))
    const g = c.body.server_group
    assert.deepEqual(Object.keys(g).sort(), ['id', 'members', 'metadata', 'name', 'policies'])
    assert.deepEqual(g.policies, ['anti-affinity'])
    assert.deepEqual(g.members, [])
    const shown = await req('GET', `/os-server-groups/${g.id}`, a.token, undefined, '2.13')
    assert.equal(shown.body.server_group.project_id, a.projectId)
    assert.equal(shown.body.server_group.user_id, a.userId)
    assert.equal(
      (await create(a.token, 'soft', 'soft-affinity')).status,
      400,
      'soft policies need 2.15',
    )
    assert.equal((await create(a.token, 'soft', 'soft-affinity', '2.15')).status, 200)
    assert.equal((await create(a.token, 'bad', 'nope', '2.15')).status, 400)
    assert.equal(
      (
        await req('POST', '/os-server-groups', a.token, {
          server_group: { name: 'x', policies: ['affinity', 'anti-affinity'] },
        })
      ).status,
      400,
    )
    const list = await req('GET', '/os-server-groups', a.token)
    assert.deepEqual(
      list.body.server_groups.map((x: { name: string }) => x.name),
      ['g1', 'soft'],
    )
    assert.deepEqual(
      (await req('GET', '/os-server-groups?limit=1&offset=1', a.token)).body.server_groups.map(
        (x: { name: string }) => x.name,
      ),
      ['soft'],
    )
    assert.deepEqual((await req('GET', '/os-server-groups', b.token)).body.server_groups, [])
    assert.deepEqual(
      (await req('GET', '/os-server-groups?all_projects=True', b.token)).body.server_groups,
      [],
      'non-admins only see their own',
    )
    const everyone = await req('GET', '/os-server-groups?all_projects=True', admin)
    assert.ok(everyone.body.server_groups.some((x: { id: string }) => x.id === g.id))
    assert.equal((await req('GET', `/os-server-groups/${g.id}`, b.token)).status, 403)
    assert.equal((await req('DELETE', `/os-server-groups/${g.id}`, b.token)).status, 403)
    assert.equal((await req('DELETE', `/os-server-groups/${g.id}`, a.token)).status, 204)
    const gone = await req('GET', `/os-server-groups/${g.id}`, a.token)
    assert.equal(gone.status, 404)
    assert.equal(gone.body.itemNotFound.message, `Instance group ${g.id} could not be found.`)
  })

  test('2.64: policy and rules replace policies and metadata', async () => {
    const p = await memberOf(cloud, admin, 'sg-264')
    const post = (group: Record<string, unknown>, v = '2.64') =>
      req('POST', '/os-server-groups', p.token, { server_group: { name: 'g', ...group } }, v)
    const c = await post({ policy: 'anti-affinity', rules: { max_server_per_host: '2' } })
    assert.equal(c.status, 200, JSON.stringify(c.body))
    assert.deepEqual(Object.keys(c.body.server_group).sort(), [
      'id',
      'members',
      'name',
      'policy',
      'project_id',
      'rules',
      'user_id',
    ])
    assert.deepEqual(c.body.server_group.rules, { max_server_per_host: 2 })
    const old = await req(
      'GET',
      `/os-server-groups/${c.body.server_group.id}`,
      p.token,
      undefined,
      '2.63',
    )
    assert.deepEqual(old.body.server_group.policies, ['anti-affinity'])
    assert.deepEqual(old.body.server_group.metadata, {})
    const plain = await post({ policy: 'soft-affinity' })
    assert.equal(plain.status, 200)
    assert.deepEqual(plain.body.server_group.rules, {})
    const ruled = await post({ policy: 'affinity', rules: { max_server_per_host: 2 } })
    assert.equal(ruled.status, 400)
    assert.equal(ruled.body.badRequest.message, 'Only anti-affinity policy supports rules.')
    assert.equal((await post({ policies: ['affinity'] })).status, 400, 'policies is gone at 2.64')
    assert.equal((await post({ policy: 'affinity' }, '2.63')).status, 400, 'policy needs 2.64')
    assert.equal((await post({})).status, 400)
    assert.equal(
      (await post({ policy: 'anti-affinity', rules: { max_server_per_host: 0 } })).status,
      400,
    )
    assert.equal((await post({ policy: 'anti-affinity', rules: { other: 1 } })).status, 400)
  })

  test('server_groups quota; the group hint adds members within server_group_members', async () => {
    const p = await memberOf(cloud, admin, 'sg-quota')
    for (const n of ['q1', 'q2', 'q3'])
      assert.equal((await create(p.token, n, 'affinity')).status, 200)
    const over = await create(p.token, 'q4', 'affinity')
    assert.equal(over.status, 403)
    assert.equal(over.body.forbidden.message, 'Quota exceeded, too many server groups.')
    const groups = (await req('GET', '/os-server-groups', p.token)).body.server_groups
    const image = await activeImage(cloud, admin)
    const boot = (hints: Record<string, unknown>, token = p.token) =>
      req(
        'POST',
        '/servers',
        token,
        {
          server: { name: 'm', imageRef: image, flavorRef: '1', networks: 'none' },
          'os:scheduler_hints': hints,
        },
        '2.37',
      )
    const s1 = await boot({ group: groups[0].id })
    assert.equal(s1.status, 202, JSON.stringify(s1.body))
    const members = (await req('GET', `/os-server-groups/${groups[0].id}`, p.token)).body
      .server_group.members
    assert.deepEqual(members, [s1.body.server.id])
    assert.equal((await boot({ group: groups[0].id })).status, 202)
    const full = await boot({ group: groups[0].id })
    assert.equal(full.status, 403)
    assert.equal(full.body.forbidden.message, 'Quota exceeded, too many servers in group')
    const missing = await boot({ group: '6b7fa8b0-4a57-4ed5-9d0b-4ac4a8ce6c1b' })
    assert.equal(missing.status, 400)
    assert.equal(
      missing.body.badRequest.message,
      'Instance group 6b7fa8b0-4a57-4ed5-9d0b-4ac4a8ce6c1b could not be found.',
    )
    assert.equal(
      (await boot({ group: groups[1].id }, b.token)).status,
      400,
      "another project's group is invisible",
    )
    assert.equal((await boot({ group: 'not-a-uuid' })).status, 400)
  })
})
