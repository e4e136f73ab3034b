import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { createTestCloud, type TestCloud } from '../../identity/testing.js'
import { memberOf } from '../../network/api/l3-test-fixtures.js'
import { insertInstance } from '../actions/test-fixtures.js'
import { activeImage, compute, networkWithSubnet, waitForStatus } from './servers-test-fixtures.js'

/** Interfaces, security groups, external events and server migrations on real servers. */
describe('server devices and events', () => {
  let cloud: TestCloud
  let admin: string
  let member: { projectId: string; token: string }
  let image: string
  let net: string
  let c: ReturnType<typeof compute>

  const boot = async (token: string, name: string, networks: unknown = 'none'): Promise<string> => {
    const r = await c(
      'POST',
      '/servers',
      token,
      { server: { name, imageRef: image, flavorRef: '1', networks } },
      '2.37',
    )
    assert.equal(r.status, 202, JSON.stringify(r.body))
    const s = await waitForStatus(cloud, token, r.body.server.id, ['ACTIVE', 'ERROR'])
    assert.equal(s?.status, 'ACTIVE', JSON.stringify(s))
    return r.body.server.id as string
  }

  before(async () => {
    cloud = await createTestCloud({ env: { NUBIS_FAKE__NODES: '2' } })
    admin = await cloud.adminToken()
    member = await memberOf(cloud, admin, 'dev')
    image = await activeImage(cloud, admin)
    net = await networkWithSubnet(cloud, member.token, 'devnet', '10.50.0.0/24')
    c = compute(cloud)
  })
  after(async () => cloud.close())

  test('os-interface: attach on a network, list, show, detach deletes the port', async () => {
    const id = await boot(member.token, 'nic')
    assert.deepEqual((await c('GET', `/servers/${id}/os-interface`, member.token)).body, {
      interfaceAttachments: [],
    })
    const r = await c('POST', `/servers/${id}/os-interface`, member.token, {
      interfaceAttachment: { net_id: net, fixed_ips: [{ ip_address: '10.50.0.77' }] },
    })
    assert.equal(r.status, 200, JSON.stringify(r.body))
    const nic = r.body.interfaceAttachment
    assert.equal(nic.net_id, net)
    assert.equal(nic.fixed_ips[0].ip_address, '10.50.0.77')
    assert.deepEqual(Object.keys(nic).sort(), [
      'fixed_ips',
      'mac_addr',
      'net_id',
      'port_id',
      'port_state',
    ])
    assert.equal(nic.port_state, 'ACTIVE')
    // Tempest waits for the detach through the instance action's compute_detach_interface event.
    const list = await c('GET', `/servers/${id}/os-interface`, member.token)
    assert.deepEqual(
      list.body.interfaceAttachments.map((i: { port_id: string }) => i.port_id),
      [nic.port_id],
    )
    const shown = await c('GET', `/servers/${id}/os-interface/${nic.port_id}`, member.token)
    assert.equal(shown.body.interfaceAttachment.mac_addr, nic.mac_addr)
    const port = await cloud.request('GET', `/networking/v2.0/ports/${nic.port_id}`, {
      token: member.token,
    })
    assert.equal(port.body.port.device_id, id)
    assert.match(port.body.port.device_owner, /^compute:/)

    const both = await c('POST', `/servers/${id}/os-interface`, member.token, {
      interfaceAttachment: { net_id: net, port_id: nic.port_id },
    })
    assert.equal(both.status, 400)

    const del = await c('DELETE', `/servers/${id}/os-interface/${nic.port_id}`, member.token)
    assert.equal(del.status, 202)
    const reqId = String(del.headers['x-openstack-request-id'])
    const action = await c(
      'GET',
      `/servers/${id}/os-instance-actions/${reqId}`,
      member.token,
      undefined,
      '2.51',
    )
    assert.equal(action.status, 200, JSON.stringify(action.body))
    assert.deepEqual(
      action.body.instanceAction.events.map((e: { event: string; result: string }) => [
        e.event,
        e.result,
      ]),
      [['compute_detach_interface', 'Success']],
    )
    const gone = await cloud.request('GET', `/networking/v2.0/ports/${nic.port_id}`, {
      token: member.token,
    })
    assert.equal(gone.status, 404)
    assert.equal(
      (await c('DELETE', `/servers/${id}/os-interface/${nic.port_id}`, member.token)).status,
      404,
    )
  })

  test('os-interface: a passed-in port is adopted and given back unbound on detach', async () => {
    const id = await boot(member.token, 'nic2')
    const p = await cloud.request('POST', '/networking/v2.0/ports', {
      token: member.token,
      body: { port: { network_id: net } },
    })
    assert.equal(p.status, 201)
    const portId = p.body.port.id as string
    const r = await c('POST', `/servers/${id}/os-interface`, member.token, {
      interfaceAttachment: { port_id: portId },
    })
    assert.equal(r.status, 200, JSON.stringify(r.body))
    const other = await boot(member.token, 'nic3')
    const inUse = await c('POST', `/servers/${other}/os-interface`, member.token, {
      interfaceAttachment: { port_id: portId },
    })
    assert.equal(inUse.status, 409)
    assert.equal(
      (await c('DELETE', `/servers/${id}/os-interface/${portId}`, member.token)).status,
      202,
    )
    const after = await cloud.request('GET', `/networking/v2.0/ports/${portId}`, {
      token: member.token,
    })
    assert.equal(after.status, 200)
    assert.equal(after.body.port.device_id, '')
  })

  test('addFixedIp/removeFixedIp (≤ 2.43) change the addresses of the server port', async () => {
    const id = await boot(member.token, 'multinic', [{ uuid: net }])
    const ips = async () => {
      const ports = await cloud.request('GET', `/networking/v2.0/ports?device_id=${id}`, {
        token: member.token,
      })
      return (ports.body.ports[0].fixed_ips as Array<{ ip_address: string }>).map(
        (f) => f.ip_address,
      )
    }
    const before = await ips()
    assert.equal(
      (await c('POST', `/servers/${id}/action`, member.token, { addFixedIp: { networkId: net } }))
        .status,
      202,
    )
    const after = await ips()
    assert.equal(after.length, before.length + 1)
    const added = after.find((ip) => !before.includes(ip)) as string
    const rm = await c('POST', `/servers/${id}/action`, member.token, {
      removeFixedIp: { address: added },
    })
    assert.equal(rm.status, 202)
    assert.deepEqual(await ips(), before)
    const again = await c('POST', `/servers/${id}/action`, member.token, {
      removeFixedIp: { address: added },
    })
    assert.equal(again.status, 400)
    const late = await c(
      'POST',
      `/servers/${id}/action`,
      member.token,
      { addFixedIp: { networkId: net } },
      '2.44',
    )
    assert.equal(late.status, 404)
  })

  test('addSecurityGroup/removeSecurityGroup change the groups of the server ports', async () => {
    const id = await boot(member.token, 'sg', [{ uuid: net }])
    const sg = await cloud.request('POST', '/networking/v2.0/security-groups', {
      token: member.token,
      body: { security_group: { name: 'web' } },
    })
    assert.equal(sg.status, 201)
    const add = await c('POST', `/servers/${id}/action`, member.token, {
      addSecurityGroup: { name: 'web' },
    })
    assert.equal(add.status, 202, JSON.stringify(add.body))
    const ports = await cloud.request('GET', `/networking/v2.0/ports?device_id=${id}`, {
      token: member.token,
    })
    assert.ok(ports.body.ports[0].security_groups.includes(sg.body.security_group.id))
    const rm = await c('POST', `/servers/${id}/action`, member.token, {
      removeSecurityGroup: { name: 'web' },
    })
    assert.equal(rm.status, 202)
    const again = await cloud.request('GET', `/networking/v2.0/ports?device_id=${id}`, {
      token: member.token,
    })
    assert.ok(!again.body.ports[0].security_groups.includes(sg.body.security_group.id))
    const rm2 = await c('POST', `/servers/${id}/action`, member.token, {
      removeSecurityGroup: { name: 'web' },
    })
    assert.equal(rm2.status, 404)
  })

  test('os-server-external-events: per-event codes, 207 when any failed, admin only', async () => {
    const id = await boot(admin, 'events')
    const unplaced = await insertInstance(cloud, member.projectId, { host: null })
    const missing = '00000000-0000-4000-8000-000000000000'
    const body = {
      events: [
        { server_uuid: id, name: 'network-changed' },
        { server_uuid: missing, name: 'network-vif-plugged', tag: 'p' },
        { server_uuid: unplaced.uuid, name: 'network-vif-deleted', tag: 'p' },
      ],
    }
    assert.equal((await c('POST', '/os-server-external-events', member.token, body)).status, 403)
    const r = await c('POST', '/os-server-external-events', admin, body)
    assert.equal(r.status, 207)
    assert.deepEqual(
      r.body.events.map((e: { code: number; status: string }) => [e.code, e.status]),
      [
        [200, 'completed'],
        [404, 'failed'],
        [422, 'failed'],
      ],
    )
    const ok = await c('POST', '/os-server-external-events', admin, { events: [body.events[0]] })
    assert.equal(ok.status, 200)
    const v = await c('POST', '/os-server-external-events', admin, {
      events: [{ server_uuid: id, name: 'volume-extended' }],
    })
    assert.equal(v.status, 400, 'volume-extended needs 2.51')
    const v51 = await c(
      'POST',
      '/os-server-external-events',
      admin,
      { events: [{ server_uuid: id, name: 'volume-extended' }] },
      '2.51',
    )
    assert.equal(v51.status, 207)
    assert.equal(v51.body.events[0].code, 400)
  })

  test('servers/{id}/migrations: empty when idle, 404 for unknown ids, version gated', async () => {
    const id = await boot(admin, 'migs')
    assert.equal(
      (await c('GET', `/servers/${id}/migrations`, admin, undefined, '2.22')).status,
      404,
    )
    const list = await c('GET', `/servers/${id}/migrations`, admin, undefined, '2.23')
    assert.equal(list.status, 200)
    assert.deepEqual(list.body, { migrations: [] })
    assert.equal(
      (await c('GET', `/servers/${id}/migrations/1`, admin, undefined, '2.23')).status,
      404,
    )
    const fc = await c(
      'POST',
      `/servers/${id}/migrations/1/action`,
      admin,
      { force_complete: null },
      '2.22',
    )
    assert.equal(fc.status, 409, JSON.stringify(fc.body))
    const ab = await c('DELETE', `/servers/${id}/migrations/1`, admin, undefined, '2.24')
    assert.equal(ab.status, 409)
  })
})
