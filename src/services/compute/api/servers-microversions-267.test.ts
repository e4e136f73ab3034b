import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { createTestCloud, type TestCloud } from '../../identity/testing.js'
import { memberOf } from '../../network/api/l3-test-fixtures.js'
import { activeImage, compute, networkWithSubnet, waitForStatus } from './servers-test-fixtures.js'

/** Behaviour changes of compute microversions 2.67–2.79, end to end on two fake nodes. */
describe('compute microversions 2.67-2.79', () => {
  let cloud: TestCloud
  let admin: string
  let member: { projectId: string; token: string }
  let image: string
  let c: ReturnType<typeof compute>

  const boot = async (
    token: string,
    server: Record<string, unknown>,
    version: string,
    extra: Record<string, unknown> = {},
  ): Promise<string> => {
    const r = await c(
      'POST',
      '/servers',
      token,
      {
        server: { name: 'mv', imageRef: image, flavorRef: '1', networks: 'none', ...server },
        ...extra,
      },
      version,
    )
    assert.equal(r.status, 202, JSON.stringify(r.body))
    const s = await waitForStatus(cloud, token, r.body.server.id, ['ACTIVE', 'ERROR'])
    assert.equal(s?.status, 'ACTIVE', JSON.stringify(s))
    return r.body.server.id as string
  }
  const show = async (id: string, version: string, token = admin) =>
    (await c('GET', `/servers/${id}`, token, undefined, version)).body.server as Record<string, any>

  before(async () => {
    cloud = await createTestCloud({ env: { NUBIS_FAKE__NODES: '2' } })
    admin = await cloud.adminToken()
    member = await memberOf(cloud, admin, 'mv267')
    image = await activeImage(cloud, admin)
    c = compute(cloud)
  })
  after(async () => cloud.close())

  test('2.67: block_device_mapping_v2 volume_type names an existing type, else 400', async () => {
    const bdm = (volumeType: string) => ({
      name: 'bfv',
      imageRef: '',
      block_device_mapping_v2: [
        {
          boot_index: 0,
          uuid: image,
          source_type: 'image',
          destination_type: 'volume',
          volume_size: 1,
          volume_type: volumeType,
        },
      ],
    })
    const post = (v: string, type: string) =>
      c(
        'POST',
        '/servers',
        member.token,
        { server: { flavorRef: '1', networks: 'none', ...bdm(type) } },
        v,
      )
    assert.equal((await post('2.66', '__DEFAULT__')).status, 400, 'unknown before 2.67')
    const unknown = await post('2.67', 'no-such-type')
    assert.equal(unknown.status, 400)
    assert.equal(unknown.body.badRequest.message, 'Volume type no-such-type could not be found.')
    const ok = await post('2.67', '__DEFAULT__')
    assert.equal(ok.status, 202, JSON.stringify(ok.body))
    const row = await cloud.database.db
      .selectFrom('block_device_mappings')
      .select('volume_type')
      .where('instance_uuid', '=', ok.body.server.id)
      .executeTakeFirstOrThrow()
    assert.equal(row.volume_type, '__DEFAULT__')
  })

  test('2.68: force is gone from os-migrateLive and evacuate', async () => {
    const id = await boot(admin, {}, '2.37')
    const live = await c(
      'POST',
      `/servers/${id}/action`,
      admin,
      { 'os-migrateLive': { host: null, block_migration: 'auto', force: false } },
      '2.68',
    )
    assert.equal(live.status, 400)
    const evac = await c(
      'POST',
      `/servers/${id}/action`,
      admin,
      { evacuate: { force: false } },
      '2.68',
    )
    assert.equal(evac.status, 400)
  })

  test('2.70: device tags in os-interface and os-volume_attachments', async () => {
    const net = await networkWithSubnet(cloud, member.token, 'tagged', '10.70.0.0/24')
    const id = await boot(member.token, { networks: [{ uuid: net, tag: 'nic-a' }] }, '2.42')
    const old = await c('GET', `/servers/${id}/os-interface`, member.token, undefined, '2.69')
    assert.equal(old.body.interfaceAttachments[0].tag, undefined)
    const list = await c('GET', `/servers/${id}/os-interface`, member.token, undefined, '2.70')
    assert.equal(list.body.interfaceAttachments[0].tag, 'nic-a')
    const port = list.body.interfaceAttachments[0].port_id
    const one = await c(
      'GET',
      `/servers/${id}/os-interface/${port}`,
      member.token,
      undefined,
      '2.70',
    )
    assert.equal(one.body.interfaceAttachment.tag, 'nic-a')
    const attached = await c(
      'POST',
      `/servers/${id}/os-interface`,
      member.token,
      { interfaceAttachment: { net_id: net, tag: 'nic-b' } },
      '2.70',
    )
    assert.equal(attached.status, 200, JSON.stringify(attached.body))
    assert.equal(attached.body.interfaceAttachment.tag, 'nic-b')

    const vol = await cloud.request('POST', `/volume/v3/${member.projectId}/volumes`, {
      token: member.token,
      body: { volume: { size: 1 } },
    })
    const volId = vol.body.volume.id as string
    for (let i = 0; i < 200; i++) {
      const v = await cloud.request('GET', `/volume/v3/${member.projectId}/volumes/${volId}`, {
        token: member.token,
      })
      if (v.body.volume.status === 'available') break
      await new Promise((r) => setTimeout(r, 20))
    }
    const att = await c(
      'POST',
      `/servers/${id}/os-volume_attachments`,
      member.token,
      { volumeAttachment: { volumeId: volId, tag: 'disk-a', delete_on_termination: true } },
      '2.79',
    )
    assert.equal(att.status, 200, JSON.stringify(att.body))
    assert.equal(att.body.volumeAttachment.tag, 'disk-a')
    assert.equal(att.body.volumeAttachment.delete_on_termination, true, '2.79')
    const at70 = await c(
      'GET',
      `/servers/${id}/os-volume_attachments/${volId}`,
      member.token,
      undefined,
      '2.70',
    )
    assert.equal(at70.body.volumeAttachment.tag, 'disk-a')
    assert.equal(at70.body.volumeAttachment.delete_on_termination, undefined, 'needs 2.79')
    const at79 = await c(
      'GET',
      `/servers/${id}/os-volume_attachments`,
      member.token,
      undefined,
      '2.79',
    )
    assert.equal(at79.body.volumeAttachments[0].delete_on_termination, true)
    const tooOld = await c(
      'POST',
      `/servers/${id}/os-volume_attachments`,
      member.token,
      { volumeAttachment: { volumeId: volId, delete_on_termination: true } },
      '2.78',
    )
    assert.equal(tooOld.status, 400)
  })

  test('2.71: server_groups in show, update and rebuild, not in lists', async () => {
    const g = await c(
      'POST',
      '/os-server-groups',
      member.token,
      { server_group: { name: 'g', policy: 'anti-affinity' } },
      '2.64',
    )
    const gid = g.body.server_group.id
    const id = await boot(member.token, {}, '2.37', { 'os:scheduler_hints': { group: gid } })
    assert.deepEqual((await show(id, '2.71', member.token))['server_groups'], [gid])
    assert.equal((await show(id, '2.70', member.token))['server_groups'], undefined)
    const upd = await c(
      'PUT',
      `/servers/${id}`,
      member.token,
      { server: { name: 'renamed' } },
      '2.71',
    )
    assert.deepEqual(upd.body.server.server_groups, [gid])
    const detail = await c('GET', '/servers/detail', member.token, undefined, '2.71')
    assert.equal(detail.body.servers[0].server_groups, undefined)
    const plain = await boot(member.token, {}, '2.37')
    assert.deepEqual((await show(plain, '2.71', member.token))['server_groups'], [])
  })

  test('2.73: lock with a reason, locked_reason shown, locked filter and sort', async () => {
    const id = await boot(member.token, { name: 'lockme' }, '2.37')
    const other = await boot(member.token, { name: 'free' }, '2.37')
    const act = (body: unknown, v: string) =>
      c('POST', `/servers/${id}/action`, member.token, body, v)
    assert.equal((await act({ lock: { locked_reason: '' } }, '2.73')).status, 400)
    assert.equal((await act({ lock: { other: 'x' } }, '2.73')).status, 400)
    assert.equal((await act({ lock: { locked_reason: 'maintenance' } }, '2.73')).status, 202)
    const s = await show(id, '2.73', member.token)
    assert.equal(s['locked'], true)
    assert.equal(s['locked_reason'], 'maintenance')
    assert.equal((await show(id, '2.72', member.token))['locked_reason'], undefined)
    assert.equal((await show(other, '2.73', member.token))['locked_reason'], null)
    const names = async (q: string, v: string): Promise<string[]> =>
      (
        (await c('GET', `/servers${q}`, member.token, undefined, v)).body.servers as Array<{
          name: string
        }>
      ).map((x) => x.name)
    assert.deepEqual(await names('?locked=true&name=^(lockme|free)$', '2.73'), ['lockme'])
    assert.deepEqual(await names('?locked=false&name=^(lockme|free)$', '2.73'), ['free'])
    assert.deepEqual(
      (await names('?locked=true&name=^(lockme|free)$', '2.72')).sort(),
      ['free', 'lockme'],
      'before 2.73 locked is not a filter',
    )
    assert.equal(
      (await c('GET', '/servers?locked=maybe', member.token, undefined, '2.73')).status,
      400,
    )
    assert.deepEqual(await names('?name=^(lockme|free)$&sort_key=locked&sort_dir=desc', '2.73'), [
      'lockme',
      'free',
    ])
    assert.equal((await act({ unlock: null }, '2.73')).status, 202)
    assert.equal((await show(id, '2.73', member.token))['locked_reason'], null)
  })

  test('2.74: host and hypervisor_hostname pick the node, admin only, filters still run', async () => {
    const hosts = (await c('GET', '/os-hypervisors/detail', admin, undefined, '2.53')).body
      .hypervisors as Array<{ hypervisor_hostname: string; service: { host: string } }>
    assert.equal(hosts.length, 2)
    const target = hosts[1] as { hypervisor_hostname: string; service: { host: string } }
    const id = await boot(admin, { host: target.service.host }, '2.74')
    assert.equal((await show(id, '2.74'))['OS-EXT-SRV-ATTR:host'], target.service.host)
    const byNode = await boot(admin, { hypervisor_hostname: target.hypervisor_hostname }, '2.74')
    assert.equal(
      (await show(byNode, '2.74'))['OS-EXT-SRV-ATTR:hypervisor_hostname'],
      target.hypervisor_hostname,
    )
    const post = (server: Record<string, unknown>, v = '2.74', token = admin) =>
      c(
        'POST',
        '/servers',
        token,
        { server: { name: 'd', imageRef: image, flavorRef: '1', networks: 'none', ...server } },
        v,
      )
    assert.equal((await post({ host: target.service.host }, '2.73')).status, 400)
    assert.equal((await post({ host: target.service.host }, '2.74', member.token)).status, 403)
    const missing = await post({ host: 'nowhere' })
    assert.equal(missing.status, 400)
    assert.equal(missing.body.badRequest.message, 'Compute host nowhere could not be found.')
    const both = await post({
      host: target.service.host,
      availability_zone: `nova:${target.service.host}`,
    })
    assert.equal(both.status, 400)
    // Filters still run: a flavor no node can hold ends in ERROR with No valid host.
    const huge = await c('POST', '/flavors', admin, {
      flavor: { name: 'huge74', ram: 64, vcpus: 1, disk: 1_000_000 },
    })
    const tooBig = await post({ host: target.service.host, flavorRef: huge.body.flavor.id })
    assert.equal(tooBig.status, 202, JSON.stringify(tooBig.body))
    const failed = await waitForStatus(cloud, admin, tooBig.body.server.id, ['ERROR', 'ACTIVE'])
    assert.equal(failed?.status, 'ERROR')
  })

  test('2.75: unknown query parameters are 400; full PUT view; swap 0; servers always listed', async () => {
    const q = (url: string, v: string) => c('GET', url, member.token, undefined, v)
    assert.equal((await q('/servers?bogus=1', '2.74')).status, 200, 'ignored before 2.75')
    const bad = await q('/servers?bogus=1', '2.75')
    assert.equal(bad.status, 400)
    assert.match(bad.body.badRequest.message, /bogus/)
    assert.equal((await q('/servers/detail?name=x&limit=1', '2.75')).status, 200)
    assert.equal((await q('/servers?sort_key=vcpus', '2.74')).status, 200, 'ignored key')
    assert.equal((await q('/servers?sort_key=vcpus', '2.75')).status, 400)
    assert.equal((await q('/flavors?bogus=1', '2.75')).status, 400)
    assert.equal((await q('/os-keypairs?bogus=1', '2.75')).status, 400)
    assert.equal((await q('/limits?bogus=1', '2.75')).status, 400)
    assert.equal((await q('/os-server-groups?bogus=1', '2.75')).status, 400)
    assert.equal((await q('/os-server-groups?limit=1', '2.75')).status, 200)
    const flavor = (await q('/flavors/1', '2.75')).body.flavor
    assert.equal(flavor.swap, 0)
    assert.equal((await q('/flavors/1', '2.74')).body.flavor.swap, '')
    const id = await boot(member.token, {}, '2.37')
    const put = await c('PUT', `/servers/${id}`, member.token, { server: { name: 'n2' } }, '2.75')
    assert.equal(put.body.server['OS-EXT-STS:vm_state'], 'active', 'full view from 2.75')
    const put74 = await c('PUT', `/servers/${id}`, member.token, { server: { name: 'n3' } }, '2.74')
    assert.equal(put74.body.server['OS-EXT-STS:vm_state'], undefined)
    const hyps = await c('GET', '/os-hypervisors?with_servers=true', admin, undefined, '2.75')
    for (const h of hyps.body.hypervisors) assert.ok(Array.isArray(h.servers), JSON.stringify(h))
  })

  test('2.76: power-update events stop and start the server', async () => {
    const id = await boot(admin, {}, '2.37')
    const ev = (tag: string, v = '2.76') =>
      c(
        'POST',
        '/os-server-external-events',
        admin,
        { events: [{ server_uuid: id, name: 'power-update', tag }] },
        v,
      )
    assert.equal((await ev('POWER_OFF', '2.75')).status, 400, 'unknown event before 2.76')
    const off = await ev('POWER_OFF')
    assert.equal(off.status, 200, JSON.stringify(off.body))
    assert.equal((await waitForStatus(cloud, admin, id, ['SHUTOFF']))?.status, 'SHUTOFF')
    assert.equal((await ev('POWER_ON')).status, 200)
    assert.equal((await waitForStatus(cloud, admin, id, ['ACTIVE']))?.status, 'ACTIVE')
    const actions = (
      await c('GET', `/servers/${id}/os-instance-actions`, admin)
    ).body.instanceActions.map((a: { action: string }) => a.action)
    assert.deepEqual(actions.slice(0, 2), ['start', 'stop'])
  })

  test('2.77: unshelve an offloaded server into another zone', async () => {
    const id = await boot(member.token, {}, '2.37')
    const act = (body: unknown, v = '2.77') =>
      c('POST', `/servers/${id}/action`, member.token, body, v)
    assert.equal((await act({ shelve: null })).status, 202)
    const shelved = await waitForStatus(cloud, member.token, id, ['SHELVED_OFFLOADED', 'SHELVED'])
    if (shelved?.status === 'SHELVED') {
      const early = await act({ unshelve: { availability_zone: 'nova' } })
      assert.equal(early.status, 409, 'a zone needs SHELVED_OFFLOADED')
      assert.equal((await act({ shelveOffload: null })).status, 202)
      await waitForStatus(cloud, member.token, id, ['SHELVED_OFFLOADED'])
    }
    assert.equal((await act({ unshelve: {} })).status, 400, 'availability_zone is required')
    const nowhere = await act({ unshelve: { availability_zone: 'atlantis' } })
    assert.equal(nowhere.status, 400)
    assert.equal(
      nowhere.body.badRequest.message,
      'The requested availability zone is not available',
    )
    assert.equal((await act({ unshelve: { availability_zone: 'nova' } })).status, 202)
    const back = await waitForStatus(cloud, member.token, id, ['ACTIVE', 'ERROR'])
    assert.equal(back?.status, 'ACTIVE')
    const spec = await cloud.database.db
      .selectFrom('instances')
      .select('request_spec')
      .where('uuid', '=', id)
      .executeTakeFirstOrThrow()
    assert.equal(JSON.parse(spec.request_spec).availabilityZone, 'nova')
  })

  test('2.78: topology answers no NUMA nodes, 404 before 2.78 and for others', async () => {
    const id = await boot(member.token, {}, '2.37')
    assert.equal(
      (await c('GET', `/servers/${id}/topology`, member.token, undefined, '2.77')).status,
      404,
    )
    const t = await c('GET', `/servers/${id}/topology`, member.token, undefined, '2.78')
    assert.equal(t.status, 200)
    assert.deepEqual(t.body, { nodes: [], pagesize_kb: null })
    const other = await memberOf(cloud, admin, 'mv278-other')
    assert.equal(
      (await c('GET', `/servers/${id}/topology`, other.token, undefined, '2.78')).status,
      404,
    )
  })
})
