import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { createTestCloud, type TestCloud } from '../../identity/testing.js'
import {
  computeRequest,
  memberOf,
  seedNode,
  seedService,
  type Member,
} from './resource-test-fixtures.js'

type Svc = { host: string; binary: string; id: number | string; state: string; status: string }

describe('compute os-services API', () => {
  let cloud: TestCloud
  let admin: string
  let a: Member
  let req: ReturnType<typeof computeRequest>
  let c1: { id: number; uuid: string }
  before(async () => {
    cloud = await createTestCloud()
    admin = await cloud.adminToken()
    a = await memberOf(cloud, admin, 'svc-a')
    req = computeRequest(cloud)
    c1 = await seedService(cloud, 'svc-c1')
    await seedService(cloud, 'svc-old', { lastSeen: '2020-01-01T00:00:00.000Z' })
    await seedService(cloud, 'svc-ctl', { binary: 'nova-conductor' })
  })
  after(async () => cloud.close())

  const mine = (list: Svc[]) => list.filter((s) => s.host.startsWith('svc-'))

  test('list: Nova fields, up/down from the heartbeat, filters, admin only', async () => {
    assert.equal((await req('GET', '/os-services', a.token)).status, 403)
    const l = await req('GET', '/os-services', admin)
    assert.equal(l.status, 200)
    const s = mine(l.body.services)
    const c = s.find((x) => x.host === 'svc-c1')!
    assert.deepEqual(Object.keys(c).sort(), [
      'binary',
      'disabled_reason',
      'host',
      'id',
      'state',
      'status',
      'updated_at',
      'zone',
    ])
    assert.equal(c.id, c1.id)
    assert.equal(c.state, 'up')
    assert.equal(c.status, 'enabled')
    assert.equal((c as unknown as { zone: string }).zone, 'nova')
    assert.equal(s.find((x) => x.host === 'svc-old')!.state, 'down')
    assert.equal(
      (s.find((x) => x.host === 'svc-ctl') as unknown as { zone: string }).zone,
      'internal',
    )
    const f = await req('GET', '/os-services?binary=nova-conductor&host=svc-ctl', admin)
    assert.deepEqual(
      f.body.services.map((x: Svc) => x.host),
      ['svc-ctl'],
    )
    const v211 = await req('GET', '/os-services?host=svc-c1', admin, undefined, '2.11')
    assert.equal(v211.body.services[0].forced_down, false)
    const v253 = await req('GET', '/os-services?host=svc-c1', admin, undefined, '2.53')
    assert.equal(v253.body.services[0].id, c1.uuid)
  })

  test('legacy enable/disable/disable-log-reason/force-down', async () => {
    const d = await req('PUT', '/os-services/disable', admin, {
      host: 'svc-c1',
      binary: 'nova-compute',
    })
    assert.equal(d.status, 200)
    assert.deepEqual(d.body, {
      service: { host: 'svc-c1', binary: 'nova-compute', status: 'disabled' },
    })
    const r = await req('PUT', '/os-services/disable-log-reason', admin, {
      host: 'svc-c1',
      binary: 'nova-compute',
      disabled_reason: 'maintenance',
    })
    assert.deepEqual(r.body.service, {
      host: 'svc-c1',
      binary: 'nova-compute',
      status: 'disabled',
      disabled_reason: 'maintenance',
    })
    const row = await cloud.database.db
      .selectFrom('compute_services')
      .selectAll()
      .where('id', '=', c1.id)
      .executeTakeFirstOrThrow()
    assert.equal(row.disabled, 1, 'the scheduler reads compute_services.disabled')
    assert.equal(row.disabled_reason, 'maintenance')
    const e = await req('PUT', '/os-services/enable', admin, {
      host: 'svc-c1',
      binary: 'nova-compute',
    })
    assert.deepEqual(e.body.service, { host: 'svc-c1', binary: 'nova-compute', status: 'enabled' })
    assert.equal(
      (await req('PUT', '/os-services/enable', admin, { host: 'nope', binary: 'nova-compute' }))
        .status,
      404,
    )
    assert.equal(
      (
        await req('PUT', '/os-services/enable', admin, {
          host: 'svc-ctl',
          binary: 'nova-conductor',
        })
      ).status,
      400,
    )
    assert.equal(
      (await req('PUT', '/os-services/explode', admin, { host: 'svc-c1', binary: 'nova-compute' }))
        .status,
      404,
    )
    assert.equal(
      (
        await req('PUT', '/os-services/disable-log-reason', admin, {
          host: 'svc-c1',
          binary: 'nova-compute',
        })
      ).status,
      400,
    )
    assert.equal(
      (await req('PUT', '/os-services/enable', a.token, { host: 'svc-c1', binary: 'nova-compute' }))
        .status,
      403,
    )
    assert.equal(
      (
        await req('PUT', '/os-services/force-down', admin, {
          host: 'svc-c1',
          binary: 'nova-compute',
          forced_down: true,
        })
      ).status,
      400,
      'forced_down needs 2.11',
    )
    const fd = await req(
      'PUT',
      '/os-services/force-down',
      admin,
      { host: 'svc-c1', binary: 'nova-compute', forced_down: true },
      '2.11',
    )
    assert.deepEqual(fd.body.service, { host: 'svc-c1', binary: 'nova-compute', forced_down: true })
    const l = await req('GET', '/os-services?host=svc-c1', admin)
    assert.equal(l.body.services[0].state, 'down', 'forced down')
    await req(
      'PUT',
      '/os-services/force-down',
      admin,
      { host: 'svc-c1', binary: 'nova-compute', forced_down: false },
      '2.11',
    )
  })

  test('2.53 update by uuid and delete', async () => {
    const u = await req(
      'PUT',
      `/os-services/${c1.uuid}`,
      admin,
      { status: 'disabled', disabled_reason: 'why' },
      '2.53',
    )
    assert.equal(u.status, 200)
    assert.equal(u.body.service.id, c1.uuid)
    assert.equal(u.body.service.status, 'disabled')
    assert.equal(u.body.service.disabled_reason, 'why')
    assert.equal(u.body.service.forced_down, false)
    assert.equal(u.body.service.state, 'up')
    const bad = await req(
      'PUT',
      `/os-services/${c1.uuid}`,
      admin,
      { status: 'enabled', disabled_reason: 'x' },
      '2.53',
    )
    assert.equal(bad.status, 400)
    assert.equal((await req('PUT', `/os-services/${c1.uuid}`, admin, {}, '2.53')).status, 400)
    assert.equal(
      (await req('PUT', '/os-services/not-a-uuid', admin, { status: 'enabled' }, '2.53')).status,
      400,
    )
    assert.equal(
      (
        await req(
          'PUT',
          `/os-services/${crypto.randomUUID()}`,
          admin,
          { status: 'enabled' },
          '2.53',
        )
      ).status,
      404,
    )
    const en = await req('PUT', `/os-services/${c1.uuid}`, admin, { status: 'enabled' }, '2.53')
    assert.equal(en.body.service.disabled_reason, null)

    const gone = await seedService(cloud, 'svc-gone')
    await seedNode(cloud, 'svc-gone')
    const agg = await req('POST', '/os-aggregates', admin, { aggregate: { name: 'svc-agg' } })
    await req('POST', `/os-aggregates/${agg.body.aggregate.id}/action`, admin, {
      add_host: { host: 'svc-gone' },
    })
    assert.equal(
      (await req('DELETE', `/os-services/${gone.uuid}`, admin)).status,
      400,
      'integer ids before 2.53',
    )
    assert.equal((await req('DELETE', `/os-services/${gone.id}`, a.token)).status, 403)
    assert.equal((await req('DELETE', `/os-services/${gone.id}`, admin)).status, 204)
    assert.equal((await req('DELETE', `/os-services/${gone.id}`, admin)).status, 404)
    const after = await req('GET', `/os-aggregates/${agg.body.aggregate.id}`, admin)
    assert.deepEqual(after.body.aggregate.hosts, [])
    const nodes = await cloud.database.db
      .selectFrom('compute_nodes')
      .select('id')
      .where('host', '=', 'svc-gone')
      .execute()
    assert.deepEqual(nodes, [])
  })
})
