import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { createTestCloud, type TestCloud } from '../../identity/testing.js'
import { memberOf } from '../../network/api/l3-test-fixtures.js'
import { consumerAllocations } from '../../placement/index.js'
import { activeImage, compute, waitForStatus } from './servers-test-fixtures.js'

/** Server actions end to end: API → conductor → fake compute workers (2 nodes) → API. */
describe('server actions on running servers (fake driver, 2 nodes)', () => {
  let cloud: TestCloud
  let admin: string
  let member: { projectId: string; token: string }
  let image: string
  let c: ReturnType<typeof compute>

  const boot = async (token: string, name: string, flavorRef = '1'): Promise<string> => {
    const r = await c(
      'POST',
      '/servers',
      token,
      { server: { name, imageRef: image, flavorRef, networks: 'none' } },
      '2.37',
    )
    assert.equal(r.status, 202, JSON.stringify(r.body))
    const s = await waitForStatus(cloud, token, r.body.server.id, ['ACTIVE', 'ERROR'])
    assert.equal(s?.status, 'ACTIVE', JSON.stringify(s))
    return r.body.server.id as string
  }
  const act = (id: string, body: unknown, token = admin, version?: string) =>
    c('POST', `/servers/${id}/action`, token, body, version)
  const expectStatus = async (id: string, status: string, token = admin) => {
    const s = await waitForStatus(cloud, token, id, [status, 'ERROR'])
    assert.equal(s?.status, status, JSON.stringify(s))
    return s as Record<string, any>
  }
  const imageActive = async (imageId: string, token: string): Promise<Record<string, any>> => {
    let img: Record<string, any> = {}
    for (let i = 0; i < 200; i++) {
      img = (await cloud.request('GET', `/image/v2/images/${imageId}`, { token })).body
      if (img['status'] === 'active') break
      await new Promise((res) => setTimeout(res, 20))
    }
    assert.equal(img['status'], 'active')
    return img
  }
  const show = async (id: string, token = admin, version = '2.47') =>
    (await c('GET', `/servers/${id}`, token, undefined, version)).body.server as Record<string, any>

  before(async () => {
    cloud = await createTestCloud({ env: { NUBIS_FAKE__NODES: '2' } })
    admin = await cloud.adminToken()
    member = await memberOf(cloud, admin, 'flow')
    image = await activeImage(cloud, admin)
    c = compute(cloud)
  })
  after(async () => cloud.close())

  test('diagnostics: admin only; the standard form from 2.48, the flat dict before', async () => {
    const id = await boot(member.token, 'diag')
    const denied = await c('GET', `/servers/${id}/diagnostics`, member.token)
    assert.equal(denied.status, 403)
    const std = await c('GET', `/servers/${id}/diagnostics`, admin, undefined, '2.48')
    assert.equal(std.status, 200, JSON.stringify(std.body))
    assert.equal(std.body.state, 'running')
    assert.equal(std.body.num_cpus, 1)
    assert.equal(std.body.memory_details.maximum, 512)
    assert.equal(std.body.num_disks, 1)
    assert.equal(std.body.cpu_details.length, 1)
    const legacy = await c('GET', `/servers/${id}/diagnostics`, admin, undefined, '2.47')
    assert.equal(legacy.body.memory, 512 * 1024)
    assert.equal(legacy.body.cpu0_time, 0)
    assert.equal(legacy.body.state, undefined)
    assert.equal(
      (await c('GET', '/servers/00000000-0000-0000-0000-000000000000/diagnostics', admin)).status,
      404,
    )
  })

  test('changePassword reaches the guest through the driver and is an instance action', async () => {
    const id = await boot(member.token, 'pw')
    const r = await act(id, { changePassword: { adminPass: 'Newpass1234' } }, member.token)
    assert.equal(r.status, 202, JSON.stringify(r.body))
    const s = await show(id, member.token)
    assert.equal(s['status'], 'ACTIVE')
    assert.equal(s['OS-EXT-STS:task_state'], null)
    const out = await act(id, { 'os-getConsoleOutput': {} }, member.token)
    assert.match(out.body.output, /administrator password changed/)
    const actions = (await c('GET', `/servers/${id}/os-instance-actions`, member.token)).body
      .instanceActions as Array<{ action: string; request_id: string }>
    const pw = actions.find((a) => a.action === 'changePassword')
    assert.ok(pw, JSON.stringify(actions))
    const detail = (
      await c(
        'GET',
        `/servers/${id}/os-instance-actions/${pw.request_id}`,
        admin,
        undefined,
        '2.62',
      )
    ).body.instanceAction
    assert.equal(detail.events[0].event, 'compute_set_admin_password')
    assert.equal(detail.events[0].result, 'Success')
    assert.ok(detail.events[0].host, 'admins see the event host from 2.62')
    assert.match(detail.events[0].hostId, /^[0-9a-f]{56}$/)
    const asMember = (
      await c(
        'GET',
        `/servers/${id}/os-instance-actions/${pw.request_id}`,
        member.token,
        undefined,
        '2.62',
      )
    ).body.instanceAction
    assert.equal(asMember.events[0].host, undefined, 'members never see the host')
    assert.equal(asMember.events[0].hostId, detail.events[0].hostId)
    assert.equal((await act(id, { 'os-stop': null }, member.token)).status, 202)
    await expectStatus(id, 'SHUTOFF', member.token)
    const stopped = await act(id, { changePassword: { adminPass: 'x' } }, member.token)
    assert.equal(stopped.status, 409)
  })

  test('reboot, stop/start, pause/unpause, suspend/resume walk the statuses', async () => {
    const id = await boot(admin, 'power')
    assert.equal((await act(id, { reboot: { type: 'HARD' } })).status, 202)
    await expectStatus(id, 'ACTIVE')
    assert.equal((await act(id, { 'os-stop': null })).status, 202)
    await expectStatus(id, 'SHUTOFF')
    assert.equal((await act(id, { 'os-stop': null })).status, 409)
    assert.equal((await act(id, { 'os-start': null })).status, 202)
    await expectStatus(id, 'ACTIVE')
    assert.equal((await act(id, { pause: null })).status, 202)
    await expectStatus(id, 'PAUSED')
    assert.equal((await act(id, { unpause: null })).status, 202)
    await expectStatus(id, 'ACTIVE')
    assert.equal((await act(id, { suspend: null })).status, 202)
    await expectStatus(id, 'SUSPENDED')
    assert.equal((await act(id, { resume: null })).status, 202)
    await expectStatus(id, 'ACTIVE')
    const actions = await c('GET', `/servers/${id}/os-instance-actions`, admin)
    const names = (actions.body.instanceActions as Array<{ action: string }>).map((a) => a.action)
    for (const n of ['reboot', 'stop', 'start', 'pause', 'unpause', 'suspend', 'resume'])
      assert.ok(names.includes(n), `${n} in ${names.join(',')}`)
  })

  test('resize → VERIFY_RESIZE → confirm keeps the new flavor; revert goes back', async () => {
    const id = await boot(admin, 'resize')
    const same = await act(id, { resize: { flavorRef: '1' } })
    assert.equal(same.status, 400)
    assert.equal(same.body.badRequest.message, 'When resizing, instances must change flavor!')
    assert.equal((await act(id, { resize: { flavorRef: '2' } })).status, 202)
    const resized = await expectStatus(id, 'VERIFY_RESIZE')
    assert.equal(resized.flavor.id, '2')
    // While unconfirmed the migration holds the old size on the source, the server the new one.
    const mig = await cloud.database.db
      .selectFrom('migrations')
      .selectAll()
      .where('instance_uuid', '=', id)
      .executeTakeFirstOrThrow()
    const held = Object.values(await consumerAllocations(cloud.database.db, mig.uuid))
    assert.deepEqual(
      held.map((a) => a['MEMORY_MB']),
      [512],
    )
    const claimed = Object.values(await consumerAllocations(cloud.database.db, id))
    assert.deepEqual(
      claimed.map((a) => a['MEMORY_MB']),
      [2048],
    )
    assert.equal((await act(id, { confirmResize: null })).status, 204)
    await expectStatus(id, 'ACTIVE')
    assert.equal((await show(id)).flavor.original_name, 'm1.small')
    assert.deepEqual(await consumerAllocations(cloud.database.db, mig.uuid), {})
    assert.equal((await act(id, { confirmResize: null })).status, 409)

    assert.equal((await act(id, { resize: { flavorRef: '3' } })).status, 202)
    await expectStatus(id, 'VERIFY_RESIZE')
    assert.equal((await act(id, { revertResize: null })).status, 202)
    await expectStatus(id, 'ACTIVE')
    assert.equal((await show(id)).flavor.original_name, 'm1.small')
    const reverted = Object.values(await consumerAllocations(cloud.database.db, id))
    assert.deepEqual(
      reverted.map((a) => a['MEMORY_MB']),
      [2048],
    )
    const migs = await cloud.database.db
      .selectFrom('migrations')
      .select(['status', 'migration_type'])
      .where('instance_uuid', '=', id)
      .orderBy('id')
      .execute()
    assert.deepEqual(
      migs.map((m) => `${m.migration_type}:${m.status}`),
      ['resize:confirmed', 'resize:reverted'],
    )
  })

  test('cold migrate lands on the other node; live migrate moves it back', async () => {
    const id = await boot(admin, 'mover')
    const before = (await show(id))['OS-EXT-SRV-ATTR:host'] as string
    assert.equal((await act(id, { migrate: null }, member.token)).status, 403)
    assert.equal((await act(id, { migrate: null })).status, 202)
    const moved = await expectStatus(id, 'VERIFY_RESIZE')
    assert.notEqual(moved['OS-EXT-SRV-ATTR:host'], before)
    assert.equal((await act(id, { confirmResize: null })).status, 204)
    await expectStatus(id, 'ACTIVE')
    const after = (await show(id))['OS-EXT-SRV-ATTR:host'] as string
    assert.notEqual(after, before)

    const live = await act(
      id,
      { 'os-migrateLive': { host: null, block_migration: 'auto' } },
      admin,
      '2.25',
    )
    assert.equal(live.status, 202, JSON.stringify(live.body))
    for (let i = 0; i < 200 && (await show(id))['OS-EXT-SRV-ATTR:host'] === after; i++)
      await new Promise((r) => setTimeout(r, 20))
    const back = await expectStatus(id, 'ACTIVE')
    assert.equal(back['OS-EXT-SRV-ATTR:host'], before)
  })

  test('createImage makes an active snapshot image (2.45 body, Location before)', async () => {
    const id = await boot(member.token, 'snap')
    const r = await act(
      id,
      { createImage: { name: 'snap1', metadata: { purpose: 'test' } } },
      member.token,
      '2.45',
    )
    assert.equal(r.status, 202, JSON.stringify(r.body))
    const imageId = r.body.image_id as string
    const img = await imageActive(imageId, member.token)
    assert.equal(img.instance_uuid, id)
    assert.equal(img.image_type, 'snapshot')
    assert.equal(img.purpose, 'test')
    await expectStatus(id, 'ACTIVE', member.token)
    const old = await act(id, { createImage: { name: 'snap2' } }, member.token)
    assert.equal(old.status, 202)
    assert.match(String(old.headers['location']), /\/image\/images\/[0-9a-f-]{36}$/)
  })

  test('createBackup keeps `rotation` backups of a type, oldest deleted', async () => {
    const id = await boot(member.token, 'backup')
    const ids: string[] = []
    for (const n of ['b1', 'b2', 'b3']) {
      const r = await act(
        id,
        { createBackup: { name: n, backup_type: 'daily', rotation: 2 } },
        member.token,
        '2.45',
      )
      assert.equal(r.status, 202, JSON.stringify(r.body))
      ids.push(r.body.image_id as string)
      await imageActive(r.body.image_id, member.token)
      for (
        let i = 0;
        i < 100 && (await show(id, member.token))['OS-EXT-STS:task_state'] !== null;
        i++
      )
        await new Promise((res) => setTimeout(res, 20))
    }
    await expectStatus(id, 'ACTIVE', member.token)
    const list = await cloud.request(
      'GET',
      `/image/v2/images?instance_uuid=${id}&image_type=backup&backup_type=daily&sort_key=created_at&sort_dir=asc`,
      { token: member.token },
    )
    assert.deepEqual(
      list.body.images.map((i: { name: string }) => i.name),
      ['b2', 'b3'],
    )
    const gone = await cloud.request('GET', `/image/v2/images/${ids[0]}`, { token: member.token })
    assert.equal(gone.status, 404)
    const pw = await c('GET', `/servers/${id}/os-server-password`, member.token)
    assert.deepEqual(pw.body, { password: '' })
    assert.equal((await c('DELETE', `/servers/${id}/os-server-password`, member.token)).status, 204)
  })

  test("an admin's lock makes the owner's delete 409", async () => {
    const id = await boot(member.token, 'locked')
    assert.equal((await act(id, { lock: null })).status, 202)
    const del = await c('DELETE', `/servers/${id}`, member.token)
    assert.equal(del.status, 409)
    assert.equal(del.body.conflictingRequest.message, `Instance ${id} is locked`)
    assert.equal((await show(id, member.token, '2.9')).locked, true)
    assert.equal((await act(id, { unlock: null })).status, 202)
  })

  test('rescue → RESCUE → unrescue; shelve → SHELVED_OFFLOADED → unshelve', async () => {
    const id = await boot(admin, 'rescue')
    const r = await act(id, { rescue: null })
    assert.equal(r.status, 200)
    assert.equal(typeof r.body.adminPass, 'string')
    await expectStatus(id, 'RESCUE')
    assert.equal((await act(id, { unrescue: null })).status, 202)
    await expectStatus(id, 'ACTIVE')

    assert.equal((await act(id, { shelve: null })).status, 202)
    const shelved = await expectStatus(id, 'SHELVED_OFFLOADED')
    assert.equal(shelved['OS-EXT-SRV-ATTR:host'], null)
    assert.equal((await act(id, { shelve: null })).status, 409)
    assert.equal((await act(id, { unshelve: null })).status, 202)
    const back = await expectStatus(id, 'ACTIVE')
    assert.ok(back['OS-EXT-SRV-ATTR:host'])
  })

  test('rebuild answers the server with adminPass and comes back ACTIVE', async () => {
    const id = await boot(admin, 'rebuild')
    const r = await act(id, { rebuild: { imageRef: image, name: 'rebuilt', adminPass: 'pw' } })
    assert.equal(r.status, 202, JSON.stringify(r.body))
    assert.equal(r.body.server.adminPass, 'pw')
    assert.equal(r.body.server.name, 'rebuilt')
    assert.equal(r.body.server.status, 'REBUILD')
    await expectStatus(id, 'ACTIVE')
    const bad = await act(id, { rebuild: { imageRef: '00000000-0000-0000-0000-000000000000' } })
    assert.equal(bad.status, 400)
    // 2.63: trusted certificates set, then cleared, by rebuild.
    const certs = ['cert-1']
    const withCerts = await act(
      id,
      { rebuild: { imageRef: image, trusted_image_certificates: certs } },
      admin,
      '2.63',
    )
    assert.equal(withCerts.status, 202, JSON.stringify(withCerts.body))
    assert.deepEqual(withCerts.body.server.trusted_image_certificates, certs)
    await expectStatus(id, 'ACTIVE')
    const tooOld = await act(
      id,
      { rebuild: { imageRef: image, trusted_image_certificates: certs } },
      admin,
      '2.62',
    )
    assert.equal(tooOld.status, 400)
    const cleared = await act(
      id,
      { rebuild: { imageRef: image, trusted_image_certificates: null } },
      admin,
      '2.63',
    )
    assert.equal(cleared.body.server.trusted_image_certificates, null)
    await expectStatus(id, 'ACTIVE')
  })

  test('console output through the worker; remote console URL with a live token', async () => {
    const id = await boot(admin, 'console')
    const out = await act(id, { 'os-getConsoleOutput': { length: 1 } })
    assert.equal(out.status, 200)
    assert.match(out.body.output, /login:/)
    assert.equal(out.body.output.split('\n').length, 1)
    const rc = await c(
      'POST',
      `/servers/${id}/remote-consoles`,
      admin,
      { remote_console: { protocol: 'vnc', type: 'novnc' } },
      '2.6',
    )
    assert.equal(rc.status, 200, JSON.stringify(rc.body))
    assert.equal(rc.body.remote_console.protocol, 'vnc')
    const url = new URL(rc.body.remote_console.url)
    const served = await cloud.request('GET', `${url.pathname}${url.search}`)
    assert.equal(served.status, 200)
    assert.equal(served.body.console.instance_uuid, id)
    assert.equal((await cloud.request('GET', '/compute/v2.1/console?token=nope')).status, 404)
    const legacy = await act(id, { 'os-getVNCConsole': { type: 'novnc' } })
    assert.equal(legacy.status, 200)
    assert.equal(legacy.body.console.type, 'novnc')
    const mismatch = await c(
      'POST',
      `/servers/${id}/remote-consoles`,
      admin,
      { remote_console: { protocol: 'vnc', type: 'spice-html5' } },
      '2.6',
    )
    assert.equal(mismatch.status, 400)
  })

  test('evacuate refuses while the source is up, then rebuilds on the other node when it is down', async () => {
    const id = await boot(admin, 'evac')
    const r = await act(id, { evacuate: {} }, admin, '2.29')
    assert.equal(r.status, 400)
    assert.match(r.body.badRequest.message, /Compute service of .* is still in use\./)
    const source = (await show(id))['OS-EXT-SRV-ATTR:host'] as string
    const down = () =>
      cloud.database.db
        .updateTable('compute_services')
        .set({ forced_down: 1 })
        .where('host', '=', source)
        .where('binary', '=', 'nova-compute')
        .execute()
    await down()
    try {
      const ev = await act(id, { evacuate: { adminPass: 'evac-pw' } }, admin, '2.29')
      assert.equal(ev.status, 200, JSON.stringify(ev.body))
      for (let i = 0; i < 200 && (await show(id))['OS-EXT-SRV-ATTR:host'] === source; i++)
        await new Promise((res) => setTimeout(res, 20))
      const moved = await expectStatus(id, 'ACTIVE')
      assert.notEqual(moved['OS-EXT-SRV-ATTR:host'], source)
      const mig = await cloud.database.db
        .selectFrom('migrations')
        .select(['migration_type', 'source_compute'])
        .where('instance_uuid', '=', id)
        .executeTakeFirstOrThrow()
      assert.deepEqual(mig, { migration_type: 'evacuation', source_compute: source })
      // Before 2.14 the answer carries the admin password.
      const old = await act(id, { evacuate: { onSharedStorage: false } }, admin, '2.13')
      assert.equal(old.status, 400, 'the new host is up: still in use')
    } finally {
      await cloud.database.db
        .updateTable('compute_services')
        .set({ forced_down: 0 })
        .where('host', '=', source)
        .execute()
    }
  })

  test('live migration forced to a named host (2.30) and a stopped server refused', async () => {
    const id = await boot(admin, 'forced')
    const host = (await show(id))['OS-EXT-SRV-ATTR:host'] as string
    const hosts = await c('GET', '/os-hypervisors/detail', admin)
    const other = (hosts.body.hypervisors as Array<{ service: { host: string } }>)
      .map((h) => h.service.host)
      .find((h) => h !== host) as string
    const self = await act(
      id,
      { 'os-migrateLive': { host, block_migration: 'auto', force: true } },
      admin,
      '2.30',
    )
    assert.equal(self.status, 400)
    const r = await act(
      id,
      { 'os-migrateLive': { host: other, block_migration: 'auto', force: true } },
      admin,
      '2.30',
    )
    assert.equal(r.status, 202, JSON.stringify(r.body))
    for (let i = 0; i < 200 && (await show(id))['OS-EXT-SRV-ATTR:host'] !== other; i++)
      await new Promise((res) => setTimeout(res, 20))
    assert.equal((await expectStatus(id, 'ACTIVE'))['OS-EXT-SRV-ATTR:host'], other)
    assert.equal((await act(id, { 'os-stop': null })).status, 202)
    await expectStatus(id, 'SHUTOFF')
    const stopped = await act(
      id,
      { 'os-migrateLive': { host: null, block_migration: 'auto' } },
      admin,
      '2.25',
    )
    assert.equal(stopped.status, 409)
  })
})
