import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { newUuid } from '../../../common/ids.js'
import { createTestCloud, type TestCloud } from '../../identity/testing.js'
import {
  computeRequest,
  memberOf,
  seedNode,
  seedService,
  type Member,
} from './resource-test-fixtures.js'

describe('compute os-hosts API (until 2.42)', () => {
  let cloud: TestCloud
  let admin: string
  let a: Member
  let req: ReturnType<typeof computeRequest>
  before(async () => {
    cloud = await createTestCloud()
    admin = await cloud.adminToken()
    a = await memberOf(cloud, admin, 'hosts-a')
    req = computeRequest(cloud)
    await seedService(cloud, 'hosts-c1')
    await seedService(cloud, 'hosts-off', { disabled: true })
    await seedService(cloud, 'hosts-sched', { binary: 'nova-scheduler' })
    await seedNode(cloud, 'hosts-c1', { vcpus: 8, memory_mb: 4096, local_gb: 50 })
    const now = new Date().toISOString()
    await cloud.database.db
      .insertInto('instances')
      .values({
        uuid: newUuid(),
        project_id: a.projectId,
        user_id: a.userId,
        display_name: 'h-vm',
        display_description: null,
        hostname: 'h-vm',
        host: 'hosts-c1',
        node: 'hosts-c1',
        availability_zone: 'nova',
        vm_state: 'active',
        task_state: null,
        power_state: 1,
        flavor: JSON.stringify({ vcpus: 2, memoryMb: 1024, rootGb: 10, ephemeralGb: 5 }),
        old_flavor: null,
        new_flavor: null,
        image_ref: '',
        key_name: null,
        key_data: null,
        user_data: null,
        config_drive: '',
        metadata: '{}',
        system_metadata: '{}',
        access_ip_v4: null,
        access_ip_v6: null,
        locked: 0,
        locked_by: null,
        locked_reason: null,
        launch_index: 0,
        reservation_id: 'r',
        request_spec: '{}',
        fault: null,
        progress: 0,
        root_device_name: null,
        launched_at: now,
        terminated_at: null,
        created_at: now,
        updated_at: now,
        deleted_at: null,
        deleted: 0,
      })
      .execute()
  })
  after(async () => cloud.close())

  test('list enabled hosts with topic and zone; zone filter', async () => {
    assert.equal((await req('GET', '/os-hosts', a.token)).status, 403)
    const l = await req('GET', '/os-hosts', admin)
    const ours = l.body.hosts.filter((h: { host_name: string }) => h.host_name.startsWith('hosts-'))
    assert.deepEqual(ours, [
      { host_name: 'hosts-c1', service: 'compute', zone: 'nova' },
      { host_name: 'hosts-sched', service: 'scheduler', zone: 'internal' },
    ])
    const internal = await req('GET', '/os-hosts?zone=internal', admin)
    assert.ok(internal.body.hosts.every((h: { zone: string }) => h.zone === 'internal'))
    assert.deepEqual((await req('GET', '/os-hosts?zone=xxx', admin)).body.hosts, [])
    assert.ok((await req('GET', '/os-hosts?zone=', admin)).body.hosts.length >= 2)
    assert.equal((await req('GET', '/os-hosts', admin, undefined, '2.43')).status, 404)
  })

  test('show: totals, used now, used max and per project', async () => {
    const s = await req('GET', '/os-hosts/hosts-c1', admin)
    assert.equal(s.status, 200)
    assert.deepEqual(
      s.body.host.map((r: { resource: { project: string } }) => r.resource.project),
      ['(total)', '(used_now)', '(used_max)', a.projectId],
    )
    assert.deepEqual(s.body.host[0].resource, {
      host: 'hosts-c1',
      project: '(total)',
      cpu: 8,
      memory_mb: 4096,
      disk_gb: 50,
    })
    assert.deepEqual(s.body.host[2].resource, {
      host: 'hosts-c1',
      project: '(used_max)',
      cpu: 2,
      memory_mb: 1024,
      disk_gb: 15,
    })
    assert.equal((await req('GET', '/os-hosts/nope', admin)).status, 404)
    assert.equal((await req('GET', '/os-hosts/hosts-c1', a.token)).status, 403)
  })

  test('update and power actions answer as the fake driver; validation and 404s', async () => {
    const u = await req('PUT', '/os-hosts/hosts-c1', admin, {
      status: 'disable',
      maintenance_mode: 'Enable',
    })
    assert.equal(u.status, 200)
    assert.deepEqual(u.body, {
      host: 'hosts-c1',
      status: 'disabled',
      maintenance_mode: 'on_maintenance',
    })
    assert.equal((await req('PUT', '/os-hosts/hosts-c1', admin, {})).status, 400)
    assert.equal(
      (
        await req('PUT', '/os-hosts/hosts-c1', admin, {
          status: 'invalid',
          maintenance_mode: 'enable',
        })
      ).status,
      400,
    )
    assert.equal(
      (await req('PUT', '/os-hosts/nonexistent', admin, { status: 'enable' })).status,
      404,
    )
    assert.equal(
      (await req('PUT', '/os-hosts/hosts-c1', a.token, { status: 'enable' })).status,
      403,
    )
    for (const action of ['startup', 'shutdown', 'reboot']) {
      const r = await req('GET', `/os-hosts/hosts-c1/${action}`, admin)
      assert.deepEqual(r.body, { host: 'hosts-c1', power_action: action })
      assert.equal((await req('GET', `/os-hosts/nonexistent/${action}`, admin)).status, 404)
      assert.equal((await req('GET', `/os-hosts/hosts-c1/${action}`, a.token)).status, 403)
    }
  })
})
