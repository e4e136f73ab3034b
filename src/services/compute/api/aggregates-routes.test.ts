import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { createTestCloud, type TestCloud } from '../../identity/testing.js'
import {
  inventoryDefaultsFromConfig,
  listProviderAggregates,
  syncProvider,
} from '../../placement/index.js'
import {
  computeRequest,
  memberOf,
  seedNode,
  seedService,
  type Member,
} from './resource-test-fixtures.js'

describe('compute aggregates and availability zones API', () => {
  let cloud: TestCloud
  let admin: string
  let a: Member
  let req: ReturnType<typeof computeRequest>
  before(async () => {
    cloud = await createTestCloud()
    admin = await cloud.adminToken()
    a = await memberOf(cloud, admin, 'agg-a')
    req = computeRequest(cloud)
    await seedService(cloud, 'agg-host1')
    await seedService(cloud, 'agg-host2')
    await seedService(cloud, 'agg-host3', { disabled: true })
    await seedService(cloud, 'ctl', { binary: 'nova-scheduler' })
  })
  after(async () => cloud.close())

  test('CRUD with Nova shapes, uuid from 2.41, admin only', async () => {
    assert.equal((await req('GET', '/os-aggregates', a.token)).status, 403)
    assert.equal(
      (await req('POST', '/os-aggregates', a.token, { aggregate: { name: 'x' } })).status,
      403,
    )
    const c = await req('POST', '/os-aggregates', admin, {
      aggregate: { name: 'agg1', availability_zone: 'zone-a' },
    })
    assert.equal(c.status, 200)
    assert.deepEqual(Object.keys(c.body.aggregate).sort(), [
      'availability_zone',
      'created_at',
      'deleted',
      'deleted_at',
      'id',
      'name',
      'updated_at',
    ])
    assert.equal(c.body.aggregate.availability_zone, 'zone-a')
    const id = c.body.aggregate.id
    assert.equal(typeof id, 'number')
    const dup = await req('POST', '/os-aggregates', admin, { aggregate: { name: 'agg1' } })
    assert.equal(dup.status, 409)
    assert.equal(dup.body.conflictingRequest.message, 'Aggregate agg1 already exists.')
    for (const bad of [
      { name: '' },
      { name: 'x', availability_zone: 'a:b' },
      { name: 'x', extra: 1 },
      {},
    ])
      assert.equal(
        (await req('POST', '/os-aggregates', admin, { aggregate: bad })).status,
        400,
        JSON.stringify(bad),
      )
    const show = await req('GET', `/os-aggregates/${id}`, admin, undefined, '2.41')
    assert.match(show.body.aggregate.uuid, /^[0-9a-f-]{36}$/)
    assert.deepEqual(show.body.aggregate.hosts, [])
    assert.deepEqual(show.body.aggregate.metadata, { availability_zone: 'zone-a' })
    assert.equal('uuid' in (await req('GET', `/os-aggregates/${id}`, admin)).body.aggregate, false)
    assert.equal((await req('GET', '/os-aggregates/999', admin)).status, 404)
    assert.equal((await req('GET', '/os-aggregates/abc', admin)).status, 400)
    const u = await req('PUT', `/os-aggregates/${id}`, admin, {
      aggregate: { name: 'agg1-renamed' },
    })
    assert.equal(u.status, 200)
    assert.equal(u.body.aggregate.name, 'agg1-renamed')
    assert.ok(u.body.aggregate.updated_at)
    assert.equal((await req('PUT', `/os-aggregates/${id}`, admin, { aggregate: {} })).status, 400)
    const list = await req('GET', '/os-aggregates', admin)
    assert.equal(list.body.aggregates.length, 1)
    assert.equal((await req('DELETE', `/os-aggregates/${id}`, a.token)).status, 403)
    assert.equal((await req('DELETE', `/os-aggregates/${id}`, admin)).status, 200)
    assert.equal((await req('DELETE', `/os-aggregates/${id}`, admin)).status, 404)
  })

  test('hosts, metadata and availability zone rules', async () => {
    const z1 = (
      await req('POST', '/os-aggregates', admin, {
        aggregate: { name: 'z1', availability_zone: 'az1' },
      })
    ).body.aggregate.id
    const z2 = (
      await req('POST', '/os-aggregates', admin, {
        aggregate: { name: 'z2', availability_zone: 'az2' },
      })
    ).body.aggregate.id
    const plain = (await req('POST', '/os-aggregates', admin, { aggregate: { name: 'plain' } }))
      .body.aggregate.id
    const add = await req('POST', `/os-aggregates/${z1}/action`, admin, {
      add_host: { host: 'agg-host1' },
    })
    assert.equal(add.status, 200)
    assert.deepEqual(add.body.aggregate.hosts, ['agg-host1'])
    const again = await req('POST', `/os-aggregates/${z1}/action`, admin, {
      add_host: { host: 'agg-host1' },
    })
    assert.equal(again.status, 409)
    const unknown = await req('POST', `/os-aggregates/${z1}/action`, admin, {
      add_host: { host: 'nope' },
    })
    assert.equal(unknown.status, 404)
    assert.equal(unknown.body.itemNotFound.message, 'Compute host nope could not be found.')
    const conflict = await req('POST', `/os-aggregates/${z2}/action`, admin, {
      add_host: { host: 'agg-host1' },
    })
    assert.equal(conflict.status, 409)
    assert.match(
      conflict.body.conflictingRequest.message,
      /One or more hosts already in availability zone\(s\) \['az1'\]/,
    )
    const noZone = await req('POST', `/os-aggregates/${plain}/action`, admin, {
      add_host: { host: 'agg-host1' },
    })
    assert.equal(noZone.status, 200, 'an aggregate without a zone may share the host')
    const notEmpty = await req('DELETE', `/os-aggregates/${z1}`, admin)
    assert.equal(notEmpty.status, 400)
    const meta = await req('POST', `/os-aggregates/${z1}/action`, admin, {
      set_metadata: { metadata: { ssd: 'true', gpu: 'no' } },
    })
    assert.deepEqual(meta.body.aggregate.metadata, {
      availability_zone: 'az1',
      gpu: 'no',
      ssd: 'true',
    })
    const unset = await req('POST', `/os-aggregates/${z1}/action`, admin, {
      set_metadata: { metadata: { gpu: null } },
    })
    assert.deepEqual(unset.body.aggregate.metadata, { availability_zone: 'az1', ssd: 'true' })
    const emptyAz = await req('POST', `/os-aggregates/${z1}/action`, admin, {
      set_metadata: { metadata: { availability_zone: '' } },
    })
    assert.equal(emptyAz.status, 400)
    const plainAz = await req('PUT', `/os-aggregates/${plain}`, admin, {
      aggregate: { availability_zone: 'az2' },
    })
    assert.equal(plainAz.status, 400, 'agg-host1 is already in az1')

    const zones = await req('GET', '/os-availability-zone', a.token)
    assert.equal(zones.status, 200)
    const byName = new Map(
      zones.body.availabilityZoneInfo.map((z: { zoneName: string }) => [z.zoneName, z]),
    )
    assert.deepEqual(byName.get('az1'), {
      zoneName: 'az1',
      zoneState: { available: true },
      hosts: null,
    })
    assert.deepEqual(byName.get('nova'), {
      zoneName: 'nova',
      zoneState: { available: true },
      hosts: null,
    })
    assert.equal(byName.has('internal'), false)
    assert.equal(byName.has('az2'), false, 'a zone without hosts is not listed')

    assert.equal((await req('GET', '/os-availability-zone/detail', a.token)).status, 403)
    const detail = await req('GET', '/os-availability-zone/detail', admin)
    const d = new Map(
      detail.body.availabilityZoneInfo.map((z: { zoneName: string }) => [z.zoneName, z]),
    )
    const az1 = d.get('az1') as {
      hosts: Record<string, Record<string, { available: boolean; active: boolean }>>
    }
    assert.deepEqual(Object.keys(az1.hosts), ['agg-host1'])
    assert.equal(az1.hosts['agg-host1']!['nova-compute']!.available, true)
    assert.equal(az1.hosts['agg-host1']!['nova-compute']!.active, true)
    const internal = d.get('internal') as { hosts: Record<string, unknown> }
    assert.ok(internal.hosts['ctl'])

    const rm = await req('POST', `/os-aggregates/${z1}/action`, admin, {
      remove_host: { host: 'agg-host1' },
    })
    assert.deepEqual(rm.body.aggregate.hosts, [])
    const rm2 = await req('POST', `/os-aggregates/${z1}/action`, admin, {
      remove_host: { host: 'agg-host1' },
    })
    assert.equal(rm2.status, 404)
    assert.equal(rm2.body.itemNotFound.message, `Cannot remove host agg-host1 in aggregate ${z1}`)
    const denied = await req('POST', `/os-aggregates/${z1}/action`, a.token, {
      add_host: { host: 'agg-host2' },
    })
    assert.equal(denied.status, 403)
  })

  test('a zone whose only services are disabled is unavailable', async () => {
    const z = (
      await req('POST', '/os-aggregates', admin, {
        aggregate: { name: 'z3', availability_zone: 'az3' },
      })
    ).body.aggregate.id
    await req('POST', `/os-aggregates/${z}/action`, admin, { add_host: { host: 'agg-host3' } })
    const zones = await req('GET', '/os-availability-zone', a.token)
    const az3 = zones.body.availabilityZoneInfo.find(
      (x: { zoneName: string }) => x.zoneName === 'az3',
    )
    assert.deepEqual(az3, { zoneName: 'az3', zoneState: { available: false }, hosts: null })
  })

  test('placement follows aggregate hosts and allocation ratio metadata', async () => {
    const node = await seedNode(cloud, 'agg-host2')
    const defaults = inventoryDefaultsFromConfig(cloud.compute.ctx.config.placement)
    await syncProvider(
      cloud.database.db,
      {
        uuid: node.uuid,
        name: 'agg-host2',
        host: 'agg-host2',
        resources: {
          nodename: 'agg-host2',
          hypervisorType: 'fake',
          hypervisorVersion: 1,
          hypervisorHostname: 'agg-host2',
          hostIp: '192.0.2.1',
          vcpus: 8,
          vcpusUsed: 0,
          memoryMb: 8192,
          memoryMbUsed: 0,
          localGb: 100,
          localGbUsed: 0,
          cpuInfo: {},
          supportedInstances: [],
          traits: [],
        },
      },
      defaults,
    )
    const agg = (
      await req('POST', '/os-aggregates', admin, { aggregate: { name: 'ratios' } }, '2.41')
    ).body.aggregate
    await req('POST', `/os-aggregates/${agg.id}/action`, admin, { add_host: { host: 'agg-host2' } })
    assert.deepEqual(await listProviderAggregates(cloud.database.db, node.uuid), [agg.uuid])
    await req('POST', `/os-aggregates/${agg.id}/action`, admin, {
      set_metadata: { metadata: { cpu_allocation_ratio: '2.0' } },
    })
    const vcpu = (
      await cloud.database.db
        .selectFrom('inventories')
        .selectAll()
        .where('resource_provider_uuid', '=', node.uuid)
        .execute()
    ).find((i) => i.resource_class === 'VCPU')
    assert.equal(Number(vcpu?.allocation_ratio), 2)
    await req('POST', `/os-aggregates/${agg.id}/action`, admin, {
      remove_host: { host: 'agg-host2' },
    })
    assert.deepEqual(await listProviderAggregates(cloud.database.db, node.uuid), [])
  })
})
