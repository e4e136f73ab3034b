import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { newUuid } from '../../../common/ids.js'
import { createTestCloud, type TestCloud } from '../../identity/testing.js'
import { computeRequest, memberOf, seedService, type Member } from './resource-test-fixtures.js'

describe('compute os-migrations and os-simple-tenant-usage', () => {
  let cloud: TestCloud
  let admin: string
  let a: Member
  let b: Member
  let req: ReturnType<typeof computeRequest>
  const vmA = newUuid()
  const migs: string[] = []
  before(async () => {
    cloud = await createTestCloud()
    admin = await cloud.adminToken()
    a = await memberOf(cloud, admin, 'mu-a')
    b = await memberOf(cloud, admin, 'mu-b')
    req = computeRequest(cloud)
    const hourAgo = new Date(Date.now() - 3600_000).toISOString()
    const now = new Date().toISOString()
    const flavor = JSON.stringify({
      id: '2',
      name: 'm1.small',
      vcpus: 2,
      memoryMb: 2048,
      rootGb: 20,
      ephemeralGb: 1,
      swapMb: 0,
      extraSpecs: {},
    })
    await cloud.database.db
      .insertInto('instances')
      .values({
        uuid: vmA,
        project_id: a.projectId,
        user_id: a.userId,
        display_name: 'usage-vm',
        display_description: null,
        hostname: 'usage-vm',
        host: 'h1',
        node: 'h1',
        availability_zone: 'nova',
        vm_state: 'active',
        task_state: null,
        power_state: 1,
        flavor,
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
        launched_at: hourAgo,
        terminated_at: null,
        created_at: hourAgo,
        updated_at: now,
        deleted_at: null,
        deleted: 0,
      })
      .execute()
    const rows: Array<[string, string, string]> = [
      ['resize', 'finished', '2026-01-01T00:00:00.000Z'],
      ['live-migration', 'running', '2026-01-02T00:00:00.000Z'],
      ['migration', 'error', '2026-01-03T00:00:00.000Z'],
    ]
    for (const [type, status, at] of rows) {
      const uuid = newUuid()
      migs.push(uuid)
      await cloud.database.db
        .insertInto('migrations')
        .values({
          uuid,
          instance_uuid: vmA,
          project_id: a.projectId,
          user_id: a.userId,
          source_compute: 'h1',
          source_node: 'h1',
          dest_compute: 'h2',
          dest_node: 'h2',
          dest_host: '192.0.2.2',
          old_flavor_id: '1',
          new_flavor_id: '2',
          migration_type: type,
          status,
          created_at: at,
          updated_at: at,
        })
        .execute()
    }
  })
  after(async () => cloud.close())

  test('migrations: admin list with Nova fields per microversion and filters', async () => {
    assert.equal((await req('GET', '/os-migrations', a.token)).status, 403)
    const l = await req('GET', '/os-migrations', admin)
    assert.equal(l.status, 200)
    const m = l.body.migrations[0]
    assert.deepEqual(Object.keys(m).sort(), [
      'created_at',
      'dest_compute',
      'dest_host',
      'dest_node',
      'id',
      'instance_uuid',
      'new_instance_type_id',
      'old_instance_type_id',
      'source_compute',
      'source_node',
      'status',
      'updated_at',
    ])
    assert.equal(typeof m.old_instance_type_id, 'number')
    const v223 = await req('GET', '/os-migrations?status=running', admin, undefined, '2.23')
    assert.equal(v223.body.migrations.length, 1)
    assert.equal(v223.body.migrations[0].migration_type, 'live-migration')
    assert.match(
      v223.body.migrations[0].links[0].href,
      new RegExp(`/servers/${vmA}/migrations/\\d+$`),
    )
    const host = await req(
      'GET',
      '/os-migrations?host=h2&migration_type=resize',
      admin,
      undefined,
      '2.23',
    )
    assert.deepEqual(
      host.body.migrations.map((x: { migration_type: string }) => x.migration_type),
      ['resize'],
    )
    const none = await req('GET', '/os-migrations?source_compute=elsewhere', admin)
    assert.deepEqual(none.body.migrations, [])
  })

  test('migrations: 2.59 uuid, newest first, paging and changes-since', async () => {
    const p = await req('GET', '/os-migrations?limit=2', admin, undefined, '2.59')
    assert.deepEqual(
      p.body.migrations.map((x: { uuid: string }) => x.uuid),
      [migs[2], migs[1]],
    )
    assert.match(p.body.migrations_links[0].href, new RegExp(`marker=${migs[1]}`))
    const rest = await req(
      'GET',
      `/os-migrations?limit=2&marker=${migs[1]}`,
      admin,
      undefined,
      '2.59',
    )
    assert.deepEqual(
      rest.body.migrations.map((x: { uuid: string }) => x.uuid),
      [migs[0]],
    )
    assert.equal(
      (await req('GET', '/os-migrations?marker=nope', admin, undefined, '2.59')).status,
      400,
    )
    const since = await req(
      'GET',
      '/os-migrations?changes-since=2026-01-02T00:00:00Z',
      admin,
      undefined,
      '2.59',
    )
    assert.equal(since.body.migrations.length, 2)
    assert.equal(
      (await req('GET', '/os-migrations?changes-since=yesterday', admin, undefined, '2.59')).status,
      400,
    )
    assert.equal((await req('GET', '/os-migrations?bogus=1', admin, undefined, '2.59')).status, 400)
    const before = await req(
      'GET',
      '/os-migrations?changes-before=2026-01-02T00:00:00Z',
      admin,
      undefined,
      '2.66',
    )
    assert.equal(before.status, 200)
    assert.deepEqual(
      before.body.migrations.map((x: { uuid: string }) => x.uuid),
      [migs[1], migs[0]],
      'inclusive, as Nova',
    )
    assert.equal(
      (
        await req(
          'GET',
          '/os-migrations?changes-before=2026-01-02T00:00:00Z',
          admin,
          undefined,
          '2.65',
        )
      ).status,
      400,
      'an unknown parameter from 2.59 until 2.66',
    )
  })

  test('usage: hours and totals from instances; project members see their own only', async () => {
    const start = new Date(Date.now() - 7200_000).toISOString().slice(0, 19)
    const end = new Date(Date.now() + 3600_000).toISOString().slice(0, 19)
    const s = await req(
      'GET',
      `/os-simple-tenant-usage/${a.projectId}?start=${start}&end=${end}`,
      a.token,
    )
    assert.equal(s.status, 200)
    const u = s.body.tenant_usage
    assert.equal(u.tenant_id, a.projectId)
    assert.equal(u.server_usages.length, 1)
    const su = u.server_usages[0]
    assert.equal(su.instance_id, vmA)
    assert.equal(su.flavor, 'm1.small')
    assert.equal(su.local_gb, 21)
    assert.equal(su.state, 'active')
    assert.ok(Math.abs(su.hours - 1) < 0.01, `about an hour, got ${su.hours}`)
    assert.ok(Math.abs(u.total_vcpus_usage - 2 * su.hours) < 1e-9)
    assert.ok(su.uptime >= 3599)
    assert.equal((await req('GET', `/os-simple-tenant-usage/${a.projectId}`, b.token)).status, 403)
    const empty = await req(
      'GET',
      `/os-simple-tenant-usage/${b.projectId}?start=${start}&end=${end}`,
      b.token,
    )
    assert.deepEqual(empty.body, { tenant_usage: {} })
    assert.equal((await req('GET', '/os-simple-tenant-usage', a.token)).status, 403)
    assert.equal(
      (await req('GET', `/os-simple-tenant-usage/?start=${start}`, admin)).status,
      404,
      'empty tenant id',
    )
    const all = await req('GET', `/os-simple-tenant-usage?start=${start}&end=${end}`, admin)
    assert.equal(all.body.tenant_usages[0].server_usages, undefined, 'not detailed')
    const det = await req(
      'GET',
      `/os-simple-tenant-usage?start=${start}&end=${end}&detailed=1`,
      admin,
    )
    assert.equal(det.body.tenant_usages[0].server_usages.length, 1)
    assert.equal(
      (await req('GET', `/os-simple-tenant-usage?start=${end}&end=${start}`, admin)).status,
      400,
    )
    assert.equal((await req('GET', '/os-simple-tenant-usage?start=yesterday', admin)).status, 400)
    const paged = await req(
      'GET',
      `/os-simple-tenant-usage?start=${start}&limit=1`,
      admin,
      undefined,
      '2.40',
    )
    assert.match(paged.body.tenant_usages_links[0].href, new RegExp(`marker=${vmA}`))
  })
})

