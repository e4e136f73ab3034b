import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { createTestCloud, type TestCloud } from '../../identity/testing.js'
import { computeRequest, memberOf, type Member } from './resource-test-fixtures.js'
import { activeImage, networkWithSubnet, waitForStatus } from './servers-test-fixtures.js'

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

  test('addFloatingIp / removeFloatingIp move a floating IP onto the server port (until 2.43)', async () => {
    const image = await activeImage(cloud, admin)
    const net = await networkWithSubnet(cloud, a.token, 'fip-private', '10.44.0.0/24')
    const subnet = (
      await cloud.request('GET', `/networking/v2.0/subnets?network_id=${net}`, { token: a.token })
    ).body.subnets[0].id
    const pub = (
      await cloud.request('GET', '/networking/v2.0/networks?name=public', { token: a.token })
    ).body.networks[0].id
    const router = await cloud.request('POST', '/networking/v2.0/routers', {
      token: a.token,
      body: { router: { name: 'r', external_gateway_info: { network_id: pub } } },
    })
    assert.equal(router.status, 201, JSON.stringify(router.body))
    await cloud.request(
      'PUT',
      `/networking/v2.0/routers/${router.body.router.id}/add_router_interface`,
      {
        token: a.token,
        body: { subnet_id: subnet },
      },
    )
    const boot = await req(
      'POST',
      '/servers',
      a.token,
      { server: { name: 'fipvm', imageRef: image, flavorRef: '1', networks: [{ uuid: net }] } },
      '2.37',
    )
    assert.equal(boot.status, 202, JSON.stringify(boot.body))
    const id = boot.body.server.id as string
    assert.equal((await waitForStatus(cloud, a.token, id, ['ACTIVE', 'ERROR']))?.status, 'ACTIVE')
    const ip1 = (await req('POST', '/os-floating-ips', a.token, { pool: 'public' })).body
      .floating_ip
    const ip2 = (await req('POST', '/os-floating-ips', a.token, { pool: 'public' })).body
      .floating_ip
    const act = (body: unknown, v?: string) =>
      req('POST', `/servers/${id}/action`, a.token, body, v)
    assert.equal((await act({ addFloatingIp: { address: ip1.ip } })).status, 202)
    const shown = (await req('GET', `/os-floating-ips/${ip1.id}`, a.token)).body.floating_ip
    assert.equal(shown.instance_id, id)
    assert.match(shown.fixed_ip, /^10\.44\.0\./)
    const second = await act({ addFloatingIp: { address: ip2.ip } })
    assert.equal(second.status, 400, 'the fixed IP already has a floating IP')
    const missing = await act({ addFloatingIp: { address: '0.0.0.0' } })
    assert.equal(missing.status, 404)
    assert.equal(missing.body.itemNotFound.message, 'floating IP not found')
    assert.equal((await act({ addFloatingIp: { address: '' } })).status, 400)
    assert.equal(
      (await act({ addFloatingIp: { address: ip2.ip, fixed_address: '10.99.0.1' } })).status,
      400,
      'a fixed address the server does not have',
    )
    assert.equal((await act({ removeFloatingIp: { address: '0.0.0.0' } })).status, 404)
    assert.equal((await act({ removeFloatingIp: { address: ip2.ip } })).status, 409)
    assert.equal((await act({ removeFloatingIp: { address: ip1.ip } }, '2.44')).status, 404)
    assert.equal((await act({ removeFloatingIp: { address: ip1.ip } })).status, 202)
    const after = (await req('GET', `/os-floating-ips/${ip1.id}`, a.token)).body.floating_ip
    assert.equal(after.instance_id, null)
    for (const f of [ip1, ip2]) await req('DELETE', `/os-floating-ips/${f.id}`, a.token)
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

describe('os-floating-ips: [compute] default_floating_pool', () => {
  test('a request naming no pool allocates from the configured one', async () => {
    const cloud = await createTestCloud({ env: { NUBIS_COMPUTE__DEFAULT_FLOATING_POOL: 'ext' } })
    try {
      const admin = await cloud.adminToken()
      const a = await memberOf(cloud, admin, 'fip-default')
      const ext = await cloud.request('POST', '/networking/v2.0/networks', {
        token: admin,
        body: { network: { name: 'ext', 'router:external': true } },
      })
      await cloud.request('POST', '/networking/v2.0/subnets', {
        token: admin,
        body: {
          subnet: { network_id: ext.body.network.id, cidr: '198.51.100.0/29', ip_version: 4 },
        },
      })
      const r = await computeRequest(cloud)('POST', '/os-floating-ips', a.token, { pool: null })
      assert.equal(r.status, 200, JSON.stringify(r.body))
      assert.equal(r.body.floating_ip.pool, 'ext')
    } finally {
      await cloud.close()
    }
  })
})
