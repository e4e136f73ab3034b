import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { newUuid } from '../../../common/ids.js'
import { createTestCloud, type TestCloud } from '../../identity/testing.js'
import { computeRequest, memberOf, type Member } from './resource-test-fixtures.js'

const V21_KEYS = [
  'cores',
  'fixed_ips',
  'floating_ips',
  'id',
  'injected_file_content_bytes',
  'injected_file_path_bytes',
  'injected_files',
  'instances',
  'key_pairs',
  'metadata_items',
  'ram',
  'security_group_rules',
  'security_groups',
  'server_group_members',
  'server_groups',
]

describe('compute quota sets, quota classes and limits', () => {
  let cloud: TestCloud
  let admin: string
  let a: Member
  let b: Member
  let req: ReturnType<typeof computeRequest>
  before(async () => {
    cloud = await createTestCloud()
    admin = await cloud.adminToken()
    a = await memberOf(cloud, admin, 'q-a')
    b = await memberOf(cloud, admin, 'q-b')
    req = computeRequest(cloud)
  })
  after(async () => cloud.close())

  /** A running instance row of `vcpus`/`ram` for project a (what the servers API would write). */
  async function seedInstance(vcpus: number, ram: number): Promise<void> {
    const now = new Date().toISOString()
    await cloud.database.db
      .insertInto('instances')
      .values({
        uuid: newUuid(),
        project_id: a.projectId,
        user_id: a.userId,
        display_name: 'vm',
        display_description: null,
        hostname: 'vm',
        host: null,
        node: null,
        availability_zone: null,
        vm_state: 'active',
        task_state: null,
        power_state: 1,
        flavor: JSON.stringify({
          id: 'x',
          name: 'x',
          vcpus,
          memoryMb: ram,
          rootGb: 1,
          ephemeralGb: 0,
          swapMb: 0,
          extraSpecs: {},
        }),
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
        reservation_id: 'r-1',
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
  }

  test('show and defaults: Nova resources per microversion', async () => {
    const s = await req('GET', `/os-quota-sets/${a.projectId}`, a.token)
    assert.equal(s.status, 200)
    assert.deepEqual(Object.keys(s.body.quota_set).sort(), V21_KEYS)
    assert.equal(s.body.quota_set.id, a.projectId)
    assert.equal(s.body.quota_set.instances, 10)
    assert.equal(s.body.quota_set.injected_file_path_bytes, 255)
    const v236 = await req('GET', `/os-quota-sets/${a.projectId}`, a.token, undefined, '2.36')
    assert.equal('floating_ips' in v236.body.quota_set, false)
    assert.equal('injected_files' in v236.body.quota_set, true)
    const v257 = await req(
      'GET',
      `/os-quota-sets/${a.projectId}/defaults`,
      a.token,
      undefined,
      '2.57',
    )
    assert.deepEqual(Object.keys(v257.body.quota_set).sort(), [
      'cores',
      'id',
      'instances',
      'key_pairs',
      'metadata_items',
      'ram',
      'server_group_members',
      'server_groups',
    ])
    assert.equal((await req('GET', `/os-quota-sets/${b.projectId}`, a.token)).status, 403)
    assert.equal((await req('GET', '/os-quota-sets/no-such-project', admin)).status, 400)
  })

  test('update is admin-only, checks usage unless forced; delete resets', async () => {
    await seedInstance(4, 1024)
    await seedInstance(2, 512)
    const denied = await req('PUT', `/os-quota-sets/${a.projectId}`, a.token, {
      quota_set: { cores: 50 },
    })
    assert.equal(denied.status, 403)
    const u = await req('PUT', `/os-quota-sets/${a.projectId}`, admin, {
      quota_set: { cores: 50, ram: '4096' },
    })
    assert.equal(u.status, 200)
    assert.equal(u.body.quota_set.cores, 50)
    assert.equal(u.body.quota_set.ram, 4096)
    assert.equal('id' in u.body.quota_set, false, 'update answers without id')
    const below = await req('PUT', `/os-quota-sets/${a.projectId}`, admin, {
      quota_set: { cores: 5 },
    })
    assert.equal(below.status, 400)
    assert.equal(
      below.body.badRequest.message,
      'Quota limit 5 for cores must be greater than or equal to already used and reserved 6.',
    )
    const forced = await req('PUT', `/os-quota-sets/${a.projectId}`, admin, {
      quota_set: { cores: 5, force: true },
    })
    assert.equal(forced.status, 200)
    assert.equal(forced.body.quota_set.cores, 5)
    for (const bad of [{ cores: -2 }, { cores: 'many' }, { bogus: 1 }, { networks: 1 }])
      assert.equal(
        (await req('PUT', `/os-quota-sets/${a.projectId}`, admin, { quota_set: bad })).status,
        400,
        JSON.stringify(bad),
      )
    const gone236 = await req(
      'PUT',
      `/os-quota-sets/${a.projectId}`,
      admin,
      { quota_set: { floating_ips: 1 } },
      '2.36',
    )
    assert.equal(gone236.status, 400)

    const d = await req('GET', `/os-quota-sets/${a.projectId}/detail`, a.token)
    assert.deepEqual(d.body.quota_set.cores, { limit: 5, in_use: 6, reserved: 0 })
    assert.deepEqual(d.body.quota_set.instances, { limit: 10, in_use: 2, reserved: 0 })
    assert.deepEqual(d.body.quota_set.ram, { limit: 4096, in_use: 1536, reserved: 0 })
    assert.deepEqual(d.body.quota_set.key_pairs, { limit: 100, in_use: 0, reserved: 0 })

    const lim = await req('GET', '/limits', a.token)
    assert.equal(lim.body.limits.absolute.maxTotalCores, 5)
    assert.equal(lim.body.limits.absolute.totalCoresUsed, 6)
    assert.equal(lim.body.limits.absolute.totalRAMUsed, 1536)
    assert.equal(lim.body.limits.absolute.totalInstancesUsed, 2)

    assert.equal((await req('DELETE', `/os-quota-sets/${a.projectId}`, a.token)).status, 403)
    assert.equal((await req('DELETE', `/os-quota-sets/${a.projectId}`, admin)).status, 202)
    const after = await req('GET', `/os-quota-sets/${a.projectId}`, a.token)
    assert.equal(after.body.quota_set.cores, 20)
  })

  test('per-user quotas stay within the project', async () => {
    await req('PUT', `/os-quota-sets/${b.projectId}`, admin, { quota_set: { instances: 8 } })
    const u = await req('PUT', `/os-quota-sets/${b.projectId}?user_id=${b.userId}`, admin, {
      quota_set: { instances: 3 },
    })
    assert.equal(u.status, 200)
    assert.equal(u.body.quota_set.instances, 3)
    const userView = await req('GET', `/os-quota-sets/${b.projectId}?user_id=${b.userId}`, b.token)
    assert.equal(userView.body.quota_set.instances, 3)
    const projectView = await req('GET', `/os-quota-sets/${b.projectId}`, b.token)
    assert.equal(projectView.body.quota_set.instances, 8)
    const tooMuch = await req('PUT', `/os-quota-sets/${b.projectId}?user_id=${b.userId}`, admin, {
      quota_set: { instances: 9 },
    })
    assert.equal(tooMuch.status, 400)
    const belowUsers = await req('PUT', `/os-quota-sets/${b.projectId}`, admin, {
      quota_set: { instances: 2 },
    })
    assert.equal(belowUsers.status, 400)
    await req('DELETE', `/os-quota-sets/${b.projectId}?user_id=${b.userId}`, admin)
    const reset = await req('GET', `/os-quota-sets/${b.projectId}?user_id=${b.userId}`, b.token)
    assert.equal(reset.body.quota_set.instances, 8)
  })

  test('quota class default changes the defaults', async () => {
    assert.equal((await req('GET', '/os-quota-class-sets/default', a.token)).status, 403)
    const show = await req('GET', '/os-quota-class-sets/default', admin)
    assert.equal(show.body.quota_class_set.id, 'default')
    assert.equal('server_groups' in show.body.quota_class_set, false, 'not before 2.50')
    assert.equal('floating_ips' in show.body.quota_class_set, true)
    const v250 = await req('GET', '/os-quota-class-sets/default', admin, undefined, '2.50')
    assert.equal(v250.body.quota_class_set.server_groups, 10)
    assert.equal('floating_ips' in v250.body.quota_class_set, false)
    const u = await req('PUT', '/os-quota-class-sets/default', admin, {
      quota_class_set: { metadata_items: 200 },
    })
    assert.equal(u.status, 200)
    assert.equal(u.body.quota_class_set.metadata_items, 200)
    assert.equal('id' in u.body.quota_class_set, false)
    const defaults = await req('GET', `/os-quota-sets/${b.projectId}/defaults`, b.token)
    assert.equal(defaults.body.quota_set.metadata_items, 200)
    const lim = await req('GET', '/limits', b.token)
    assert.equal(lim.body.limits.absolute.maxServerMeta, 200)
    await req('PUT', '/os-quota-class-sets/default', admin, {
      quota_class_set: { metadata_items: 128 },
    })
  })

  test('limits: Nova absolute names per microversion, rate empty, tenant_id for admins', async () => {
    const l = await req('GET', '/limits', b.token)
    assert.equal(l.status, 200)
    assert.deepEqual(l.body.limits.rate, [])
    assert.deepEqual(Object.keys(l.body.limits.absolute).sort(), [
      'maxImageMeta',
      'maxPersonality',
      'maxPersonalitySize',
      'maxSecurityGroupRules',
      'maxSecurityGroups',
      'maxServerGroupMembers',
      'maxServerGroups',
      'maxServerMeta',
      'maxTotalCores',
      'maxTotalFloatingIps',
      'maxTotalInstances',
      'maxTotalKeypairs',
      'maxTotalRAMSize',
      'totalCoresUsed',
      'totalFloatingIpsUsed',
      'totalInstancesUsed',
      'totalRAMUsed',
      'totalSecurityGroupsUsed',
      'totalServerGroupsUsed',
    ])
    const l257 = await req('GET', '/limits', b.token, undefined, '2.57')
    assert.deepEqual(Object.keys(l257.body.limits.absolute).sort(), [
      'maxServerGroupMembers',
      'maxServerGroups',
      'maxServerMeta',
      'maxTotalCores',
      'maxTotalInstances',
      'maxTotalKeypairs',
      'maxTotalRAMSize',
      'totalCoresUsed',
      'totalInstancesUsed',
      'totalRAMUsed',
      'totalServerGroupsUsed',
    ])
    const l239 = await req('GET', '/limits', b.token, undefined, '2.39')
    assert.equal('maxImageMeta' in l239.body.limits.absolute, false)
    assert.equal('maxPersonality' in l239.body.limits.absolute, true)
    assert.equal((await req('GET', `/limits?tenant_id=${a.projectId}`, b.token)).status, 403)
    const other = await req('GET', `/limits?tenant_id=${b.projectId}`, admin)
    assert.equal(other.body.limits.absolute.maxTotalInstances, 8)
  })
})
