import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { createTestCloud, type TestCloud } from '../../identity/testing.js'
import { computeRequest, memberOf, type Member } from './resource-test-fixtures.js'

describe('compute network proxies (os-networks, os-tenant-networks, os-floating-ip-pools)', () => {
  let cloud: TestCloud
  let admin: string
  let a: Member
  let b: Member
  let req: ReturnType<typeof computeRequest>
  let netA: string
  before(async () => {
    cloud = await createTestCloud()
    admin = await cloud.adminToken()
    a = await memberOf(cloud, admin, 'np-a')
    b = await memberOf(cloud, admin, 'np-b')
    req = computeRequest(cloud)
    const n = await cloud.request('POST', '/networking/v2.0/networks', {
      token: a.token,
      body: { network: { name: 'net-a' } },
    })
    netA = n.body.network.id
    await cloud.request('POST', '/networking/v2.0/networks', {
      token: admin,
      body: { network: { name: 'public', 'router:external': true } },
    })
  })
  after(async () => cloud.close())

  test('lists the Neutron networks the caller sees in Nova shapes', async () => {
    const t = await req('GET', '/os-tenant-networks', a.token)
    assert.equal(t.status, 200)
    assert.deepEqual(
      t.body.networks.find((x: { id: string }) => x.id === netA),
      { id: netA, cidr: 'None', label: 'net-a' },
    )
    const bList = await req('GET', '/os-tenant-networks', b.token)
    assert.ok(
      !bList.body.networks.some((x: { id: string }) => x.id === netA),
      'project b does not see net-a',
    )
    assert.equal((await req('GET', `/os-tenant-networks/${netA}`, b.token)).status, 404)
    const show = await req('GET', `/os-networks/${netA}`, a.token)
    assert.equal(show.body.network.label, 'net-a')
    assert.equal(show.body.network.cidr, null)
    assert.equal('bridge' in show.body.network, false, 'admin fields for admins only')
    const adminShow = await req('GET', `/os-networks/${netA}`, admin)
    assert.equal(adminShow.body.network.bridge, null)
    const pools = await req('GET', '/os-floating-ip-pools', a.token)
    assert.deepEqual(pools.body, { floating_ip_pools: [{ name: 'public' }] })
    assert.equal((await req('GET', '/os-tenant-networks', a.token, undefined, '2.36')).status, 404)
  })

  test('nova-network operations are gone (410)', async () => {
    const r = await req('POST', '/os-tenant-networks', a.token, { network: { label: 'x' } })
    assert.equal(r.status, 410)
    assert.equal(r.body.computeFault.code, 410)
    assert.equal((await req('DELETE', `/os-networks/${netA}`, admin)).status, 410)
  })
})
