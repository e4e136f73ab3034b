import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { createTestCloud, type TestCloud } from '../../identity/testing.js'
import { computeRequest, memberOf, type Member } from './resource-test-fixtures.js'

describe('compute os-floating-ips proxy', () => {
  let cloud: TestCloud
  let admin: string
  let a: Member
  let b: Member
  let req: ReturnType<typeof computeRequest>
  before(async () => {
    cloud = await createTestCloud()
    admin = await cloud.adminToken()
    a = await memberOf(cloud, admin, 'fip-a')
    b = await memberOf(cloud, admin, 'fip-b')
    req = computeRequest(cloud)
    const pub = await cloud.request('POST', '/networking/v2.0/networks', {
      token: admin,
      body: { network: { name: 'public', 'router:external': true } },
    })
    const sub = await cloud.request('POST', '/networking/v2.0/subnets', {
      token: admin,
      body: { subnet: { network_id: pub.body.network.id, cidr: '203.0.113.0/29', ip_version: 4 } },
    })
    assert.equal(sub.status, 201, JSON.stringify(sub.body))
  })
  after(async () => cloud.close())

  test('allocate from a pool, show, list per project, release', async () => {
    const c = await req('POST', '/os-floating-ips', a.token, { pool: 'public' })
    assert.equal(c.status, 200, JSON.stringify(c.body))
    const f = c.body.floating_ip
    assert.deepEqual(Object.keys(f).sort(), ['fixed_ip', 'id', 'instance_id', 'ip', 'pool'])
    assert.equal(f.pool, 'public')
    assert.match(f.ip, /^203\.0\.113\.\d+$/)
    assert.equal(f.fixed_ip, null)
    assert.equal(f.instance_id, null)
    assert.deepEqual((await req('GET', `/os-floating-ips/${f.id}`, a.token)).body.floating_ip, f)
    assert.deepEqual((await req('GET', '/os-floating-ips', a.token)).body.floating_ips, [f])
    assert.deepEqual((await req('GET', '/os-floating-ips', b.token)).body.floating_ips, [])
    assert.equal((await req('GET', `/os-floating-ips/${f.id}`, b.token)).status, 404)
    assert.equal(
      (await req('POST', '/os-floating-ips', a.token, { pool: 'no-such-pool' })).status,
      404,
    )
    assert.equal(
      (await req('POST', '/os-floating-ips', a.token, {})).status,
      404,
      "no 'nova' pool here",
    )
    assert.equal((await req('DELETE', `/os-floating-ips/${f.id}`, a.token)).status, 202)
    assert.equal((await req('DELETE', `/os-floating-ips/${f.id}`, a.token)).status, 404)
    assert.equal((await req('GET', '/os-floating-ips/12345', a.token)).status, 404)
    assert.equal((await req('GET', '/os-floating-ips', a.token, undefined, '2.36')).status, 404)
  })

  test('an exhausted pool is 404 and the quota 403', async () => {
    await cloud.request('PUT', `/networking/v2.0/quotas/${b.projectId}`, {
      token: admin,
      body: { quota: { floatingip: 1 } },
    })
    assert.equal((await req('POST', '/os-floating-ips', b.token, { pool: 'public' })).status, 200)
    const over = await req('POST', '/os-floating-ips', b.token, { pool: 'public' })
    assert.equal(over.status, 403)
    assert.equal(over.body.forbidden.message, 'IP allocation over quota in pool public.')
    const got: number[] = []
    for (let i = 0; i < 8; i++)
      got.push((await req('POST', '/os-floating-ips', a.token, { pool: 'public' })).status)
    assert.ok(got.includes(404), `the /29 runs out: ${got.join(',')}`)
  })
})
