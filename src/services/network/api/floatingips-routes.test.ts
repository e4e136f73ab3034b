import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { Db } from '../../../db/database.js'
import { createTestCloud, type TestCloud } from '../../identity/testing.js'
import { beforePortDelete } from '../l3-port-hooks.js'
import { memberOf, seedNetwork, seedPort, seedSubnet } from './l3-test-fixtures.js'

const N = '/networking/v2.0'

describe('network floating IPs API', () => {
  let cloud: TestCloud
  let db: Db
  let admin: string
  let a: { projectId: string; token: string }
  let b: { projectId: string; token: string }
  let extNet: string
  let net: string
  let sub: string
  let router: string
  before(async () => {
    cloud = await createTestCloud()
    db = cloud.network.ctx.db
    admin = await cloud.adminToken()
    a = await memberOf(cloud, admin, 'fip-a')
    b = await memberOf(cloud, admin, 'fip-b')
    const adminProject = (
      await db
        .selectFrom('projects')
        .select('id')
        .where('name', '=', 'admin')
        .executeTakeFirstOrThrow()
    ).id
    extNet = await seedNetwork(db, adminProject, true)
    await seedSubnet(db, extNet, adminProject, '172.24.4')
    net = await seedNetwork(db, a.projectId)
    sub = await seedSubnet(db, net, a.projectId, '10.0.0')
    router = (
      await req('POST', '/routers', a.token, {
        router: { external_gateway_info: { network_id: extNet } },
      })
    ).body.router.id
    await req('PUT', `/routers/${router}/add_router_interface`, a.token, { subnet_id: sub })
  })
  after(async () => cloud.close())

  const req = (method: string, url: string, token: string, body?: unknown) =>
    cloud.request(method, `${N}${url}`, { token, ...(body !== undefined ? { body } : {}) })

  test('allocate, associate, move, disassociate, delete', async () => {
    const p1 = await seedPort(db, net, a.projectId, [{ subnet_id: sub, ip_address: '10.0.0.10' }])
    const p2 = await seedPort(db, net, a.projectId, [{ subnet_id: sub, ip_address: '10.0.0.11' }])
    const c = await req('POST', '/floatingips', a.token, {
      floatingip: { floating_network_id: extNet, port_id: p1 },
    })
    assert.equal(c.status, 201, JSON.stringify(c.body))
    const f = c.body.floatingip
    assert.equal(f.port_id, p1)
    assert.equal(f.fixed_ip_address, '10.0.0.10')
    assert.equal(f.router_id, router)
    assert.equal(f.status, 'ACTIVE')
    assert.equal(f.project_id, a.projectId)
    assert.match(f.floating_ip_address, /^172\.24\.4\.\d+$/)
    assert.equal(f.port_details.network_id, net)
    assert.equal(f.port_details.admin_state_up, true)
    const fport = await db
      .selectFrom('ports')
      .selectAll()
      .where('device_id', '=', f.id)
      .executeTakeFirstOrThrow()
    assert.equal(fport.device_owner, 'network:floatingip')
    const moved = await req('PUT', `/floatingips/${f.id}`, a.token, { floatingip: { port_id: p2 } })
    assert.equal(moved.body.floatingip.fixed_ip_address, '10.0.0.11')
    const dup = await req('POST', '/floatingips', a.token, {
      floatingip: { floating_network_id: extNet, port_id: p2 },
    })
    assert.equal(dup.status, 409)
    const off = await req('PUT', `/floatingips/${f.id}`, a.token, { floatingip: { port_id: null } })
    assert.equal(off.body.floatingip.port_id, null)
    assert.equal(off.body.floatingip.fixed_ip_address, null)
    assert.equal(off.body.floatingip.router_id, null)
    assert.equal(off.body.floatingip.status, 'DOWN')
    assert.equal(off.body.floatingip.port_details, null)
    assert.ok(
      (await req('GET', '/floatingips', a.token)).body.floatingips.some(
        (x: { id: string }) => x.id === f.id,
      ),
    )
    assert.equal(
      (await req('GET', `/floatingips?port_id=${p1}`, a.token)).body.floatingips.length,
      0,
    )
    assert.equal((await req('DELETE', `/floatingips/${f.id}`, a.token)).status, 204)
    assert.equal((await req('GET', `/floatingips/${f.id}`, a.token)).status, 404)
    assert.equal(
      (await db.selectFrom('ports').select('id').where('id', '=', fport.id).execute()).length,
      0,
    )
  })

  test('the ports API hook: L3 ports are protected, floating IPs are unbound', async () => {
    const p = await seedPort(db, net, a.projectId, [{ subnet_id: sub, ip_address: '10.0.0.40' }])
    const f = (
      await req('POST', '/floatingips', a.token, {
        floatingip: { floating_network_id: extNet, port_id: p },
      })
    ).body.floatingip
    const iface = await db
      .selectFrom('ports')
      .selectAll()
      .where('device_id', '=', router)
      .where('device_owner', '=', 'network:router_interface')
      .executeTakeFirstOrThrow()
    await assert.rejects(
      beforePortDelete(db, iface, true),
      (e: { status?: number; type?: string }) => e.status === 409 && e.type === 'ServicePortInUse',
    )
    const fport = await db
      .selectFrom('ports')
      .selectAll()
      .where('device_id', '=', f.id)
      .executeTakeFirstOrThrow()
    await assert.rejects(
      beforePortDelete(db, fport, true),
      (e: { status?: number }) => e.status === 409,
    )
    const row = await db
      .selectFrom('ports')
      .selectAll()
      .where('id', '=', p)
      .executeTakeFirstOrThrow()
    await beforePortDelete(db, row, true)
    const after = (await req('GET', `/floatingips/${f.id}`, a.token)).body.floatingip
    assert.equal(after.port_id, null)
    assert.equal(after.router_id, null)
    await req('DELETE', `/floatingips/${f.id}`, a.token)
  })

  test('a router interface in use by a floating IP cannot be removed', async () => {
    const p = await seedPort(db, net, a.projectId, [{ subnet_id: sub, ip_address: '10.0.0.20' }])
    const f = (
      await req('POST', '/floatingips', a.token, {
        floatingip: { floating_network_id: extNet, port_id: p },
      })
    ).body.floatingip
    const busy = await req('PUT', `/routers/${router}/remove_router_interface`, a.token, {
      subnet_id: sub,
    })
    assert.equal(busy.status, 409)
    assert.equal(busy.body.NeutronError.type, 'RouterInterfaceInUseByFloatingIP')
    const gw = await req('PUT', `/routers/${router}`, a.token, {
      router: { external_gateway_info: {} },
    })
    assert.equal(gw.status, 409)
    await req('DELETE', `/floatingips/${f.id}`, a.token)
  })

  test('unreachable, private network, bad input, isolation', async () => {
    const lone = await seedNetwork(db, a.projectId)
    const loneSub = await seedSubnet(db, lone, a.projectId, '10.7.0')
    const lp = await seedPort(db, lone, a.projectId, [
      { subnet_id: loneSub, ip_address: '10.7.0.5' },
    ])
    const unreachable = await req('POST', '/floatingips', a.token, {
      floatingip: { floating_network_id: extNet, port_id: lp },
    })
    assert.equal(unreachable.status, 404)
    assert.equal(unreachable.body.NeutronError.type, 'ExternalGatewayForFloatingIPNotFound')
    assert.equal(
      (await req('POST', '/floatingips', a.token, { floatingip: { floating_network_id: lone } }))
        .status,
      400,
    )
    assert.equal((await req('POST', '/floatingips', a.token, { floatingip: {} })).status, 400)
    assert.equal(
      (
        await req('POST', '/floatingips', a.token, {
          floatingip: { floating_network_id: extNet, bogus: 1 },
        })
      ).status,
      400,
    )
    assert.equal(
      (
        await req('POST', '/floatingips', a.token, {
          floatingip: { floating_network_id: extNet, floating_ip_address: '172.24.4.77' },
        })
      ).status,
      403,
    )
    const p = await seedPort(db, net, a.projectId, [{ subnet_id: sub, ip_address: '10.0.0.30' }])
    const wrongIp = await req('POST', '/floatingips', a.token, {
      floatingip: { floating_network_id: extNet, port_id: p, fixed_ip_address: '10.0.0.31' },
    })
    assert.equal(wrongIp.status, 400)
    const noPort = await req('POST', '/floatingips', a.token, {
      floatingip: { floating_network_id: extNet, fixed_ip_address: '10.0.0.30' },
    })
    assert.equal(noPort.status, 400)
    const f = (
      await req('POST', '/floatingips', a.token, { floatingip: { floating_network_id: extNet } })
    ).body.floatingip
    assert.equal(f.status, 'DOWN')
    const unreach = await req('PUT', `/floatingips/${f.id}`, a.token, {
      floatingip: { port_id: lp },
    })
    assert.equal(unreach.status, 404)
    assert.equal((await req('GET', `/floatingips/${f.id}`, b.token)).status, 404)
    assert.equal(
      (await req('PUT', `/floatingips/${f.id}`, b.token, { floatingip: { port_id: null } })).status,
      404,
    )
    assert.equal((await req('DELETE', `/floatingips/${f.id}`, b.token)).status, 404)
    assert.ok(
      !(await req('GET', '/floatingips', b.token)).body.floatingips.some(
        (x: { id: string }) => x.id === f.id,
      ),
    )
    const fb = await req('POST', '/floatingips', b.token, {
      floatingip: { floating_network_id: extNet, port_id: p },
    })
    assert.equal(fb.status, 404)
    const fixed = await req('POST', '/floatingips', admin, {
      floatingip: {
        floating_network_id: extNet,
        floating_ip_address: '172.24.4.77',
        project_id: a.projectId,
        port_id: p,
      },
    })
    assert.equal(fixed.status, 201, JSON.stringify(fixed.body))
    assert.equal(fixed.body.floatingip.floating_ip_address, '172.24.4.77')
    assert.equal(fixed.body.floatingip.project_id, a.projectId)
    const taken = await req('POST', '/floatingips', admin, {
      floatingip: { floating_network_id: extNet, floating_ip_address: '172.24.4.77' },
    })
    assert.equal(taken.status, 409)
  })
})
