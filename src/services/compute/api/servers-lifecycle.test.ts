import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { createTestCloud, type TestCloud } from '../../identity/testing.js'
import { memberOf } from './resource-test-fixtures.js'
import { activeImage, compute, networkWithSubnet, waitForStatus } from './servers-test-fixtures.js'

describe('server lifecycle through the conductor and the fake driver', () => {
  let cloud: TestCloud
  let admin: string
  let a: { projectId: string; userId: string; token: string }
  let image: string
  let net: string
  let req: ReturnType<typeof compute>
  before(async () => {
    cloud = await createTestCloud()
    admin = await cloud.adminToken()
    a = await memberOf(cloud, admin, 'srv-life')
    image = await activeImage(cloud, admin)
    net = await networkWithSubnet(cloud, a.token, 'private', '10.40.0.0/24')
    req = compute(cloud)
  })
  after(async () => cloud.close())

  test('a server goes ACTIVE with an address, then DELETE removes it', async () => {
    const c = await req('POST', '/servers', a.token, {
      server: { name: 'life', imageRef: image, flavorRef: '1', networks: [{ uuid: net }] },
    })
    assert.equal(c.status, 202, JSON.stringify(c.body))
    const id = c.body.server.id as string
    const s = await waitForStatus(cloud, a.token, id, ['ACTIVE', 'ERROR'])
    assert.equal(s?.status, 'ACTIVE', JSON.stringify(s))
    const addrs = (s?.addresses as Record<string, Array<Record<string, unknown>>>).private
    assert.equal(addrs?.length, 1)
    assert.match(String(addrs?.[0]?.addr), /^10\.40\.0\.\d+$/)
    assert.equal(addrs?.[0]?.['OS-EXT-IPS:type'], 'fixed')
    assert.deepEqual(s?.security_groups, [{ name: 'default' }])
    assert.equal(typeof s?.['OS-SRV-USG:launched_at'], 'string')
    assert.equal(s?.['OS-EXT-STS:power_state'], 1)
    assert.notEqual(s?.hostId, '')
    const ips = await req('GET', `/servers/${id}/ips`, a.token)
    assert.deepEqual(ips.body, { addresses: { private: [{ version: 4, addr: addrs?.[0]?.addr }] } })
    const actions = await req(
      'GET',
      `/servers/${id}/os-instance-actions/${String(c.headers['x-openstack-request-id'])}`,
      admin,
    )
    assert.equal(actions.status, 200)
    assert.ok(actions.body.instanceAction.events.length >= 1)

    const byIp = async (q: string) =>
      (
        (await req('GET', `/servers?${q}`, a.token)).body as { servers: Array<{ id: string }> }
      ).servers.map((x) => x.id)
    assert.deepEqual(await byIp('ip=10.40.0.'), [id])
    assert.deepEqual(await byIp(`ip=${String(addrs?.[0]?.addr)}`), [id])
    assert.deepEqual(await byIp('ip=0.40.0'), [], 'the ip regex matches from the start')
    const d = await req('DELETE', `/servers/${id}`, a.token)
    assert.equal(d.status, 204)
    const gone = await waitForStatus(cloud, a.token, id, [])
    assert.equal(gone, undefined, 'the server disappears')
    const ports = await cloud.request('GET', `/networking/v2.0/ports?device_id=${id}`, {
      token: a.token,
    })
    assert.deepEqual(ports.body.ports, [], 'its port is deleted with it')
  })

  test('a fresh project boots on a shared network (auto) and gets its default group', async () => {
    const n = await cloud.request('POST', '/networking/v2.0/networks', {
      token: admin,
      body: { network: { name: 'shared', shared: true } },
    })
    assert.equal(n.status, 201)
    const netId = (n.body as { network: { id: string } }).network.id
    const sub = await cloud.request('POST', '/networking/v2.0/subnets', {
      token: admin,
      body: { subnet: { network_id: netId, ip_version: 4, cidr: '10.41.0.0/24' } },
    })
    assert.equal(sub.status, 201)
    const fresh = await memberOf(cloud, admin, 'srv-life-fresh')
    const c = await req('POST', '/servers', fresh.token, {
      server: { name: 'fresh', imageRef: image, flavorRef: '1' },
    })
    assert.equal(c.status, 202, JSON.stringify(c.body))
    const s = await waitForStatus(
      cloud,
      fresh.token,
      (c.body as { server: { id: string } }).server.id,
      ['ACTIVE', 'ERROR'],
    )
    assert.equal(s?.status, 'ACTIVE', JSON.stringify(s?.fault))
    assert.deepEqual(Object.keys(s?.addresses as object), ['shared'])
    assert.deepEqual(s?.security_groups, [{ name: 'default' }])
  })
})
