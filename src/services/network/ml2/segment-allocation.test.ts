import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { createTestCloud, type TestCloud } from '../../identity/testing.js'

const N = '/networking/v2.0'
const NO_NET = 'Unable to create the network. No tenant network is available for allocation.'

describe('ML2 segment allocation (network_vlan_ranges = physnet1:100:102)', () => {
  let cloud: TestCloud
  let admin: string
  before(async () => {
    cloud = await createTestCloud({
      env: {
        NUBIS_ML2__TENANT_NETWORK_TYPES: 'vlan',
        NUBIS_ML2_TYPE_VLAN__NETWORK_VLAN_RANGES: 'physnet1:100:102,physnet2',
        NUBIS_ML2_TYPE_FLAT__FLAT_NETWORKS: 'flat1',
      },
    })
    admin = await cloud.adminToken()
  })
  after(async () => cloud.close())

  const req = (method: string, url: string, body?: unknown) =>
    cloud.request(method, `${N}${url}`, { token: admin, ...(body !== undefined ? { body } : {}) })
  const vlan = async (id: string): Promise<number> =>
    (await req('GET', `/networks/${id}`)).body.network['provider:segmentation_id'] as number

  test('three tenant networks get 100, 101, 102; the fourth 503; a delete frees its VLAN', async () => {
    const ids: string[] = []
    for (let i = 0; i < 3; i++) {
      const r = await req('POST', '/networks', { network: { name: `v${i}` } })
      assert.equal(r.status, 201)
      assert.equal(r.body.network['provider:network_type'], 'vlan')
      assert.equal(r.body.network['provider:physical_network'], 'physnet1')
      assert.equal(r.body.network.mtu, 1500)
      ids.push(r.body.network.id)
    }
    assert.deepEqual(await Promise.all(ids.map(vlan)), [100, 101, 102])
    const fourth = await req('POST', '/networks', { network: { name: 'v3' } })
    assert.equal(fourth.status, 503)
    assert.equal(fourth.body.NeutronError.type, 'NoNetworkAvailable')
    assert.equal(fourth.body.NeutronError.message, NO_NET)
    assert.equal((await req('DELETE', `/networks/${ids[1]}`)).status, 204)
    const again = await req('POST', '/networks', { network: { name: 'v4' } })
    assert.equal(again.status, 201)
    assert.equal(again.body.network['provider:segmentation_id'], 101)
    for (const id of [ids[0], ids[2], again.body.network.id]) await req('DELETE', `/networks/${id}`)
  })

  test('concurrent creates never share a VLAN', async () => {
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) => req('POST', '/networks', { network: { name: `c${i}` } })),
    )
    const ok = results.filter((r) => r.status === 201)
    assert.equal(ok.length, 3)
    assert.ok(results.every((r) => r.status === 201 || r.status === 503))
    const vlans = ok.map((r) => r.body.network['provider:segmentation_id'] as number)
    assert.deepEqual([...vlans].sort(), [100, 101, 102])
    for (const r of ok) await req('DELETE', `/networks/${r.body.network.id}`)
  })

  test('admin provider networks: specific VLAN, taken → 409, invalid → 400, flat once per physnet', async () => {
    const p = await req('POST', '/networks', {
      network: {
        'provider:network_type': 'vlan',
        'provider:physical_network': 'physnet2',
        'provider:segmentation_id': 7,
      },
    })
    assert.equal(p.status, 201)
    assert.equal(p.body.network['provider:segmentation_id'], 7)
    const taken = await req('POST', '/networks', {
      network: {
        'provider:network_type': 'vlan',
        'provider:physical_network': 'physnet2',
        'provider:segmentation_id': 7,
      },
    })
    assert.equal(taken.status, 409)
    assert.equal(taken.body.NeutronError.type, 'VlanIdInUse')
    assert.equal(
      taken.body.NeutronError.message,
      'Unable to create the network. The VLAN 7 on physical network physnet2 is in use.',
    )
    const bad = [
      {
        'provider:network_type': 'vlan',
        'provider:physical_network': 'nope',
        'provider:segmentation_id': 7,
      },
      {
        'provider:network_type': 'vlan',
        'provider:physical_network': 'physnet2',
        'provider:segmentation_id': 5000,
      },
      { 'provider:network_type': 'bogus' },
      { 'provider:network_type': 'flat' },
      { 'provider:network_type': 'vxlan', 'provider:physical_network': 'physnet1' },
      { 'provider:segmentation_id': 'abc', 'provider:network_type': 'vlan' },
    ]
    for (const network of bad) {
      const r = await req('POST', '/networks', { network })
      assert.equal(r.status, 400, JSON.stringify(network))
    }
    const flat = await req('POST', '/networks', {
      network: { 'provider:network_type': 'flat', 'provider:physical_network': 'flat1' },
    })
    assert.equal(flat.status, 201)
    assert.equal(flat.body.network['provider:segmentation_id'], null)
    const flat2 = await req('POST', '/networks', {
      network: { 'provider:network_type': 'flat', 'provider:physical_network': 'flat1' },
    })
    assert.equal(flat2.status, 409)
    assert.equal(
      flat2.body.NeutronError.message,
      'Unable to create the flat network. Physical network flat1 is in use.',
    )
    const vx = await req('POST', '/networks', {
      network: { 'provider:network_type': 'vxlan', 'provider:segmentation_id': 4242 },
    })
    assert.equal(vx.status, 201)
    assert.equal(vx.body.network.mtu, 1450)
    const multi = await req('POST', '/networks', {
      network: {
        segments: [
          {
            'provider:network_type': 'vlan',
            'provider:physical_network': 'physnet2',
            'provider:segmentation_id': 8,
          },
          { 'provider:network_type': 'gre', 'provider:segmentation_id': 9 },
        ],
      },
    })
    assert.equal(multi.status, 201)
    assert.equal(multi.body.network.segments.length, 2)
    assert.equal(multi.body.network.mtu, 1458, 'the smallest segment MTU: gre 1500 - 42')
    for (const r of [p, flat, vx, multi])
      assert.equal((await req('DELETE', `/networks/${r.body.network.id}`)).status, 204)
    const reuse = await req('POST', '/networks', {
      network: { 'provider:network_type': 'flat', 'provider:physical_network': 'flat1' },
    })
    assert.equal(reuse.status, 201, 'deleting the flat network freed its physnet')
  })
})
