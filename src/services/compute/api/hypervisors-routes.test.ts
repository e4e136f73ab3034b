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

type Hyp = {
  id: number | string
  hypervisor_hostname: string
  servers?: Array<{ uuid: string; name: string }>
}

describe('compute os-hypervisors API', () => {
  let cloud: TestCloud
  let admin: string
  let a: Member
  let req: ReturnType<typeof computeRequest>
  let n1: { id: number; uuid: string }
  let n2: { id: number; uuid: string }
  let vm: string
  before(async () => {
    cloud = await createTestCloud()
    admin = await cloud.adminToken()
    a = await memberOf(cloud, admin, 'hyp-a')
    req = computeRequest(cloud)
    await seedService(cloud, 'hyp-h1')
    await seedService(cloud, 'hyp-h2', { disabled: true })
    n1 = await seedNode(cloud, 'hyp-h1', {
      vcpus: 16,
      vcpus_used: 4,
      memory_mb: 8192,
      memory_mb_used: 2048,
      local_gb: 200,
      local_gb_used: 20,
      running_vms: 1,
    })
    n2 = await seedNode(cloud, 'hyp-h2')
    await seedNode(cloud, 'hyp-orphan')
    vm = newUuid()
    const now = new Date().toISOString()
    await cloud.database.db
      .insertInto('instances')
      .values({
        uuid: vm,
        project_id: a.projectId,
        user_id: a.userId,
        display_name: 'vm1',
        display_description: null,
        hostname: 'vm1',
        host: 'hyp-h1',
        node: 'hyp-h1',
        availability_zone: 'nova',
        vm_state: 'active',
        task_state: 'rebooting',
        power_state: 1,
        flavor: '{"vcpus":1,"memoryMb":512}',
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

  const ours = (hs: Hyp[]) => hs.filter((h) => h.hypervisor_hostname.startsWith('hyp-'))

  test('list, detail and show with Nova fields; nodes without a service are skipped', async () => {
    assert.equal((await req('GET', '/os-hypervisors', a.token)).status, 403)
    const l = await req('GET', '/os-hypervisors', admin)
    assert.deepEqual(ours(l.body.hypervisors), [
      { id: n1.id, hypervisor_hostname: 'hyp-h1', state: 'up', status: 'enabled' },
      { id: n2.id, hypervisor_hostname: 'hyp-h2', state: 'up', status: 'disabled' },
    ])
    const d = await req('GET', '/os-hypervisors/detail', admin)
    const h1 = ours(d.body.hypervisors)[0] as unknown as Record<string, unknown>
    assert.deepEqual(Object.keys(h1).sort(), [
      'cpu_info',
      'current_workload',
      'disk_available_least',
      'free_disk_gb',
      'free_ram_mb',
      'host_ip',
      'hypervisor_hostname',
      'hypervisor_type',
      'hypervisor_version',
      'id',
      'local_gb',
      'local_gb_used',
      'memory_mb',
      'memory_mb_used',
      'running_vms',
      'service',
      'state',
      'status',
      'vcpus',
      'vcpus_used',
    ])
    assert.equal(h1['free_ram_mb'], 6144)
    assert.equal(h1['free_disk_gb'], 180)
    assert.equal(h1['current_workload'], 1)
    assert.equal(h1['cpu_info'], '{"arch":"x86_64"}', 'a string before 2.28')
    assert.equal((h1['service'] as { host: string }).host, 'hyp-h1')
    const s228 = await req('GET', `/os-hypervisors/${n1.id}`, admin, undefined, '2.28')
    assert.deepEqual(s228.body.hypervisor.cpu_info, { arch: 'x86_64' })
    assert.equal((await req('GET', '/os-hypervisors/99999', admin)).status, 404)
    assert.equal((await req('GET', '/os-hypervisors/abc', admin)).status, 404)
    const s253 = await req(
      'GET',
      `/os-hypervisors/${n1.uuid}?with_servers=true`,
      admin,
      undefined,
      '2.53',
    )
    assert.equal(s253.body.hypervisor.id, n1.uuid)
    assert.deepEqual(s253.body.hypervisor.servers, [{ name: 'vm1', uuid: vm }])
    assert.equal(
      (await req('GET', `/os-hypervisors/${n1.id}`, admin, undefined, '2.53')).status,
      400,
    )
    assert.equal(
      (await req('GET', `/os-hypervisors/${n1.uuid}?with_servers=maybe`, admin, undefined, '2.53'))
        .status,
      400,
    )
  })

  test('search and servers before 2.53, pattern and with_servers after', async () => {
    const s = await req('GET', '/os-hypervisors/hyp-h/search', admin)
    assert.deepEqual(
      s.body.hypervisors.map((h: Hyp) => h.hypervisor_hostname),
      ['hyp-h1', 'hyp-h2'],
    )
    assert.equal((await req('GET', '/os-hypervisors/zzz/search', admin)).status, 404)
    const sv = await req('GET', '/os-hypervisors/hyp-h1/servers', admin)
    assert.deepEqual(sv.body.hypervisors[0].servers, [{ name: 'vm1', uuid: vm }])
    assert.equal(
      (await req('GET', '/os-hypervisors/hyp-h1/search', admin, undefined, '2.53')).status,
      404,
    )
    const p = await req(
      'GET',
      '/os-hypervisors?hypervisor_hostname_pattern=hyp-h2&with_servers=1',
      admin,
      undefined,
      '2.53',
    )
    assert.deepEqual(
      p.body.hypervisors.map((h: Hyp) => h.id),
      [n2.uuid],
    )
    const bad = await req(
      'GET',
      '/os-hypervisors?hypervisor_hostname_pattern=hyp&limit=1',
      admin,
      undefined,
      '2.53',
    )
    assert.equal(bad.status, 400)
  })

  test('pagination from 2.33', async () => {
    const first = await req('GET', '/os-hypervisors?limit=1', admin, undefined, '2.33')
    assert.equal(first.body.hypervisors.length, 1)
    assert.match(first.body.hypervisors_links[0].href, /os-hypervisors\?limit=1&marker=\d+$/)
    const next = await req(
      'GET',
      `/os-hypervisors?limit=1&marker=${first.body.hypervisors[0].id}`,
      admin,
      undefined,
      '2.33',
    )
    assert.notDeepEqual(next.body.hypervisors, first.body.hypervisors)
    assert.equal(
      (await req('GET', '/os-hypervisors?marker=424242', admin, undefined, '2.33')).status,
      400,
    )
  })

  test('statistics count enabled hosts; uptime answers for an up host', async () => {
    const st = await req('GET', '/os-hypervisors/statistics', admin)
    assert.equal(st.status, 200)
    const stats = st.body.hypervisor_statistics
    assert.deepEqual(Object.keys(stats).sort(), [
      'count',
      'current_workload',
      'disk_available_least',
      'free_disk_gb',
      'free_ram_mb',
      'local_gb',
      'local_gb_used',
      'memory_mb',
      'memory_mb_used',
      'running_vms',
      'vcpus',
      'vcpus_used',
    ])
    const rows = await cloud.database.db
      .selectFrom('compute_nodes')
      .innerJoin('compute_services', 'compute_services.host', 'compute_nodes.host')
      .select(['compute_nodes.vcpus'])
      .where('compute_services.disabled', '=', 0)
      .where('compute_services.binary', '=', 'nova-compute')
      .execute()
    assert.equal(stats.count, rows.length)
    assert.equal(
      stats.vcpus,
      rows.reduce((s, r) => s + r.vcpus, 0),
    )
    const up = await req('GET', `/os-hypervisors/${n1.id}/uptime`, admin)
    assert.equal(up.status, 200)
    assert.match(up.body.hypervisor.uptime, /up \d+ days/)
    assert.equal(up.body.hypervisor.hypervisor_hostname, 'hyp-h1')
  })
})
