import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { createTestCloud, type TestCloud } from '../../identity/testing.js'
import { insertInstance } from '../actions/test-fixtures.js'
import { hostId } from '../server-view.js'
import { memberOf } from './resource-test-fixtures.js'
import { compute } from './servers-test-fixtures.js'

const BASE = [
  'OS-DCF:diskConfig',
  'accessIPv4',
  'accessIPv6',
  'addresses',
  'created',
  'flavor',
  'hostId',
  'id',
  'image',
  'links',
  'metadata',
  'name',
  'status',
  'tenant_id',
  'updated',
  'user_id',
]
const DETAIL = [
  ...BASE,
  'OS-EXT-AZ:availability_zone',
  'OS-EXT-STS:power_state',
  'OS-EXT-STS:task_state',
  'OS-EXT-STS:vm_state',
  'OS-SRV-USG:launched_at',
  'OS-SRV-USG:terminated_at',
  'config_drive',
  'key_name',
  'os-extended-volumes:volumes_attached',
  'progress',
]
const ADMIN_21 = [
  'OS-EXT-SRV-ATTR:host',
  'OS-EXT-SRV-ATTR:hypervisor_hostname',
  'OS-EXT-SRV-ATTR:instance_name',
]
const ADMIN_23 = [
  'OS-EXT-SRV-ATTR:hostname',
  'OS-EXT-SRV-ATTR:kernel_id',
  'OS-EXT-SRV-ATTR:launch_index',
  'OS-EXT-SRV-ATTR:ramdisk_id',
  'OS-EXT-SRV-ATTR:reservation_id',
  'OS-EXT-SRV-ATTR:root_device_name',
  'OS-EXT-SRV-ATTR:user_data',
]
const sorted = (xs: string[]) => [...xs].sort()

