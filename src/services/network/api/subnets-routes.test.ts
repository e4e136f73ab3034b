import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { createTestCloud, type TestCloud } from '../../identity/testing.js'
import { memberOf } from './l3-test-fixtures.js'

const N = '/networking/v2.0'

describe('network subnets and subnet pools API', () => {
  let cloud: TestCloud
  let admin: string
  let a: { projectId: string; token: string }
  let b: { projectId: string; token: string }
  before(async () => {
    cloud = await createTestCloud()
    admin = await cloud.adminToken()
    a = await memberOf(cloud, admin, 'sub-a')
    b = await memberOf(cloud, admin, 'sub-b')
  })
  after(async () => cloud.close())

  const req = (method: string, url: string, token: string, body?: unknown) =>
    cloud.request(method, `${N}${url}`, { token, ...(body !== undefined ? { body } : {}) })
  const net = async (token: string): Promise<string> =>
    (await req('POST', '/networks', token, { network: { name: 'n' } })).body.network.id as string

  test('IPv4 subnet: defaults, show, list, update, delete', async () => {
    const n = await net(a.token)
    const c = await req('POST', '/subnets', a.token, {
      subnet: { network_id: n, ip_version: 4, cidr: '10.1.0.0/24', name: 's' },
    })
    assert.equal(c.status, 201, JSON.stringify(c.body))
    const s = c.body.subnet
    assert.equal(s.gateway_ip, '10.1.0.1')
    assert.deepEqual(s.allocation_pools, [{ start: '10.1.0.2', end: '10.1.0.254' }])
    assert.equal(s.enable_dhcp, true)
    assert.deepEqual(s.dns_nameservers, [])
    assert.equal(s.ipv6_ra_mode, null)
    assert.equal(s.project_id, a.projectId)
    assert.match(s.created_at, /Z$/)
    const netView = (await req('GET', `/networks/${n}`, a.token)).body.network
    assert.deepEqual(netView.subnets, [s.id])
    assert.equal((await req('GET', `/subnets/${s.id}`, a.token)).body.subnet.cidr, '10.1.0.0/24')
    assert.equal((await req('GET', `/subnets?network_id=${n}`, a.token)).body.subnets.length, 1)
    assert.equal((await req('GET', `/subnets/${s.id}`, b.token)).status, 404, 'tenant isolation')
    assert.equal((await req('GET', `/subnets?network_id=${n}`, b.token)).body.subnets.length, 0)

    const u = await req('PUT', `/subnets/${s.id}`, a.token, {
      subnet: {
        name: 's2',
        gateway_ip: '10.1.0.254',
        dns_nameservers: ['8.8.8.8'],
        host_routes: [{ destination: '10.2.0.0/24', nexthop: '10.1.0.10' }],
        allocation_pools: [{ start: '10.1.0.2', end: '10.1.0.200' }],
      },
    })
    assert.equal(u.status, 200, JSON.stringify(u.body))
    assert.equal(u.body.subnet.gateway_ip, '10.1.0.254')
    assert.deepEqual(u.body.subnet.dns_nameservers, ['8.8.8.8'])
    assert.equal(u.body.subnet.revision_number, 1)
    const gwConflict = await req('PUT', `/subnets/${s.id}`, a.token, {
      subnet: { gateway_ip: '10.1.0.5' },
    })
    assert.equal(gwConflict.status, 409)
    assert.equal(gwConflict.body.NeutronError.type, 'GatewayConflictWithAllocationPools')
    assert.equal(
      (await req('PUT', `/subnets/${s.id}`, a.token, { subnet: { cidr: '10.9.0.0/24' } })).status,
      400,
    )
    assert.equal((await req('DELETE', `/subnets/${s.id}`, b.token)).status, 404)
    assert.equal((await req('DELETE', `/subnets/${s.id}`, a.token)).status, 204)
    assert.equal((await req('GET', `/subnets/${s.id}`, a.token)).status, 404)
  })

  test('subnets of an external network that is not shared stay hidden', async () => {
    const ext = await req('POST', '/networks', admin, {
      network: { name: 'pub', 'router:external': true },
    })
    assert.equal(ext.status, 201, JSON.stringify(ext.body))
    const s = await req('POST', '/subnets', admin, {
      subnet: { network_id: ext.body.network.id, ip_version: 4, cidr: '172.24.4.0/24' },
    })
    assert.equal((await req('GET', `/networks/${ext.body.network.id}`, a.token)).status, 200)
    assert.equal(
      (await req('GET', `/subnets?network_id=${ext.body.network.id}`, a.token)).body.subnets.length,
      0,
    )
    assert.equal((await req('GET', `/subnets/${s.body.subnet.id}`, a.token)).status, 404)
    assert.equal(
      (
        await req('POST', '/subnets', a.token, {
          subnet: { network_id: ext.body.network.id, ip_version: 4, cidr: '10.9.0.0/24' },
        })
      ).status,
      403,
    )
  })

  test('bad input: 400/409, never 500', async () => {
    const n = await net(a.token)
    const post = (subnet: Record<string, unknown>) =>
      req('POST', '/subnets', a.token, { subnet: { network_id: n, ip_version: 4, ...subnet } })
    for (const bad of [
      { cidr: '10.0.0.1/24' },
      { cidr: 'nonsense' },
      { cidr: '2001:db8::/64' },
      { ip_version: 5, cidr: '10.0.0.0/24' },
      { cidr: '10.0.0.0/24', gateway_ip: '10.0.0.0' },
      { cidr: '10.0.0.0/24', allocation_pools: [{ start: '10.0.1.1', end: '10.0.1.5' }] },
      { cidr: '10.0.0.0/24', enable_dhcp: 'True' },
      { cidr: '10.0.0.0/24', bogus: 1 },
      { cidr: '10.0.0.0/24', ipv6_ra_mode: 'slaac' },
      { cidr: '10.0.0.0/24', dns_nameservers: ['x'] },
      {},
    ]) {
      const r = await post(bad)
      assert.equal(r.status, 400, `${JSON.stringify(bad)} → ${r.status} ${JSON.stringify(r.body)}`)
    }
    const g = await post({
      cidr: '10.0.0.0/24',
      gateway_ip: '10.0.0.5',
      allocation_pools: [{ start: '10.0.0.2', end: '10.0.0.10' }],
    })
    assert.equal(g.status, 409)
    assert.equal(g.body.NeutronError.type, 'GatewayConflictWithAllocationPools')
    assert.equal((await post({ cidr: '10.0.0.0/24' })).status, 201)
    const overlap = await post({ cidr: '10.0.0.128/25' })
    assert.equal(overlap.status, 400, 'overlap within one network')
    const other = await net(a.token)
    assert.equal(
      (
        await req('POST', '/subnets', a.token, {
          subnet: { network_id: other, ip_version: 4, cidr: '10.0.0.0/24' },
        })
      ).status,
      201,
      'overlap across networks is fine',
    )
    assert.equal(
      (
        await req('POST', '/subnets', b.token, {
          subnet: { network_id: n, ip_version: 4, cidr: '10.3.0.0/24' },
        })
      ).status,
      404,
    )
    const noGw = await post({ cidr: '10.4.0.0/24', gateway_ip: null })
    assert.equal(noGw.body.subnet.gateway_ip, null)
    assert.deepEqual(noGw.body.subnet.allocation_pools, [{ start: '10.4.0.1', end: '10.4.0.254' }])
  })

  test('IPv6 modes', async () => {
    const n = await net(a.token)
    const post = (subnet: Record<string, unknown>) =>
      req('POST', '/subnets', a.token, { subnet: { network_id: n, ip_version: 6, ...subnet } })
    assert.equal(
      (
        await post({
          cidr: '2001:db8:1::/64',
          ipv6_ra_mode: 'slaac',
          ipv6_address_mode: 'dhcpv6-stateful',
        })
      ).status,
      400,
    )
    assert.equal((await post({ cidr: '2001:db8:1::/80', ipv6_address_mode: 'slaac' })).status, 400)
    assert.equal(
      (await post({ cidr: '2001:db8:1::/64', ipv6_address_mode: 'slaac', enable_dhcp: false }))
        .status,
      400,
    )
    const ok = await post({
      cidr: '2001:db8:1::/64',
      ipv6_ra_mode: 'slaac',
      ipv6_address_mode: 'slaac',
    })
    assert.equal(ok.status, 201, JSON.stringify(ok.body))
    assert.equal(ok.body.subnet.gateway_ip, '2001:db8:1::1')
    assert.deepEqual(ok.body.subnet.allocation_pools, [
      { start: '2001:db8:1::2', end: '2001:db8:1:0:ffff:ffff:ffff:ffff' },
    ])
  })

  test('bulk create is all or nothing', async () => {
    const n = await net(a.token)
    const r = await req('POST', '/subnets', a.token, {
      subnets: [
        { network_id: n, ip_version: 4, cidr: '10.5.0.0/24' },
        { network_id: n, ip_version: 4, cidr: '10.5.0.0/25' },
      ],
    })
    assert.equal(r.status, 400)
    assert.equal((await req('GET', `/subnets?network_id=${n}`, a.token)).body.subnets.length, 0)
    const ok = await req('POST', '/subnets', a.token, {
      subnets: [
        { network_id: n, ip_version: 4, cidr: '10.5.0.0/24' },
        { network_id: n, ip_version: 4, cidr: '10.6.0.0/24' },
      ],
    })
    assert.equal(ok.status, 201)
    assert.equal(ok.body.subnets.length, 2)
  })

  test('subnet pools: allocation by prefixlen, in use, isolation', async () => {
    const p = await req('POST', '/subnetpools', a.token, {
      subnetpool: { name: 'p', prefixes: ['10.100.0.0/16'], default_prefixlen: 24 },
    })
    assert.equal(p.status, 201, JSON.stringify(p.body))
    const pool = p.body.subnetpool
    assert.equal(pool.ip_version, 4)
    assert.equal(pool.min_prefixlen, 8)
    const n = await net(a.token)
    const s1 = await req('POST', '/subnets', a.token, {
      subnet: { network_id: n, ip_version: 4, subnetpool_id: pool.id },
    })
    assert.equal(s1.status, 201, JSON.stringify(s1.body))
    assert.equal(s1.body.subnet.cidr, '10.100.0.0/24')
    assert.equal(s1.body.subnet.subnetpool_id, pool.id)
    const s2 = await req('POST', '/subnets', a.token, {
      subnet: { network_id: n, ip_version: 4, subnetpool_id: pool.id, prefixlen: 26 },
    })
    assert.equal(s2.body.subnet.cidr, '10.100.1.0/26')
    assert.equal(
      (
        await req('POST', '/subnets', a.token, {
          subnet: { network_id: n, ip_version: 4, subnetpool_id: pool.id, prefixlen: 4 },
        })
      ).status,
      400,
    )
    assert.equal((await req('DELETE', `/subnetpools/${pool.id}`, a.token)).status, 409)
    assert.equal((await req('GET', `/subnetpools/${pool.id}`, b.token)).status, 404)
    const u = await req('PUT', `/subnetpools/${pool.id}`, a.token, {
      subnetpool: { prefixes: ['10.100.0.0/16', '10.200.0.0/16'] },
    })
    assert.deepEqual(u.body.subnetpool.prefixes, ['10.100.0.0/16', '10.200.0.0/16'])
  })
})
