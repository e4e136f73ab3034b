import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { AuthContext } from '../../../common/auth-context.js'
import { createTestCloud, type TestCloud } from '../../identity/testing.js'
import { canSeeSubnetsOf } from '../visibility.js'
import { memberOf } from './l3-test-fixtures.js'

const N = '/networking/v2.0'

describe('network networks API', () => {
  let cloud: TestCloud
  let admin: string
  let a: { projectId: string; token: string }
  let b: { projectId: string; token: string }
  before(async () => {
    cloud = await createTestCloud()
    admin = await cloud.adminToken()
    a = await memberOf(cloud, admin, 'net-a')
    b = await memberOf(cloud, admin, 'net-b')
  })
  after(async () => cloud.close())

  const req = (method: string, url: string, token: string, body?: unknown) =>
    cloud.request(method, `${N}${url}`, { token, ...(body !== undefined ? { body } : {}) })

  test('create, show, list, update, delete with Neutron shapes', async () => {
    const c = await req('POST', '/networks', a.token, {
      network: { name: 'n1', description: 'd1' },
    })
    assert.equal(c.status, 201)
    const n = c.body.network
    assert.equal(n.name, 'n1')
    assert.equal(n.description, 'd1')
    assert.equal(n.status, 'ACTIVE')
    assert.equal(n.admin_state_up, true)
    assert.equal(n.shared, false)
    assert.equal(n['router:external'], false)
    assert.equal(n.port_security_enabled, true)
    assert.equal(n.project_id, a.projectId)
    assert.equal(n.tenant_id, a.projectId)
    assert.equal(n.mtu, 1450, 'vxlan tenant network: 1500 - 50')
    assert.deepEqual(n.subnets, [])
    assert.deepEqual(n.tags, [])
    assert.equal(n.revision_number, 0)
    assert.match(n.created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/)
    assert.equal('provider:network_type' in n, false, 'provider attributes are admin-only')
    const adminView = (await req('GET', `/networks/${n.id}`, admin)).body.network
    assert.equal(adminView['provider:network_type'], 'vxlan')
    assert.equal(adminView['provider:physical_network'], null)
    assert.equal(typeof adminView['provider:segmentation_id'], 'number')

    const fields = await req('GET', `/networks/${n.id}?fields=id&fields=name&fields=mtu`, a.token)
    assert.deepEqual(Object.keys(fields.body.network).sort(), ['id', 'mtu', 'name'])
    const list = await req('GET', '/networks?name=n1', a.token)
    assert.deepEqual(
      list.body.networks.map((x: { id: string }) => x.id),
      [n.id],
    )

    const u = await req('PUT', `/networks/${n.id}`, a.token, {
      network: { name: 'n2', admin_state_up: false, description: 'd2' },
    })
    assert.equal(u.status, 200)
    assert.equal(u.body.network.name, 'n2')
    assert.equal(u.body.network.admin_state_up, false)
    assert.equal(u.body.network.revision_number, 1)
    const same = await req('PUT', `/networks/${n.id}`, a.token, { network: { name: 'n2' } })
    assert.equal(same.body.network.revision_number, 1, 'no change, no new revision')
    assert.equal((await req('DELETE', `/networks/${n.id}`, a.token)).status, 204)
    assert.equal((await req('GET', `/networks/${n.id}`, a.token)).status, 404)
    assert.equal((await req('DELETE', `/networks/${n.id}`, a.token)).status, 404)
  })

  test('bulk create is all or nothing', async () => {
    const ok = await req('POST', '/networks', a.token, {
      networks: [{ name: 'bulk1' }, { name: 'bulk2' }],
    })
    assert.equal(ok.status, 201)
    assert.deepEqual(
      ok.body.networks.map((x: { name: string }) => x.name),
      ['bulk1', 'bulk2'],
    )
    const bad = await req('POST', '/networks', a.token, {
      networks: [{ name: 'bulk3' }, { name: 'bulk4', bogus: 1 }],
    })
    assert.equal(bad.status, 400)
    const names = (await req('GET', '/networks', a.token)).body.networks.map(
      (x: { name: string }) => x.name,
    )
    assert.equal(names.includes('bulk3'), false)
  })

  test('bad input is a 400 with Neutron messages; admin-only attributes are 403', async () => {
    const bogus = await req('POST', '/networks', a.token, { network: { bogus: 1 } })
    assert.equal(bogus.status, 400)
    assert.equal(bogus.body.NeutronError.message, "Unrecognized attribute(s) 'bogus'")
    assert.equal(
      (await req('POST', '/networks', a.token, { network: { admin_state_up: 'True' } })).status,
      400,
    )
    assert.equal(
      (await req('POST', '/networks', a.token, { network: { name: 'x'.repeat(256) } })).status,
      400,
    )
    assert.equal((await req('POST', '/networks', a.token, { nets: {} })).status, 400)
    assert.equal(
      (await req('POST', '/networks', a.token, { network: { shared: true } })).status,
      403,
    )
    assert.equal(
      (await req('POST', '/networks', a.token, { network: { 'router:external': true } })).status,
      403,
    )
    assert.equal(
      (await req('POST', '/networks', a.token, { network: { 'provider:network_type': 'vlan' } }))
        .status,
      403,
    )
    const id = (await req('POST', '/networks', a.token, { network: { name: 'ro' } })).body.network
      .id
    const ro = await req('PUT', `/networks/${id}`, a.token, { network: { status: 'DOWN' } })
    assert.equal(ro.status, 400)
    assert.equal(ro.body.NeutronError.message, 'Cannot update read-only attribute status')
    assert.equal(
      (await req('PUT', `/networks/${id}`, a.token, { network: { shared: true } })).status,
      403,
    )
    const big = await req('PUT', `/networks/${id}`, a.token, { network: { mtu: 9000 } })
    assert.equal(big.status, 400)
    assert.equal(
      (await req('PUT', `/networks/${id}`, a.token, { network: { mtu: 1400 } })).body.network.mtu,
      1400,
    )
  })

  test('tenant isolation; shared and external networks are visible to all', async () => {
    const priv = (await req('POST', '/networks', a.token, { network: { name: 'private-a' } })).body
      .network.id
    assert.equal((await req('GET', `/networks/${priv}`, b.token)).status, 404)
    assert.equal(
      (await req('PUT', `/networks/${priv}`, b.token, { network: { name: 'x' } })).status,
      404,
    )
    assert.equal((await req('DELETE', `/networks/${priv}`, b.token)).status, 404)
    const seenByB = (await req('GET', '/networks', b.token)).body.networks.map(
      (x: { id: string }) => x.id,
    )
    assert.equal(seenByB.includes(priv), false)

    const shared = (
      await req('POST', '/networks', admin, { network: { name: 'shared', shared: true } })
    ).body.network
    assert.equal(shared.shared, true)
    const ext = (
      await req('POST', '/networks', admin, { network: { name: 'ext', 'router:external': true } })
    ).body.network
    assert.equal(ext['router:external'], true)
    const bSees = await req('GET', `/networks/${shared.id}`, b.token)
    assert.equal(bSees.status, 200)
    assert.equal(bSees.body.network.shared, true)
    assert.equal(
      (await req('PUT', `/networks/${shared.id}`, b.token, { network: { name: 'x' } })).status,
      403,
    )
    const extList = (await req('GET', '/networks?router:external=True', b.token)).body.networks
    assert.ok(extList.some((x: { id: string }) => x.id === ext.id))
    assert.ok(extList.every((x: Record<string, unknown>) => x['router:external'] === true))
    const policies = await cloud.network.ctx.db
      .selectFrom('rbac_policies')
      .selectAll()
      .where('object_id', 'in', [shared.id, ext.id])
      .execute()
    assert.deepEqual(policies.map((p) => `${p.action}:${p.target_project}`).sort(), [
      'access_as_external:*',
      'access_as_shared:*',
    ])

    const bAuth = { roles: ['member'], project: { id: b.projectId } } as unknown as AuthContext
    assert.equal(
      await canSeeSubnetsOf(cloud.network.ctx.db, bAuth, ext.id),
      false,
      'external only: subnets hidden',
    )
    assert.equal(await canSeeSubnetsOf(cloud.network.ctx.db, bAuth, shared.id), true)
    const un = await req('PUT', `/networks/${shared.id}`, admin, { network: { shared: false } })
    assert.equal(un.body.network.shared, false)
    assert.equal((await req('GET', `/networks/${shared.id}`, b.token)).status, 404)
  })

  test('network shared to one project by an RBAC policy is visible to it only', async () => {
    const net = (await req('POST', '/networks', a.token, { network: { name: 'rbac-net' } })).body
      .network.id
    await cloud.network.ctx.db
      .insertInto('rbac_policies')
      .values({
        id: 'p-rbac-1',
        project_id: a.projectId,
        object_type: 'network',
        object_id: net,
        target_project: b.projectId,
        action: 'access_as_shared',
      })
      .execute()
    const seen = await req('GET', `/networks/${net}`, b.token)
    assert.equal(seen.status, 200)
    assert.equal(seen.body.network.shared, true)
    assert.equal((await req('GET', `/networks/${net}`, a.token)).body.network.shared, false)
  })

  test('delete refuses while a port other than DHCP exists, then cascades subnets', async () => {
    const net = (await req('POST', '/networks', a.token, { network: { name: 'busy' } })).body
      .network.id
    const db = cloud.network.ctx.db
    const stamp = {
      description: '',
      created_at: '2026-01-01T00:00:00Z',
      updated_at: '2026-01-01T00:00:00Z',
      revision_number: 0,
    }
    const port = (id: string, owner: string, mac: string) => ({
      id,
      project_id: a.projectId,
      network_id: net,
      name: '',
      mac_address: mac,
      admin_state_up: 1 as const,
      status: 'ACTIVE',
      device_id: '',
      device_owner: owner,
      binding_host_id: '',
      binding_vif_type: 'unbound',
      binding_vif_details: '{}',
      binding_vnic_type: 'normal',
      binding_profile: '{}',
      port_security_enabled: 1 as const,
      allowed_address_pairs: '[]',
      extra_dhcp_opts: '[]',
      dns_name: '',
      ...stamp,
    })
    await db
      .insertInto('ports')
      .values([
        port('busy-port', 'compute:nova', 'fa:16:3e:00:00:01'),
        port('dhcp-port', 'network:dhcp', 'fa:16:3e:00:00:02'),
      ])
      .execute()
    await db
      .insertInto('subnets')
      .values({
        id: 'busy-subnet',
        project_id: a.projectId,
        network_id: net,
        name: '',
        ip_version: 4,
        cidr: '10.9.0.0/24',
        gateway_ip: '10.9.0.1',
        enable_dhcp: 1,
        ipv6_ra_mode: null,
        ipv6_address_mode: null,
        subnetpool_id: null,
        dns_nameservers: '[]',
        host_routes: '[]',
        allocation_pools: '[]',
        service_types: '[]',
        segment_id: null,
        ...stamp,
      })
      .execute()
    assert.deepEqual((await req('GET', `/networks/${net}`, a.token)).body.network.subnets, [
      'busy-subnet',
    ])
    const refused = await req('DELETE', `/networks/${net}`, a.token)
    assert.equal(refused.status, 409)
    assert.equal(refused.body.NeutronError.type, 'NetworkInUse')
    assert.equal(
      refused.body.NeutronError.message,
      `Unable to complete operation on network ${net}. There are one or more ports still in use on the network, id for these ports is: busy-port.`,
    )
    await db.deleteFrom('ports').where('id', '=', 'busy-port').execute()
    assert.equal((await req('DELETE', `/networks/${net}`, a.token)).status, 204)
    assert.equal(
      (await db.selectFrom('subnets').selectAll().where('network_id', '=', net).execute()).length,
      0,
    )
    assert.equal(
      (await db.selectFrom('ports').selectAll().where('network_id', '=', net).execute()).length,
      0,
    )
  })
})