describe('GET /servers, /servers/detail, /servers/{id}', () => {
  let cloud: TestCloud
  let admin: string
  let a: { projectId: string; userId: string; token: string }
  let b: { projectId: string; userId: string; token: string }
  let req: ReturnType<typeof compute>
  before(async () => {
    cloud = await createTestCloud()
    admin = await cloud.adminToken()
    a = await memberOf(cloud, admin, 'srv-read-a')
    b = await memberOf(cloud, admin, 'srv-read-b')
    req = compute(cloud)
  })
  after(async () => cloud.close())

  test('show: exact field sets per microversion and role', async () => {
    const vm = await insertInstance(cloud, a.projectId, {
      user_id: a.userId,
      host: 'h9',
      node: 'n9',
    })
    const get = (token: string, v?: string) =>
      req('GET', `/servers/${vm.uuid}`, token, undefined, v)
    const m21 = (await get(a.token)).body.server
    assert.deepEqual(Object.keys(m21).sort(), sorted(DETAIL))
    assert.equal(m21.status, 'ACTIVE')
    assert.equal(m21.hostId, hostId('h9', a.projectId))
    assert.match(m21.created, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/)
    assert.match(m21['OS-SRV-USG:launched_at'], /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}$/)
    assert.deepEqual(Object.keys(m21.flavor).sort(), ['id', 'links'])
    assert.equal(m21.flavor.links[0].href, 'http://localhost:80/compute/flavors/1')
    assert.equal(m21.image.id, vm.image_ref)
    assert.deepEqual(m21['os-extended-volumes:volumes_attached'], [])
    const a21 = (await get(admin)).body.server
    assert.deepEqual(Object.keys(a21).sort(), sorted([...DETAIL, ...ADMIN_21]))
    assert.equal(a21['OS-EXT-SRV-ATTR:host'], 'h9')
    assert.equal(a21['OS-EXT-SRV-ATTR:hypervisor_hostname'], 'n9')
    const a23 = (await get(admin, '2.3')).body.server
    assert.deepEqual(Object.keys(a23).sort(), sorted([...DETAIL, ...ADMIN_21, ...ADMIN_23]))
    const m26 = (await get(a.token, '2.26')).body.server
    assert.deepEqual(Object.keys(m26).sort(), sorted([...DETAIL, 'locked', 'description', 'tags']))
    const a216 = (await get(admin, '2.16')).body.server
    assert.equal(a216.host_status, 'UNKNOWN', 'no compute service row for h9')
    assert.equal(a216.locked, false)
    const m247 = (await get(a.token, '2.47')).body.server
    assert.deepEqual(m247.flavor, {
      vcpus: 1,
      ram: 512,
      disk: 1,
      ephemeral: 0,
      swap: 0,
      original_name: 'm1.tiny',
      extra_specs: {},
    })
  })

  test('BUILD shows progress and hides addresses; ERROR shows the fault, details for admins only', async () => {
    const build = await insertInstance(cloud, a.projectId, {
      vm_state: 'building',
      task_state: 'scheduling',
      host: null,
      launched_at: null,
    })
    const s = (await req('GET', `/servers/${build.uuid}`, a.token)).body.server
    assert.equal(s.status, 'BUILD')
    assert.equal(s.progress, 0)
    assert.equal(s.hostId, '')
    assert.deepEqual(s.addresses, {})
    const fault = {
      code: 500,
      message: 'No valid host was found. ',
      details: 'trace',
      created: '2026-01-02T03:04:05Z',
    }
    const err = await insertInstance(cloud, a.projectId, {
      vm_state: 'error',
      fault: JSON.stringify(fault),
    })
    const e = (await req('GET', `/servers/${err.uuid}`, a.token)).body.server
    assert.equal(e.status, 'ERROR')
    assert.equal('progress' in e, false)
    assert.deepEqual(e.fault, {
      code: 500,
      created: '2026-01-02T03:04:05Z',
      message: 'No valid host was found. ',
    })
    const ea = (await req('GET', `/servers/${err.uuid}`, admin)).body.server
    assert.equal(ea.fault.details, 'trace')
  })

  test("another project gets 404; admins see it; unknown ids are 404 with Nova's message", async () => {
    const vm = await insertInstance(cloud, a.projectId)
    const r = await req('GET', `/servers/${vm.uuid}`, b.token)
    assert.equal(r.status, 404)
    assert.equal(r.body.itemNotFound.message, `Instance ${vm.uuid} could not be found.`)
    assert.equal((await req('GET', `/servers/${vm.uuid}`, admin)).status, 200)
    assert.equal(
      (await req('PUT', `/servers/${vm.uuid}`, b.token, { server: { name: 'x' } })).status,
      404,
    )
    assert.equal((await req('DELETE', `/servers/${vm.uuid}`, b.token)).status, 404)
    const listB = await req('GET', '/servers', b.token)
    assert.equal(
      listB.body.servers.some((s: { id: string }) => s.id === vm.uuid),
      false,
    )
  })

  test('list filters, sorting and paging', async () => {
    const p = await memberOf(cloud, admin, 'srv-read-list')
    const mk = (name: string, values: Record<string, unknown> = {}, ms = 0) =>
      insertInstance(cloud, p.projectId, {
        display_name: name,
        created_at: new Date(Date.UTC(2026, 0, 1, 0, 0, ms)).toISOString(),
        updated_at: new Date(Date.UTC(2026, 0, 1, 0, 0, ms)).toISOString(),
        ...values,
      })
    const v1 = await mk('alpha', { reservation_id: 'r-aaaa' }, 1)
    const v2 = await mk('beta', { vm_state: 'stopped', power_state: 4 }, 2)
    const v3 = await mk('alphabet', { image_ref: 'img-x' }, 3)
    const v4 = await mk(
      'gone',
      { deleted: 1, vm_state: 'deleted', deleted_at: new Date().toISOString() },
      4,
    )
    await cloud.database.db
      .insertInto('instance_tags')
      .values([
        { instance_uuid: v1.uuid, tag: 't1' },
        { instance_uuid: v1.uuid, tag: 't2' },
        { instance_uuid: v3.uuid, tag: 't2' },
      ])
      .execute()
    const ids = async (query: string, token = p.token, v?: string) => {
      const r = await req('GET', `/servers${query}`, token, undefined, v)
      assert.equal(r.status, 200, JSON.stringify(r.body))
      return (r.body as { servers: Array<{ id: string }> }).servers.map((s) => s.id)
    }
    assert.deepEqual(await ids(''), [v3.uuid, v2.uuid, v1.uuid], 'newest first, deleted hidden')
    assert.deepEqual(await ids('?name=^alpha'), [v3.uuid, v1.uuid])
    assert.deepEqual(await ids('?status=SHUTOFF'), [v2.uuid])
    assert.deepEqual(await ids('?status=bogus'), [], 'before 2.38 an unknown status lists nothing')
    assert.equal(
      (await req('GET', '/servers?status=bogus', p.token, undefined, '2.38')).status,
      400,
    )
    assert.deepEqual(await ids('?image=img-x'), [v3.uuid])
    assert.deepEqual(await ids('?flavor=1'), [v3.uuid, v2.uuid, v1.uuid])
    assert.deepEqual(await ids('?flavor=2'), [])
    assert.deepEqual(await ids('?reservation_id=r-aaaa'), [v1.uuid])
    assert.deepEqual(await ids('?tags=t1,t2', p.token, '2.26'), [v1.uuid])
    assert.deepEqual(await ids('?tags-any=t2', p.token, '2.26'), [v3.uuid, v1.uuid])
    assert.deepEqual(await ids('?not-tags-any=t1', p.token, '2.26'), [v3.uuid, v2.uuid])
    assert.deepEqual(
      await ids('?host=nowhere'),
      [v3.uuid, v2.uuid, v1.uuid],
      'non-admin: host is ignored',
    )
    assert.deepEqual(await ids(`?host=nowhere&all_tenants=1&project_id=${p.projectId}`, admin), [])
    assert.deepEqual(await ids('?sort_key=display_name&sort_dir=asc'), [v1.uuid, v3.uuid, v2.uuid])
    assert.deepEqual(
      await ids('?changes-since=2026-01-01T00:00:02Z'),
      [v4.uuid, v3.uuid, v2.uuid],
      'changes-since includes deleted',
    )
    assert.deepEqual(
      await ids('?changes-before=2026-01-01T00:00:02Z', p.token, '2.66'),
      [v2.uuid, v1.uuid],
      'changes-before (2.66) is inclusive',
    )
    assert.deepEqual(
      await ids('?changes-before=2026-01-01T00:00:02Z', p.token, '2.65'),
      [v3.uuid, v2.uuid, v1.uuid],
      'before 2.66 changes-before is ignored',
    )
    assert.equal(
      (
        await req(
          'GET',
          '/servers?changes-since=2026-01-01T00:00:03Z&changes-before=2026-01-01T00:00:01Z',
          p.token,
          undefined,
          '2.66',
        )
      ).status,
      400,
    )
    assert.deepEqual(await ids(`?deleted=true&all_tenants=1&project_id=${p.projectId}`, admin), [
      v4.uuid,
    ])
    const page = await req('GET', '/servers/detail?limit=2', p.token)
    assert.deepEqual(
      page.body.servers.map((s: { id: string }) => s.id),
      [v3.uuid, v2.uuid],
    )
    const next = page.body.servers_links[0]
    assert.equal(next.rel, 'next')
    assert.equal(
      next.href,
      `http://localhost:80/compute/v2.1/servers/detail?limit=2&marker=${v2.uuid}`,
    )
    assert.deepEqual(await ids(`?limit=2&marker=${v2.uuid}`), [v1.uuid])
    const last = await req('GET', `/servers?limit=2&marker=${v2.uuid}`, p.token)
    assert.equal('servers_links' in last.body, false)
    const bad = await req('GET', '/servers?marker=nope', p.token)
    assert.equal(bad.status, 400)
    assert.equal(bad.body.badRequest.message, 'marker [nope] not found')
    assert.equal((await req('GET', '/servers?all_tenants=1', p.token)).status, 403)
    assert.equal((await req('GET', '/servers?sort_key=host', p.token)).status, 403)
    assert.equal((await req('GET', '/servers?sort_key=bogus', p.token)).status, 400)
    assert.equal((await req('GET', '/servers?limit=-1', p.token)).status, 400)
    assert.deepEqual(Object.keys((await req('GET', '/servers', p.token)).body.servers[0]).sort(), [
      'id',
      'links',
      'name',
    ])
    const allAdmin = await ids('?all_tenants', admin)
    assert.ok([v1.uuid, v2.uuid, v3.uuid].every((id) => allAdmin.includes(id)))
    assert.equal(
      (await ids('', admin)).includes(v1.uuid),
      false,
      'without all_tenants admins see their project',
    )
  })
})