describe('compute os-instance_usage_audit_log', () => {
  let cloud: TestCloud
  let admin: string
  let a: Member
  before(async () => {
    cloud = await createTestCloud()
    admin = await cloud.adminToken()
    a = await memberOf(cloud, admin, 'audit-a')
  })
  after(async () => cloud.close())

  test('the last completed month, every compute host not run; admin only; bad dates 400', async () => {
    const req = computeRequest(cloud)
    await seedService(cloud, 'audit-h1')
    const l = await req('GET', '/os-instance_usage_audit_log', admin)
    assert.equal(l.status, 200)
    const log = l.body.instance_usage_audit_logs
    assert.ok(log.hosts_not_run.includes('audit-h1'))
    assert.equal(log.num_hosts, log.hosts_not_run.length)
    assert.match(log.overall_status, /^0 of \d+ hosts done\. 0 errors\.$/)
    const s = await req(
      'GET',
      `/os-instance_usage_audit_log/${encodeURIComponent('2026-03-15 10:00:00')}`,
      admin,
    )
    assert.equal(s.body.instance_usage_audit_log.period_beginning, '2026-02-01 00:00:00')
    assert.equal(s.body.instance_usage_audit_log.period_ending, '2026-03-01 00:00:00')
    const edge = await req(
      'GET',
      `/os-instance_usage_audit_log/${encodeURIComponent('2026-01-01 00:00:00')}`,
      admin,
    )
    assert.equal(edge.body.instance_usage_audit_log.period_beginning, '2025-11-01 00:00:00')
    assert.equal((await req('GET', '/os-instance_usage_audit_log/not-a-date', admin)).status, 400)
    assert.equal((await req('GET', '/os-instance_usage_audit_log', a.token)).status, 403)
  })
})
