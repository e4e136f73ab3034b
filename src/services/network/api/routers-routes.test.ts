import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { Db } from '../../../db/database.js'
import { createTestCloud, type TestCloud } from '../../identity/testing.js'
import { memberOf, seedNetwork, seedPort, seedSubnet } from './l3-test-fixtures.js'

const N = '/networking/v2.0'

describe('network routers API', () => {
  let cloud: TestCloud
  let db: Db
  let admin: string
  let a: { projectId: string; token: string }
  let b: { projectId: string; token: string }
  let adminProject: string
  let extNet: string
  let extSubnet: string
  before(async () => {
    cloud = await createTestCloud()
    db = cloud.network.ctx.db
    admin = await cloud.adminToken()
    a = await memberOf(cloud, admin, 'rt-a')
    b = await memberOf(cloud, admin, 'rt-b')
    adminProject = (
      await db
        .selectFrom('projects')
        .select('id')
        .where('name', '=', 'admin')
        .executeTakeFirstOrThrow()
    ).id
    extNet = await seedNetwork(db, adminProject, true)
    extSubnet = await seedSubnet(db, extNet, adminProject, '172.24.4')
  })
  after(async () => cloud.close())

  const req = (method: string, url: string, token: string, body?: unknown) =>
    cloud.request(method, `${N}${url}`, { token, ...(body !== undefined ? { body } : {}) })

  test('create, show, list, update, delete with Neutron shapes', async () => {
    const c = await req('POST', '/routers', a.token, {
      router: { name: 'r1', admin_state_up: false, external_gateway_info: {} },
    })
    assert.equal(c.status, 201)
    const r = c.body.router
    assert.equal(r.name, 'r1')
    assert.equal(r.admin_state_up, false)
    assert.equal(r.status, 'ACTIVE')
    assert.equal(r.project_id, a.projectId)
    assert.equal(r.tenant_id, a.projectId)
    assert.equal(r.external_gateway_info, null)
    assert.deepEqual(r.routes, [])
    assert.deepEqual(r.tags, [])
    assert.match(r.created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/)
    assert.equal((await req('GET', `/routers/${r.id}`, a.token)).body.router.id, r.id)
    const list = await req('GET', '/routers?name=r1', a.token)
    assert.deepEqual(
      list.body.routers.map((x: { id: string }) => x.id),
      [r.id],
    )
    const u = await req('PUT', `/routers/${r.id}`, a.token, {
      router: { name: 'r2', admin_state_up: true },
    })
    assert.equal(u.status, 200)
    assert.equal(u.body.router.name, 'r2')
    assert.equal(u.body.router.admin_state_up, true)
    assert.equal(u.body.router.revision_number, 1)
    assert.equal((await req('DELETE', `/routers/${r.id}`, a.token)).status, 204)
    assert.equal((await req('GET', `/routers/${r.id}`, a.token)).status, 404)
  })

  test('bad input is a 400, unknown routers 404, other projects 404', async () => {
    assert.equal(
      (await req('POST', '/routers', a.token, { router: { admin_state_up: 'True' } })).status,
      400,
    )
    assert.equal((await req('POST', '/routers', a.token, { router: { bogus: 1 } })).status, 400)
    assert.equal((await req('POST', '/routers', a.token, { router: { routes: [] } })).status, 400)
    assert.equal(
      (await req('POST', '/routers', a.token, { router: { project_id: b.projectId } })).status,
      400,
    )
    const missing = await req('GET', '/routers/nope', a.token)
    assert.equal(missing.status, 404)
    assert.equal(missing.body.NeutronError.type, 'RouterNotFound')
    assert.equal(
      (await req('PUT', '/routers/nope', a.token, { router: { name: 'x' } })).status,
      404,
    )
    assert.equal((await req('DELETE', '/routers/nope', a.token)).status, 404)
    const r = (await req('POST', '/routers', a.token, { router: { name: 'private' } })).body.router
    assert.equal((await req('GET', `/routers/${r.id}`, b.token)).status, 404)
    assert.equal(
      (await req('PUT', `/routers/${r.id}`, b.token, { router: { name: 'x' } })).status,
      404,
    )
    assert.equal((await req('DELETE', `/routers/${r.id}`, b.token)).status, 404)
    assert.ok(
      !(await req('GET', '/routers', b.token)).body.routers.some(
        (x: { id: string }) => x.id === r.id,
      ),
    )
    assert.ok(
      (await req('GET', '/routers', admin)).body.routers.some((x: { id: string }) => x.id === r.id),
    )
    const admCreate = await req('POST', '/routers', admin, {
      router: { name: 'for-b', project_id: b.projectId },
    })
    assert.equal(admCreate.body.router.project_id, b.projectId)
  })

  test('external gateway: port on the external subnet, snat policy, not-external 400, unknown 404', async () => {
    const c = await req('POST', '/routers', a.token, {
      router: { external_gateway_info: { network_id: extNet } },
    })
    assert.equal(c.status, 201, JSON.stringify(c.body))
    const gw = c.body.router.external_gateway_info
    assert.equal(gw.network_id, extNet)
    assert.equal(gw.enable_snat, true)
    assert.equal(gw.external_fixed_ips[0].subnet_id, extSubnet)
    const port = await db
      .selectFrom('ports')
      .selectAll()
      .where('device_id', '=', c.body.router.id)
      .executeTakeFirstOrThrow()
    assert.equal(port.device_owner, 'network:router_gateway')
    assert.equal(port.project_id, '')
    const snat = await req('PUT', `/routers/${c.body.router.id}`, a.token, {
      router: { external_gateway_info: { network_id: extNet, enable_snat: false } },
    })
    assert.equal(snat.status, 403)
    const adm = await req('PUT', `/routers/${c.body.router.id}`, admin, {
      router: { external_gateway_info: { network_id: extNet, enable_snat: false } },
    })
    assert.equal(adm.body.router.external_gateway_info.enable_snat, false)
    const fixed = await req('POST', '/routers', admin, {
      router: {
        external_gateway_info: {
          network_id: extNet,
          external_fixed_ips: [{ subnet_id: extSubnet, ip_address: '172.24.4.100' }],
        },
      },
    })
    assert.equal(
      fixed.body.router.external_gateway_info.external_fixed_ips[0].ip_address,
      '172.24.4.100',
    )
    const same = await req('POST', '/routers', admin, {
      router: {
        external_gateway_info: {
          network_id: extNet,
          external_fixed_ips: [{ ip_address: '172.24.4.1' }],
        },
      },
    })
    assert.equal(same.status, 400)
    const unset = await req('PUT', `/routers/${c.body.router.id}`, a.token, {
      router: { external_gateway_info: {} },
    })
    assert.equal(unset.body.router.external_gateway_info, null)
    assert.equal(
      (
        await db
          .selectFrom('ports')
          .select('id')
          .where('device_id', '=', c.body.router.id)
          .execute()
      ).length,
      0,
    )
    const priv = await seedNetwork(db, a.projectId)
    await seedSubnet(db, priv, a.projectId, '10.9.9')
    const r = c.body.router.id
    const notExt = await req('PUT', `/routers/${r}`, a.token, {
      router: { external_gateway_info: { network_id: priv } },
    })
    assert.equal(notExt.status, 400)
    const unknown = await req('PUT', `/routers/${r}`, a.token, {
      router: { external_gateway_info: { network_id: r } },
    })
    assert.equal(unknown.status, 404)
    // Deleting a router removes its gateway port.
    assert.equal((await req('DELETE', `/routers/${fixed.body.router.id}`, admin)).status, 204)
    assert.equal(
      (
        await db
          .selectFrom('ports')
          .select('id')
          .where('device_id', '=', fixed.body.router.id)
          .execute()
      ).length,
      0,
    )
  })

  test('interfaces by subnet and by port, overlap 400, in use 409, not attached 404', async () => {
    const net = await seedNetwork(db, a.projectId)
    const sub = await seedSubnet(db, net, a.projectId, '10.1.0')
    const r = (await req('POST', '/routers', a.token, { router: { name: 'ifaces' } })).body.router
      .id
    const add = await req('PUT', `/routers/${r}/add_router_interface`, a.token, { subnet_id: sub })
    assert.equal(add.status, 200, JSON.stringify(add.body))
    assert.deepEqual(Object.keys(add.body).sort(), [
      'id',
      'network_id',
      'port_id',
      'project_id',
      'subnet_id',
      'subnet_ids',
      'tenant_id',
    ])
    assert.equal(add.body.subnet_id, sub)
    assert.deepEqual(add.body.subnet_ids, [sub])
    const port = await db
      .selectFrom('ip_allocations')
      .selectAll()
      .where('port_id', '=', add.body.port_id)
      .executeTakeFirstOrThrow()
    assert.equal(port.ip_address, '10.1.0.1')
    assert.equal(
      (await req('PUT', `/routers/${r}/add_router_interface`, a.token, { subnet_id: sub })).status,
      400,
    )
    const net2 = await seedNetwork(db, a.projectId)
    const overlap = await seedSubnet(db, net2, a.projectId, '10.1.0')
    assert.equal(
      (await req('PUT', `/routers/${r}/add_router_interface`, a.token, { subnet_id: overlap }))
        .status,
      400,
    )
    const noGw = await seedSubnet(db, net2, a.projectId, '10.2.0', false)
    assert.equal(
      (await req('PUT', `/routers/${r}/add_router_interface`, a.token, { subnet_id: noGw })).status,
      400,
    )
    assert.equal((await req('PUT', `/routers/${r}/add_router_interface`, a.token, {})).status, 400)
    assert.equal(
      (await req('PUT', `/routers/${r}/add_router_interface`, a.token, { subnet_id: 'x' })).status,
      400,
    )
    assert.equal(
      (await req('PUT', `/routers/${r}/add_router_interface`, b.token, { subnet_id: sub })).status,
      404,
    )
    const rb = (await req('POST', '/routers', b.token, { router: { name: 'b' } })).body.router.id
    const foreign = await req('PUT', `/routers/${rb}/add_router_interface`, b.token, {
      subnet_id: sub,
    })
    assert.equal(foreign.status, 404)
    assert.equal(foreign.body.NeutronError.type, 'SubnetNotFound')
    const ext = await req('PUT', `/routers/${rb}/add_router_interface`, b.token, {
      subnet_id: extSubnet,
    })
    assert.equal(ext.status, 404)
    const inUse = await req('DELETE', `/routers/${r}`, a.token)
    assert.equal(inUse.status, 409)
    assert.equal(inUse.body.NeutronError.type, 'RouterInUse')
    // The interface port itself cannot be deleted through the ports API.
    const directly = await req('DELETE', `/ports/${add.body.port_id}`, a.token)
    assert.equal(directly.status, 409)
    assert.equal(directly.body.NeutronError.type, 'ServicePortInUse')

    const net3 = await seedNetwork(db, a.projectId)
    const sub3 = await seedSubnet(db, net3, a.projectId, '10.3.0')
    const p = await seedPort(db, net3, a.projectId, [{ subnet_id: sub3, ip_address: '10.3.0.10' }])
    const byPort = await req('PUT', `/routers/${r}/add_router_interface`, a.token, { port_id: p })
    assert.equal(byPort.status, 200, JSON.stringify(byPort.body))
    assert.equal(byPort.body.port_id, p)
    const row = await db
      .selectFrom('ports')
      .selectAll()
      .where('id', '=', p)
      .executeTakeFirstOrThrow()
    assert.equal(row.device_owner, 'network:router_interface')
    assert.equal(row.device_id, r)
    assert.equal(
      (await req('PUT', `/routers/${r}/add_router_interface`, a.token, { port_id: p })).status,
      409,
    )

    const gone = await req('PUT', `/routers/${r}/remove_router_interface`, a.token, {
      subnet_id: noGw,
    })
    assert.equal(gone.status, 404)
    assert.equal(gone.body.NeutronError.type, 'RouterInterfaceNotFoundForSubnet')
    const rmPort = await req('PUT', `/routers/${r}/remove_router_interface`, a.token, {
      port_id: p,
    })
    assert.equal(rmPort.status, 200)
    assert.equal(rmPort.body.subnet_id, sub3)
    assert.equal(
      (await req('PUT', `/routers/${r}/remove_router_interface`, a.token, { port_id: p })).status,
      404,
    )
    const rm = await req('PUT', `/routers/${r}/remove_router_interface`, a.token, {
      subnet_id: sub,
    })
    assert.equal(rm.status, 200)
    assert.equal(rm.body.port_id, add.body.port_id)
    assert.equal(
      (await db.selectFrom('ports').select('id').where('id', '=', add.body.port_id).execute())
        .length,
      0,
    )
    assert.equal((await req('DELETE', `/routers/${r}`, a.token)).status, 204)
  })

  test('static routes: nexthop must be on a connected subnet', async () => {
    const net = await seedNetwork(db, a.projectId)
    const sub = await seedSubnet(db, net, a.projectId, '10.5.0')
    const r = (await req('POST', '/routers', a.token, { router: { name: 'routes' } })).body.router
      .id
    const off = await req('PUT', `/routers/${r}`, a.token, {
      router: { routes: [{ destination: '10.50.0.0/24', nexthop: '10.5.0.3' }] },
    })
    assert.equal(off.status, 400)
    assert.equal(off.body.NeutronError.type, 'InvalidRoutes')
    await req('PUT', `/routers/${r}/add_router_interface`, a.token, { subnet_id: sub })
    const routes = [{ destination: '10.50.0.0/24', nexthop: '10.5.0.3' }]
    const ok = await req('PUT', `/routers/${r}`, a.token, { router: { routes } })
    assert.equal(ok.status, 200, JSON.stringify(ok.body))
    assert.deepEqual(ok.body.router.routes, routes)
    const own = await req('PUT', `/routers/${r}`, a.token, {
      router: { routes: [{ destination: '10.50.0.0/24', nexthop: '10.5.0.1' }] },
    })
    assert.equal(own.status, 400)
    assert.equal(
      (
        await req('PUT', `/routers/${r}`, a.token, {
          router: { routes: [{ destination: 'x', nexthop: '10.5.0.3' }] },
        })
      ).status,
      400,
    )
    const busy = await req('PUT', `/routers/${r}/remove_router_interface`, a.token, {
      subnet_id: sub,
    })
    assert.equal(busy.status, 409)
    assert.equal(busy.body.NeutronError.type, 'RouterInterfaceInUseByRoute')
    assert.deepEqual(
      (await req('PUT', `/routers/${r}`, a.token, { router: { routes: null } })).body.router.routes,
      [],
    )
    assert.equal(
      (await req('PUT', `/routers/${r}/remove_router_interface`, a.token, { subnet_id: sub }))
        .status,
      200,
    )
  })

  test('concurrent interface adds on one subnet: one wins, the rest 400, never 500', async () => {
    const net = await seedNetwork(db, a.projectId)
    const sub = await seedSubnet(db, net, a.projectId, '10.8.0')
    const r = (await req('POST', '/routers', a.token, { router: { name: 'race' } })).body.router.id
    const res = await Promise.all(
      Array.from({ length: 8 }, () =>
        req('PUT', `/routers/${r}/add_router_interface`, a.token, { subnet_id: sub }),
      ),
    )
    const codes = res.map((x) => x.status).sort()
    assert.equal(codes.filter((c) => c === 200).length, 1, JSON.stringify(codes))
    assert.ok(
      codes.every((c) => c === 200 || c === 400 || c === 409),
      JSON.stringify(codes),
    )
    assert.equal(
      (await db.selectFrom('router_ports').select('port_id').where('router_id', '=', r).execute())
        .length,
      1,
    )
  })
})
