import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { createTestCloud, type TestCloud } from '../../identity/testing.js'
import { memberOf, volumeClient, waitStatus, type Member, type VolumeClient } from '../testing.js'

describe('volume types, quotas, limits, zones, services, pools, transfers', () => {
  let cloud: TestCloud
  let admin: string
  let a: Member
  let b: Member
  let va: VolumeClient
  let vb: VolumeClient
  let vadmin: VolumeClient
  before(async () => {
    cloud = await createTestCloud()
    admin = await cloud.adminToken()
    a = await memberOf(cloud, admin, 'adm-a')
    b = await memberOf(cloud, admin, 'adm-b')
    va = volumeClient(cloud, a)
    vb = volumeClient(cloud, b)
    vadmin = volumeClient(cloud, { projectId: cloud.bootstrap.adminProjectId, token: admin })
  })
  after(async () => cloud.close())

  test('types: default type, CRUD, extra specs, private access, encryption', async () => {
    const list = (await va('GET', '/types')).body.volume_types
    assert.ok(list.some((t: { name: string }) => t.name === '__DEFAULT__'))
    assert.equal((await va('GET', '/types/default')).body.volume_type.name, '__DEFAULT__')
    assert.equal((await va('POST', '/types', { volume_type: { name: 'x' } })).status, 403)
    const c = await vadmin('POST', '/types', {
      volume_type: {
        name: 'fast',
        description: 'd',
        extra_specs: { storage_protocol: 'file', vendor_name: 'Open Source' },
        'os-volume-type-access:is_public': true,
      },
    })
    assert.equal(c.status, 200)
    const t = c.body.volume_type
    assert.deepEqual(Object.keys(t).sort(), [
      'description',
      'extra_specs',
      'id',
      'is_public',
      'name',
      'os-volume-type-access:is_public',
    ])
    assert.equal((await vadmin('POST', '/types', { volume_type: { name: 'fast' } })).status, 409)
    const shown = (await vadmin('GET', `/types/${t.id}`)).body.volume_type
    assert.equal(shown.qos_specs_id, null, 'admins read the QoS association on GET')
    assert.deepEqual(shown.extra_specs, { storage_protocol: 'file', vendor_name: 'Open Source' })
    assert.deepEqual(
      (await va('GET', `/types/${t.id}`)).body.volume_type.extra_specs,
      {},
      'members see no backend specs',
    )
    const u = (
      await vadmin('PUT', `/types/${t.id}`, { volume_type: { name: 'faster', is_public: false } })
    ).body.volume_type
    assert.equal(u.name, 'faster')
    assert.equal(u.is_public, false)
    assert.equal((await va('GET', `/types/${t.id}`)).status, 404, 'private types are hidden')
    assert.equal(
      (
        await vadmin('POST', `/types/${t.id}/action`, {
          addProjectAccess: { project: a.projectId },
        })
      ).status,
      202,
    )
    assert.equal((await va('GET', `/types/${t.id}`)).status, 200)
    assert.deepEqual(
      (await vadmin('GET', `/types/${t.id}/os-volume-type-access`)).body.volume_type_access,
      [{ volume_type_id: t.id, project_id: a.projectId }],
    )
    assert.equal(
      (await vb('POST', '/volumes', { volume: { size: 1, volume_type: t.id } })).status,
      404,
    )

    assert.deepEqual(
      (await vadmin('POST', `/types/${t.id}/extra_specs`, { extra_specs: { k: 'v' } })).body,
      { extra_specs: { k: 'v' } },
    )
    assert.deepEqual((await vadmin('GET', `/types/${t.id}/extra_specs/k`)).body, { k: 'v' })
    assert.deepEqual((await vadmin('PUT', `/types/${t.id}/extra_specs/k`, { k: 'w' })).body, {
      k: 'w',
    })
    assert.equal((await vadmin('DELETE', `/types/${t.id}/extra_specs/k`)).status, 202)
    assert.equal((await vadmin('GET', `/types/${t.id}/extra_specs/k`)).status, 404)

    const enc = await vadmin('POST', `/types/${t.id}/encryption`, {
      encryption: {
        provider: 'LuksEncryptor',
        key_size: 256,
        cipher: 'aes-xts-plain64',
        control_location: 'front-end',
      },
    })
    assert.equal(enc.status, 200)
    assert.equal(enc.body.encryption.provider, 'LuksEncryptor')
    const e = (await vadmin('GET', `/types/${t.id}/encryption`)).body
    assert.equal(e.key_size, 256)
    await vadmin('PUT', `/types/${t.id}/encryption/${e.encryption_id}`, {
      encryption: { key_size: 128, control_location: 'back-end' },
    })
    assert.deepEqual((await vadmin('GET', `/types/${t.id}/encryption/control_location`)).body, {
      control_location: 'back-end',
    })
    assert.equal(
      (await vadmin('DELETE', `/types/${t.id}/encryption/${e.encryption_id}`)).status,
      202,
    )
    assert.deepEqual((await vadmin('GET', `/types/${t.id}/encryption`)).body, {})

    const dflt = (await vadmin('GET', '/types/default')).body.volume_type
    assert.equal((await vadmin('DELETE', `/types/${dflt.id}`)).status, 400)
    assert.equal((await vadmin('DELETE', `/types/${t.id}`)).status, 202)
    assert.equal((await vadmin('GET', `/types/${t.id}`)).status, 404)
  })

  test('quota sets: show, defaults, usage, update, delete; over quota is 413 with Cinder text', async () => {
    const show = (await vadmin('GET', `/os-quota-sets/${a.projectId}`)).body.quota_set
    assert.equal(show.id, a.projectId)
    for (const k of [
      'volumes',
      'snapshots',
      'gigabytes',
      'backups',
      'backup_gigabytes',
      'groups',
      'per_volume_gigabytes',
    ])
      assert.equal(typeof show[k], 'number', k)
    assert.equal(show['volumes___DEFAULT__'], -1)
    assert.equal((await vb('GET', `/os-quota-sets/${a.projectId}`)).status, 403)
    assert.equal(
      (await va('PUT', `/os-quota-sets/${a.projectId}`, { quota_set: { volumes: 1 } })).status,
      403,
    )
    const upd = await vadmin('PUT', `/os-quota-sets/${a.projectId}`, {
      quota_set: { volumes: 2, gigabytes: 3 },
    })
    assert.equal(upd.status, 200)
    assert.equal(upd.body.quota_set.volumes, 2)
    assert.equal(
      (await vadmin('PUT', `/os-quota-sets/${a.projectId}`, { quota_set: { bogus: 2 } })).status,
      400,
    )

    const v1 = (await va('POST', '/volumes', { volume: { size: 2 } })).body.volume
    const big = await va('POST', '/volumes', { volume: { size: 2 } })
    assert.equal(big.status, 413)
    assert.equal(
      big.body.overLimit.message,
      'Requested volume or snapshot exceeds allowed gigabytes quota. Requested 2G, quota is 3G and 2G has been consumed.',
    )
    const v2 = (await va('POST', '/volumes', { volume: { size: 1 } })).body.volume
    await vadmin('PUT', `/os-quota-sets/${a.projectId}`, { quota_set: { gigabytes: 5 } })
    const third = await va('POST', '/volumes', { volume: { size: 1 } })
    assert.equal(third.status, 413)
    assert.equal(
      third.body.overLimit.message,
      "Maximum number of volumes allowed (2) exceeded for quota 'volumes'.",
    )

    const usage = (await vadmin('GET', `/os-quota-sets/${a.projectId}?usage=true`)).body.quota_set
    assert.deepEqual(usage.volumes, { limit: 2, in_use: 2, reserved: 0 })
    assert.deepEqual(usage.gigabytes, { limit: 5, in_use: 3, reserved: 0 })
    const limits = (await va('GET', '/limits')).body.limits
    assert.deepEqual(limits.rate, [])
    assert.equal(limits.absolute.totalVolumesUsed, 2)
    assert.equal(limits.absolute.maxTotalVolumes, 2)
    assert.equal(limits.absolute.totalGigabytesUsed, 3)

    const defaults = (await va('GET', `/os-quota-sets/${a.projectId}/defaults`)).body.quota_set
    assert.equal(defaults.volumes, 10)
    assert.equal((await vadmin('DELETE', `/os-quota-sets/${a.projectId}`)).status, 200)
    assert.equal((await vadmin('GET', `/os-quota-sets/${a.projectId}`)).body.quota_set.volumes, 10)
    for (const v of [v1, v2]) {
      await waitStatus(va, `/volumes/${v.id}`, 'volume', 'available')
      await va('DELETE', `/volumes/${v.id}`)
    }
  })

  test('quota is atomic under concurrent creates', async () => {
    await vadmin('PUT', `/os-quota-sets/${b.projectId}`, { quota_set: { volumes: 3 } })
    const rs = await Promise.all(
      Array.from({ length: 8 }, () => vb('POST', '/volumes', { volume: { size: 1 } })),
    )
    assert.equal(rs.filter((r) => r.status === 202).length, 3)
    assert.equal(rs.filter((r) => r.status === 413).length, 5)
    for (const r of rs.filter((x) => x.status === 202)) {
      await waitStatus(vb, `/volumes/${r.body.volume.id}`, 'volume', 'available')
      await vb('DELETE', `/volumes/${r.body.volume.id}`)
      await waitStatus(vb, `/volumes/${r.body.volume.id}`, 'volume', 'deleted')
    }
    await vadmin('DELETE', `/os-quota-sets/${b.projectId}`)
  })

  test('availability zones, services, pools, extensions, qos', async () => {
    assert.deepEqual((await va('GET', '/os-availability-zone')).body, {
      availabilityZoneInfo: [{ zoneName: 'nova', zoneState: { available: true } }],
    })
    assert.equal((await va('GET', '/os-services')).status, 403)
    const services = (await vadmin('GET', '/os-services')).body.services
    const binaries = services.map((s: { binary: string }) => s.binary).sort()
    assert.deepEqual(binaries, ['cinder-scheduler', 'cinder-volume'])
    for (const s of services) {
      assert.equal(s.state, 'up')
      assert.equal(s.status, 'enabled')
      assert.equal(s.zone, 'nova')
    }
    assert.match(
      services.find((s: { binary: string }) => s.binary === 'cinder-volume').host,
      /@file$/,
    )
    const pools = (await vadmin('GET', '/scheduler-stats/get_pools?detail=true')).body.pools
    assert.equal(pools.length, 1)
    assert.match(pools[0].name, /@file#file$/)
    assert.equal(pools[0].capabilities.volume_backend_name, 'file')
    assert.equal(pools[0].capabilities.storage_protocol, 'file')
    assert.equal(typeof pools[0].capabilities.total_capacity_gb, 'number')
    assert.equal((await va('GET', '/scheduler-stats/get_pools')).status, 403)
    const ext = (await va('GET', '/extensions')).body.extensions
    assert.ok(ext.some((e: { alias: string }) => e.alias === 'os-volume-transfer'))
    assert.deepEqual((await vadmin('GET', '/qos-specs')).body, { qos_specs: [] })
  })

  test("Cinder's negative answers: empty ids, bad markers and sort keys, service actions", async () => {
    assert.equal((await va('GET', '/volumes/')).status, 404, 'an empty id is no route')
    assert.equal((await va('DELETE', '/snapshots/')).status, 404)
    const noVolume = await va('POST', '/snapshots', { snapshot: { volume_id: null } })
    assert.equal(noVolume.status, 404, JSON.stringify(noVolume.body))
    const marker = await va('GET', '/snapshots?marker=8ac0cd62-4ec4-4bbf-b0c7-a9a8d3c5d1a2')
    assert.equal(marker.status, 404)
    assert.equal(
      marker.body.itemNotFound.message,
      'Snapshot 8ac0cd62-4ec4-4bbf-b0c7-a9a8d3c5d1a2 could not be found.',
    )
    const volMarker = await va('GET', '/volumes/detail?marker=8ac0cd62-4ec4-4bbf-b0c7-a9a8d3c5d1a2')
    assert.deepEqual(volMarker.body, {
      itemNotFound: {
        code: 404,
        message: 'Volume 8ac0cd62-4ec4-4bbf-b0c7-a9a8d3c5d1a2 could not be found.',
      },
    })
    assert.equal((await va('GET', '/snapshots?sort_key=invalid')).status, 400)
    assert.deepEqual((await va('GET', '/volumes?sort=invalid:asc')).body, {
      badRequest: { code: 400, message: 'Invalid input received: Invalid sort key' },
    })
    assert.equal((await va('GET', '/volumes?sort=name:asc,size:desc,bootable')).status, 200)
    assert.equal((await va('GET', '/snapshots?sort=status:asc')).status, 200)
    const host = (await vadmin('GET', '/os-services')).body.services.find(
      (x: { binary: string }) => x.binary === 'cinder-volume',
    ).host as string
    const put = (action: string, body: unknown) => vadmin('PUT', `/os-services/${action}`, body)
    assert.equal(
      (await put('disable-log-reason', { host, binary: 'cinder-volume' })).status,
      400,
      'a reason is required',
    )
    assert.equal((await put('freeze', { host: 'no-such-host' })).status, 400)
    const unknown = await put('thaw', { host: 'no-such-host' })
    assert.equal(unknown.status, 400)
    assert.deepEqual(unknown.body, {
      badRequest: { code: 400, message: 'No service found with host=no-such-host' },
    })
  })

  test('freeze and thaw a backend: frozen, disabled, and no volume or snapshot changes', async () => {
    const put = (action: string, body: unknown, headers?: Record<string, string>) =>
      vadmin('PUT', `/os-services/${action}`, body, headers)
    type Service = { host: string; frozen: boolean; status: string; disabled_reason: string }
    const service = async (): Promise<Service> =>
      (await vadmin('GET', '/os-services?binary=cinder-volume')).body.services[0] as Service
    const backend = (await service()).host
    const v = (await va('POST', '/volumes', { volume: { size: 1 } })).body.volume
    await waitStatus(va, `/volumes/${v.id}`, 'volume', 'available')
    const snap = (await va('POST', '/snapshots', { snapshot: { volume_id: v.id } })).body.snapshot
    await waitStatus(va, `/snapshots/${snap.id}`, 'snapshot', 'available')

    assert.equal((await put('freeze', {})).body.badRequest.message, 'Host field is missing.')
    assert.equal((await put('freeze', { host: backend, binary: 'cinder-volume' })).status, 400)
    const both = await put(
      'freeze',
      { host: backend, cluster: 'c1' },
      {
        'OpenStack-API-Version': 'volume 3.26',
      },
    )
    assert.equal(both.body.badRequest.message, 'One and only one of cluster and host must be set.')

    // The bare host name addresses its backends (host@backend), as in Cinder.
    const bare = backend.split('@')[0]!
    assert.notEqual(bare, backend)
    const onHost = (await vadmin('GET', `/os-services?host=${bare}&binary=cinder-volume`)).body
    assert.deepEqual(
      onHost.services.map((x: { host: string }) => x.host),
      [backend],
    )
    const frozen = await put('freeze', { host: bare })
    assert.equal(frozen.status, 200)
    assert.ok(!frozen.body, 'no body')
    const s = await service()
    assert.deepEqual([s.frozen, s.status, s.disabled_reason], [true, 'disabled', 'frozen'])
    assert.equal(
      (await put('freeze', { host: backend })).body.badRequest.message,
      `Invalid input received: No service could be changed: frozen in ['${backend}'] must be False to failover.`,
    )
    const refused = {
      badRequest: {
        code: 400,
        message:
          'Invalid input received: Modification operations are not allowed on frozen storage backends.',
      },
    }
    assert.deepEqual((await va('DELETE', `/volumes/${v.id}`)).body, refused)
    assert.deepEqual(
      (await va('POST', '/snapshots', { snapshot: { volume_id: v.id } })).body,
      refused,
    )
    assert.deepEqual((await va('DELETE', `/snapshots/${snap.id}`)).body, refused)

    assert.equal((await put('thaw', { host: backend })).status, 200)
    const t = await service()
    assert.deepEqual([t.frozen, t.status, t.disabled_reason], [false, 'enabled', ''])
    assert.equal(
      (await put('thaw', { host: backend })).body.badRequest.message,
      `Invalid input received: No service could be changed: frozen in ['${backend}'] must be True to failover.`,
    )
    assert.equal((await va('DELETE', `/snapshots/${snap.id}`)).status, 202)
    await waitStatus(va, `/snapshots/${snap.id}`, 'snapshot', 'deleted')
    assert.equal((await va('DELETE', `/volumes/${v.id}`)).status, 202)
    await waitStatus(va, `/volumes/${v.id}`, 'volume', 'deleted')
  })

  test('a disabled backend service takes no new volumes; per-type quotas apply', async () => {
    const host = (await vadmin('GET', '/os-services?binary=cinder-volume')).body.services[0].host
    const off = await vadmin('PUT', '/os-services/disable', { host, binary: 'cinder-volume' })
    assert.equal(off.status, 200)
    assert.equal(off.body.status, 'disabled')
    const v = (await va('POST', '/volumes', { volume: { size: 1 } })).body.volume
    assert.equal(
      (await waitStatus(va, `/volumes/${v.id}`, 'volume', ['available', 'error'])).status,
      'error',
    )
    await vadmin('PUT', '/os-services/enable', { host, binary: 'cinder-volume' })
    const ok = (await va('POST', '/volumes', { volume: { size: 1 } })).body.volume
    assert.equal(
      (await waitStatus(va, `/volumes/${ok.id}`, 'volume', ['available', 'error'])).status,
      'available',
    )

    await vadmin('POST', '/types', { volume_type: { name: 'capped' } })
    await vadmin('PUT', `/os-quota-sets/${a.projectId}`, { quota_set: { volumes_capped: 1 } })
    const first = await va('POST', '/volumes', { volume: { size: 1, volume_type: 'capped' } })
    assert.equal(first.status, 202)
    const second = await va('POST', '/volumes', { volume: { size: 1, volume_type: 'capped' } })
    assert.equal(second.status, 413)
    assert.equal(
      second.body.overLimit.message,
      "Maximum number of volumes allowed (1) exceeded for quota 'volumes_capped'.",
    )
    for (const id of [v.id, ok.id, first.body.volume.id]) {
      await waitStatus(va, `/volumes/${id}`, 'volume', ['available', 'error'])
      await va('DELETE', `/volumes/${id}`)
      await waitStatus(va, `/volumes/${id}`, 'volume', 'deleted')
    }
    await vadmin('DELETE', `/os-quota-sets/${a.projectId}`)
  })

  test('volume transfer moves the volume and its quota usage to the accepting project', async () => {
    const v = (await va('POST', '/volumes', { volume: { size: 1 } })).body.volume
    await waitStatus(va, `/volumes/${v.id}`, 'volume', 'available')
    const before = (await vadmin('GET', `/os-quota-sets/${b.projectId}?usage=true`)).body.quota_set
    const t = await va('POST', '/os-volume-transfer', {
      transfer: { volume_id: v.id, name: 'gift' },
    })
    assert.equal(t.status, 202)
    assert.equal(typeof t.body.transfer.auth_key, 'string')
    assert.equal((await va('GET', `/volumes/${v.id}`)).body.volume.status, 'awaiting-transfer')
    const wrong = await vb('POST', `/os-volume-transfer/${t.body.transfer.id}/accept`, {
      accept: { auth_key: 'nope' },
    })
    assert.equal(wrong.status, 400)
    const ok = await vb('POST', `/os-volume-transfer/${t.body.transfer.id}/accept`, {
      accept: { auth_key: t.body.transfer.auth_key },
    })
    assert.equal(ok.status, 202)
    const moved = (await vb('GET', `/volumes/${v.id}`)).body.volume
    assert.equal(moved.status, 'available')
    assert.equal((await va('GET', `/volumes/${v.id}`)).status, 404)
    const afterQ = (await vadmin('GET', `/os-quota-sets/${b.projectId}?usage=true`)).body.quota_set
    assert.equal(afterQ.volumes.in_use, before.volumes.in_use + 1)
    assert.equal(afterQ.gigabytes.in_use, before.gigabytes.in_use + 1)
  })
})
