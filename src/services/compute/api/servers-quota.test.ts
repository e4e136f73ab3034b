import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { createTestCloud, type TestCloud } from '../../identity/testing.js'
import { memberOf } from './resource-test-fixtures.js'
import { activeImage, compute } from './servers-test-fixtures.js'

describe('POST /servers under quota, and boot from volume', () => {
  let cloud: TestCloud
  let admin: string
  let image: string
  let req: ReturnType<typeof compute>
  before(async () => {
    cloud = await createTestCloud({
      env: { NUBIS_QUOTA__INSTANCES: '3', NUBIS_QUOTA__CORES: '20' },
    })
    admin = await cloud.adminToken()
    image = await activeImage(cloud, admin)
    req = compute(cloud)
  })
  after(async () => cloud.close())

  const body = (extra: Record<string, unknown> = {}) => ({
    server: { name: 'q', imageRef: image, flavorRef: '1', networks: 'none', ...extra },
  })

  test('concurrent creates never exceed the instances quota', async () => {
    const p = await memberOf(cloud, admin, 'quota-race')
    const results = await Promise.all(
      Array.from({ length: 6 }, () => req('POST', '/servers', p.token, body(), '2.37')),
    )
    const codes = results.map((r) => r.status).sort()
    assert.deepEqual(codes, [202, 202, 202, 403, 403, 403])
    const denied = results.find((r) => r.status === 403)
    assert.equal(
      denied?.body.forbidden.message,
      'Quota exceeded for instances: Requested 1, but already used 3 of 3 instances',
    )
    const live = await cloud.database.db
      .selectFrom('instances')
      .select('uuid')
      .where('project_id', '=', p.projectId)
      .where('deleted', '=', 0)
      .execute()
    assert.equal(live.length, 3)
  })

  test('min_count/max_count: as many as fit, or 403 when min_count does not', async () => {
    const p = await memberOf(cloud, admin, 'quota-range')
    const r = await req(
      'POST',
      '/servers',
      p.token,
      body({ min_count: 1, max_count: 5, return_reservation_id: true }),
      '2.37',
    )
    assert.equal(r.status, 202)
    const made = await cloud.database.db
      .selectFrom('instances')
      .select('uuid')
      .where('reservation_id', '=', r.body.reservation_id)
      .execute()
    assert.equal(made.length, 3)
    const more = await req(
      'POST',
      '/servers',
      p.token,
      body({ min_count: 2, max_count: 4 }),
      '2.37',
    )
    assert.equal(more.status, 403)
    assert.equal(
      more.body.forbidden.message,
      'Quota exceeded for instances: Requested 2-4, but already used 3 of 3 instances',
    )
  })

  test('cores quota names cores', async () => {
    const p = await memberOf(cloud, admin, 'quota-cores')
    const r = await req('POST', '/servers', p.token, body({ flavorRef: '5', min_count: 3 }), '2.37')
    assert.equal(r.status, 403)
    assert.equal(
      r.body.forbidden.message,
      'Quota exceeded for cores: Requested 24, but already used 0 of 20 cores',
    )
  })

  test('boot from volume: no imageRef, the volume BDM is stored and the image shows as ""', async () => {
    const p = await memberOf(cloud, admin, 'bfv')
    const bdm = (uuid: string, bootIndex = 0) => ({
      server: {
        name: 'bfv',
        flavorRef: '1',
        networks: 'none',
        block_device_mapping_v2: [
          {
            boot_index: bootIndex,
            uuid,
            source_type: 'volume',
            destination_type: 'volume',
            delete_on_termination: true,
          },
        ],
      },
    })
    const setBootable = async (id: string) => {
      const r = await cloud.request('POST', `/volume/v3/${p.projectId}/volumes/${id}/action`, {
        token: p.token,
        body: { 'os-set_bootable': { bootable: true } },
      })
      assert.equal(r.status, 200, JSON.stringify(r.body))
    }
    const missing = '0b5e5a4c-7b1c-4b7e-9b0e-3a1a7b5d2c11'
    const nf = await req('POST', '/servers', p.token, bdm(missing), '2.37')
    assert.equal(nf.status, 400)
    assert.equal(
      nf.body.badRequest.message,
      `Block Device Mapping is Invalid: failed to get volume ${missing}.`,
    )
    const v = await cloud.request('POST', `/volume/v3/${p.projectId}/volumes`, {
      token: p.token,
      body: { volume: { size: 1 } },
    })
    assert.equal(v.status, 202, JSON.stringify(v.body))
    const vol = (v.body as { volume: { id: string } }).volume.id
    for (let i = 0; i < 200; i++) {
      const st = await cloud.request('GET', `/volume/v3/${p.projectId}/volumes/${vol}`, {
        token: p.token,
      })
      if ((st.body as { volume: { status: string } }).volume.status === 'available') break
      await new Promise((res) => setTimeout(res, 25))
    }
    const notBootable = await req('POST', '/servers', p.token, bdm(vol), '2.37')
    assert.equal(notBootable.status, 400, 'a blank volume is not bootable')
    assert.equal(notBootable.body.badRequest.message, `Block Device ${vol} is not bootable.`)
    await setBootable(vol)
    const r = await req('POST', '/servers', p.token, bdm(vol), '2.37')
    assert.equal(r.status, 202, JSON.stringify(r.body))
    const id = r.body.server.id
    const bdms = await cloud.database.db
      .selectFrom('block_device_mappings')
      .selectAll()
      .where('instance_uuid', '=', id)
      .execute()
    assert.deepEqual(
      bdms.map((b) => [
        b.source_type,
        b.destination_type,
        b.boot_index,
        b.volume_id,
        b.delete_on_termination,
      ]),
      [['volume', 'volume', 0, vol, 1]],
    )
    const s = (await req('GET', `/servers/${id}`, p.token, undefined, '2.3')).body.server
    assert.equal(s.image, '')
    assert.deepEqual(s['os-extended-volumes:volumes_attached'], [
      { id: vol, delete_on_termination: true },
    ])
    const noBoot = await req('POST', '/servers', p.token, bdm(vol, 1), '2.37')
    assert.equal(noBoot.status, 400)
    await cloud.database.db
      .updateTable('volumes')
      .set({ multiattach: 1 })
      .where('id', '=', vol)
      .execute()
    const multi = await req('POST', '/servers', p.token, bdm(vol), '2.37')
    assert.equal(multi.status, 400)
    assert.equal(
      multi.body.badRequest.message,
      'Multiattach volumes are only supported starting with compute API version 2.60.',
    )
    const v2 = await cloud.request('POST', `/volume/v3/${p.projectId}/volumes`, {
      token: p.token,
      body: { volume: { size: 1 } },
    })
    const vol2 = (v2.body as { volume: { id: string } }).volume.id
    for (let i = 0; i < 200; i++) {
      const st = await cloud.request('GET', `/volume/v3/${p.projectId}/volumes/${vol2}`, {
        token: p.token,
      })
      if ((st.body as { volume: { status: string } }).volume.status === 'available') break
      await new Promise((res) => setTimeout(res, 25))
    }
    await setBootable(vol2)
    const legacy = await req('POST', '/servers', p.token, {
      server: {
        name: 'legacy',
        imageRef: '',
        flavorRef: '1',
        block_device_mapping: [{ volume_id: vol2, device_name: 'vda', delete_on_termination: '1' }],
      },
    })
    assert.equal(legacy.status, 202, JSON.stringify(legacy.body))
    const legacyBdms = await cloud.database.db
      .selectFrom('block_device_mappings')
      .selectAll()
      .where('instance_uuid', '=', legacy.body.server.id)
      .execute()
    assert.deepEqual(
      legacyBdms.map((b) => [b.source_type, b.boot_index, b.volume_id, b.delete_on_termination]),
      [['volume', 0, vol2, 1]],
    )
  })
})
