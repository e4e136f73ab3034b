import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import pino from 'pino'
import { createTestCloud, type TestCloud } from '../../identity/testing.js'
import { MechanismChain } from './mechanism-chain.js'
import type { MechanismDriver } from './mechanism-driver.js'

const N = '/networking/v2.0'

describe('ML2 chain wired into network create/update/delete', () => {
  let cloud: TestCloud
  let admin: string
  const calls: string[] = []
  let failOn: string | undefined
  before(async () => {
    cloud = await createTestCloud({
      env: {
        NUBIS_ML2__TENANT_NETWORK_TYPES: 'vlan',
        NUBIS_ML2_TYPE_VLAN__NETWORK_VLAN_RANGES: 'physnet1:10:10',
      },
    })
    admin = await cloud.adminToken()
    const record =
      (hook: string) =>
      (c: {
        current: Record<string, unknown>
        segments?: readonly { segmentation_id: number | null }[]
      }) => {
        calls.push(`${hook}:${String(c.current['name'])}:${c.segments?.[0]?.segmentation_id ?? ''}`)
        if (failOn === hook) throw new Error(`${hook} broke`)
      }
    const spy = {
      name: 'spy',
      createNetworkPrecommit: record('createNetworkPrecommit'),
      createNetworkPostcommit: record('createNetworkPostcommit'),
      updateNetworkPrecommit: record('updateNetworkPrecommit'),
      updateNetworkPostcommit: record('updateNetworkPostcommit'),
      deleteNetworkPrecommit: record('deleteNetworkPrecommit'),
      deleteNetworkPostcommit: record('deleteNetworkPostcommit'),
      deleteSubnetPrecommit: record('deleteSubnetPrecommit'),
      deleteSubnetPostcommit: record('deleteSubnetPostcommit'),
    } as MechanismDriver
    // NOTE: swap the process's chain for one with a spy driver (ml2 is a plain object).
    ;(cloud.network.ctx.ml2 as { chain: MechanismChain }).chain = new MechanismChain(
      [spy],
      pino({ level: 'silent' }),
    )
  })
  after(async () => cloud.close())

  const req = (method: string, url: string, body?: unknown) =>
    cloud.request(method, `${N}${url}`, { token: admin, ...(body !== undefined ? { body } : {}) })

  test('hooks see the network and its segment, in order', async () => {
    calls.length = 0
    const id = (await req('POST', '/networks', { network: { name: 'h' } })).body.network.id
    await req('PUT', `/networks/${id}`, { network: { name: 'h2' } })
    const t = '2026-01-01T00:00:00Z'
    await cloud.network.ctx.db
      .insertInto('subnets')
      .values({
        id: 'sub-h',
        project_id: 'p',
        network_id: id,
        name: 'sub',
        ip_version: 4,
        cidr: '10.1.0.0/24',
        gateway_ip: null,
        enable_dhcp: 0,
        ipv6_ra_mode: null,
        ipv6_address_mode: null,
        subnetpool_id: null,
        dns_nameservers: '[]',
        host_routes: '[]',
        allocation_pools: '[]',
        service_types: '[]',
        segment_id: null,
        description: '',
        created_at: t,
        updated_at: t,
        revision_number: 0,
      })
      .execute()
    assert.equal((await req('DELETE', `/networks/${id}`)).status, 204)
    assert.deepEqual(calls, [
      'createNetworkPrecommit:h:10',
      'createNetworkPostcommit:h:10',
      'updateNetworkPrecommit:h2:10',
      'updateNetworkPostcommit:h2:10',
      'deleteSubnetPrecommit:sub:',
      'deleteNetworkPrecommit:h2:10',
      'deleteSubnetPostcommit:sub:',
      'deleteNetworkPostcommit:h2:10',
    ])
  })

  test('a precommit failure leaves nothing written; a postcommit failure is surfaced and undone', async () => {
    failOn = 'createNetworkPrecommit'
    const pre = await req('POST', '/networks', { network: { name: 'pre' } })
    assert.equal(pre.status, 500)
    assert.equal(pre.body.NeutronError.type, 'MechanismDriverError')
    assert.equal(pre.body.NeutronError.message, 'create_network_precommit failed.')
    failOn = 'createNetworkPostcommit'
    const post = await req('POST', '/networks', { network: { name: 'post' } })
    assert.equal(post.status, 500)
    assert.equal(post.body.NeutronError.message, 'create_network_postcommit failed.')
    failOn = undefined
    const db = cloud.network.ctx.db
    assert.equal(
      (await db.selectFrom('networks').selectAll().where('name', 'in', ['pre', 'post']).execute())
        .length,
      0,
    )
    assert.equal(
      (await db.selectFrom('segment_allocations').selectAll().execute()).length,
      0,
      'VLAN 10 released',
    )
    assert.equal((await req('POST', '/networks', { network: { name: 'ok' } })).status, 201)
  })
})
