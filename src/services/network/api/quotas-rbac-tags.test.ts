import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { Db } from '../../../db/database.js'
import { createTestCloud, type TestCloud } from '../../identity/testing.js'
import { memberOf, seedNetwork, seedPort } from './l3-test-fixtures.js'

const N = '/networking/v2.0'

describe('network quotas, RBAC policies and tags APIs', () => {
  let cloud: TestCloud
  let db: Db
  let admin: string
  let a: { projectId: string; token: string }
  let b: { projectId: string; token: string }
  before(async () => {
    cloud = await createTestCloud()
    db = cloud.network.ctx.db
    admin = await cloud.adminToken()
    a = await memberOf(cloud, admin, 'q-a')
    b = await memberOf(cloud, admin, 'q-b')
  })
  after(async () => cloud.close())

  const req = (method: string, url: string, token: string, body?: unknown) =>
    cloud.request(method, `${N}${url}`, { token, ...(body !== undefined ? { body } : {}) })

  test('quotas: show, default, update, list, details, reset; policy and bad values', async () => {
    const def = (await req('GET', `/quotas/${a.projectId}/default`, a.token)).body.quota
    assert.equal(def.network, 100)
    assert.equal(def.security_group_rule, 100)
    assert.equal(def.subnetpool, -1)
    const up = await req('PUT', `/quotas/${a.projectId}`, admin, {
      quota: { network: 0, port: '7' },
    })
    assert.equal(up.status, 200, JSON.stringify(up.body))
    assert.equal(up.body.quota.network, 0)
    assert.equal(up.body.quota.port, 7)
    assert.equal((await req('GET', `/quotas/${a.projectId}`, a.token)).body.quota.port, 7)
    const all = (await req('GET', '/quotas', admin)).body.quotas
    assert.ok(
      all.some(
        (q: { project_id: string; network: number }) =>
          q.project_id === a.projectId && q.network === 0,
      ),
    )
    await seedNetwork(db, a.projectId)
    const details = (await req('GET', `/quotas/${a.projectId}/details.json`, a.token)).body.quota
    assert.deepEqual(details.network, { used: 1, limit: 0, reserved: 0 })
    for (const r of [
      'subnet',
      'port',
      'router',
      'floatingip',
      'security_group',
      'security_group_rule',
      'rbac_policy',
      'subnetpool',
    ]) {
      assert.ok(r in details, r)
    }
    assert.equal((await req('GET', `/quotas/${a.projectId}`, b.token)).status, 403)
    assert.equal((await req('GET', `/quotas/${a.projectId}/details`, b.token)).status, 403)
    assert.equal((await req('GET', '/quotas', a.token)).status, 403)
    assert.equal(
      (await req('PUT', `/quotas/${a.projectId}`, a.token, { quota: { network: 5 } })).status,
      403,
    )
    assert.equal((await req('DELETE', `/quotas/${a.projectId}`, a.token)).status, 403)
    for (const bad of [{ network: -2 }, { network: 'x' }, { bogus: 1 }, { network: 1.5 }]) {
      assert.equal(
        (await req('PUT', `/quotas/${a.projectId}`, admin, { quota: bad })).status,
        400,
        JSON.stringify(bad),
      )
    }
    assert.equal((await req('PUT', `/quotas/${a.projectId}`, admin, {})).status, 400)
    const check = await req('PUT', `/quotas/${a.projectId}`, admin, {
      quota: { network: 0, check_limit: true },
    })
    assert.equal(check.status, 400)
    assert.equal(
      (await req('GET', '/quotas/project', a.token)).body.project.project_id,
      a.projectId,
    )
    assert.equal((await req('DELETE', `/quotas/${a.projectId}`, admin)).status, 204)
    assert.equal((await req('DELETE', `/quotas/${a.projectId}`, admin)).status, 404)
    assert.deepEqual((await req('GET', `/quotas/${a.projectId}`, a.token)).body.quota, def)
  })

  test('RBAC: owner shares a network with a project, the target sees it; in-use policies cannot go', async () => {
    const net = await seedNetwork(db, a.projectId)
    assert.equal((await req('GET', `/networks/${net}/tags`, b.token)).status, 404)
    const body = {
      rbac_policy: {
        object_type: 'network',
        object_id: net,
        action: 'access_as_shared',
        target_tenant: b.projectId,
      },
    }
    assert.equal((await req('POST', '/rbac-policies', b.token, body)).status, 404)
    const c = await req('POST', '/rbac-policies', a.token, body)
    assert.equal(c.status, 201, JSON.stringify(c.body))
    const p = c.body.rbac_policy
    assert.equal(p.target_tenant, b.projectId)
    assert.equal(p.project_id, a.projectId)
    assert.equal((await req('POST', '/rbac-policies', a.token, body)).status, 409)
    assert.equal((await req('GET', `/networks/${net}/tags`, b.token)).status, 200)
    assert.equal((await req('GET', `/rbac-policies/${p.id}`, b.token)).status, 404)
    assert.ok(
      (await req('GET', '/rbac-policies', a.token)).body.rbac_policies.some(
        (x: { id: string }) => x.id === p.id,
      ),
    )
    // b now has a port on a's network: the grant cannot be removed
    const port = await seedPort(db, net, b.projectId, [])
    const del = await req('DELETE', `/rbac-policies/${p.id}`, a.token)
    assert.equal(del.status, 409)
    assert.equal(del.body.NeutronError.type, 'RbacPolicyInUse')
    await db.deleteFrom('ports').where('id', '=', port).execute()
    assert.equal((await req('DELETE', `/rbac-policies/${p.id}`, a.token)).status, 204)
    assert.equal((await req('GET', `/rbac-policies/${p.id}`, a.token)).status, 404)
    // only admin shares with everyone; shared=true follows a '*' grant
    const star = { rbac_policy: { ...body.rbac_policy, target_tenant: '*' } }
    assert.equal((await req('POST', '/rbac-policies', a.token, star)).status, 403)
    assert.equal((await req('POST', '/rbac-policies', admin, star)).status, 201)
    const row = await db
      .selectFrom('networks')
      .select('shared')
      .where('id', '=', net)
      .executeTakeFirstOrThrow()
    assert.equal(row.shared, 1)
    for (const bad of [
      { ...body.rbac_policy, object_type: 'nope' },
      { ...body.rbac_policy, action: 'access_as_nothing' },
      { object_type: 'network', object_id: net, action: 'access_as_shared' },
      { ...body.rbac_policy, bogus: 1 },
    ]) {
      assert.equal(
        (await req('POST', '/rbac-policies', a.token, { rbac_policy: bad })).status,
        400,
        JSON.stringify(bad),
      )
    }
  })

  test('tags: PUT one, PUT all, GET, check, DELETE one and all; only on own resources', async () => {
    const sg = (await req('POST', '/security-groups', a.token, { security_group: { name: 't' } }))
      .body.security_group.id
    assert.equal((await req('PUT', `/security-groups/${sg}/tags/red`, a.token)).status, 201)
    assert.equal((await req('GET', `/security-groups/${sg}/tags/red`, a.token)).status, 204)
    assert.equal((await req('GET', `/security-groups/${sg}/tags/blue`, a.token)).status, 404)
    assert.deepEqual(
      (await req('GET', `/security-groups/${sg}`, a.token)).body.security_group.tags,
      ['red'],
    )
    const all = await req('PUT', `/security-groups/${sg}/tags`, a.token, { tags: ['b', 'a', 'c'] })
    assert.equal(all.status, 200)
    assert.deepEqual([...all.body.tags].sort(), ['a', 'b', 'c'])
    const filtered = (await req('GET', '/security-groups?tags=a,b', a.token)).body.security_groups
    assert.deepEqual(
      filtered.map((g: { id: string }) => g.id),
      [sg],
    )
    assert.equal(
      (await req('PUT', `/security-groups/${sg}/tags`, a.token, { tags: ['x', 'x'] })).status,
      400,
    )
    assert.equal(
      (await req('PUT', `/security-groups/${sg}/tags`, a.token, { tags: 'x' })).status,
      400,
    )
    assert.equal(
      (await req('PUT', `/security-groups/${sg}/tags`, a.token, { nope: [] })).status,
      400,
    )
    assert.equal(
      (await req('PUT', `/security-groups/${sg}/tags/${'x'.repeat(256)}`, a.token)).status,
      400,
    )
    assert.equal((await req('GET', `/security-groups/${sg}/tags`, b.token)).status, 404)
    assert.equal((await req('PUT', `/security-groups/${sg}/tags/z`, b.token)).status, 404)
    assert.equal((await req('DELETE', `/security-groups/${sg}/tags/a`, a.token)).status, 204)
    assert.equal((await req('DELETE', `/security-groups/${sg}/tags/a`, a.token)).status, 404)
    assert.equal((await req('DELETE', `/security-groups/${sg}/tags`, a.token)).status, 204)
    assert.deepEqual((await req('GET', `/security-groups/${sg}/tags`, a.token)).body.tags, [])
    assert.equal(
      (await req('GET', '/networks/00000000-0000-4000-8000-000000000000/tags', a.token)).status,
      404,
    )
    await req('PUT', `/security-groups/${sg}/tags/gone`, a.token)
    await req('DELETE', `/security-groups/${sg}`, a.token)
    const left = await db
      .selectFrom('network_tags')
      .select('tag')
      .where('resource_id', '=', sg)
      .execute()
    assert.deepEqual(left, [])
  })
})
