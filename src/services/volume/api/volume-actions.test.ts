import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { createTestCloud, type TestCloud } from '../../identity/testing.js'
import { memberOf, volumeClient, waitStatus, type Member, type VolumeClient } from '../testing.js'

const GiB = 1024 ** 3

function virtualSize(path: string): number {
  const info = JSON.parse(
    execFileSync('qemu-img', ['info', '--output=json', '--force-share', path], {
      encoding: 'utf8',
    }),
  ) as Record<string, number>
  return info['virtual-size']!
}

describe('volume actions and state transitions', () => {
  let cloud: TestCloud
  let admin: string
  let a: Member
  let va: VolumeClient
  let vadmin: VolumeClient
  const fresh = async (size = 1): Promise<string> => {
    const v = (await va('POST', '/volumes', { volume: { size } })).body.volume as { id: string }
    await waitStatus(va, `/volumes/${v.id}`, 'volume', 'available')
    return v.id
  }
  const act = (id: string, body: unknown, c: VolumeClient = va) =>
    c('POST', `/volumes/${id}/action`, body)
  before(async () => {
    cloud = await createTestCloud()
    admin = await cloud.adminToken()
    a = await memberOf(cloud, admin, 'act-a')
    va = volumeClient(cloud, a)
    vadmin = volumeClient(cloud, { projectId: cloud.bootstrap.adminProjectId, token: admin })
  })
  after(async () => cloud.close())

  test('os-extend grows the file; smaller or equal sizes are a 400', async () => {
    const id = await fresh()
    assert.equal((await act(id, { 'os-extend': { new_size: 1 } })).status, 400)
    const r = await act(id, { 'os-extend': { new_size: 3 } })
    assert.equal(r.status, 202)
    const v = await waitStatus(va, `/volumes/${id}`, 'volume', 'available')
    assert.equal(v.size, 3)
    assert.equal(virtualSize(join(cloud.dataDir, 'volumes', `volume-${id}.qcow2`)), 3 * GiB)
  })

  test('extend of an attached volume needs 3.42 and tells compute (volume-extended)', async () => {
    const id = await fresh()
    const server = '44444444-2222-3333-4444-555555555555'
    await act(id, { 'os-attach': { instance_uuid: server, mountpoint: '/dev/vdb' } })
    const old = await act(id, { 'os-extend': { new_size: 2 } })
    assert.equal(old.status, 400)
    assert.match(
      old.body.badRequest.message,
      /^Invalid volume: Volume .* to extend, currently in-use\.$/,
    )
    const told: unknown[] = []
    cloud.volume.setEventSink({
      volumeExtended: async (volumeId, servers, size) => {
        told.push([volumeId, servers, size])
      },
    })
    const r = await va(
      'POST',
      `/volumes/${id}/action`,
      { 'os-extend': { new_size: 2 } },
      { 'openstack-api-version': 'volume 3.42' },
    )
    assert.equal(r.status, 202)
    const v = await waitStatus(va, `/volumes/${id}`, 'volume', 'in-use')
    assert.equal(v.size, 2)
    for (let i = 0; i < 100 && told.length === 0; i++)
      await new Promise((res) => setTimeout(res, 20))
    assert.deepEqual(told, [[id, [server], 2]])
    await act(id, { 'os-detach': {} })
  })

  test('bootable and readonly flags', async () => {
    const id = await fresh()
    assert.equal((await act(id, { 'os-set_bootable': { bootable: true } })).status, 200)
    assert.equal((await va('GET', `/volumes/${id}`)).body.volume.bootable, 'true')
    assert.equal((await act(id, { 'os-set_bootable': { bootable: 'nope' } })).status, 400)
    assert.equal((await act(id, { 'os-update_readonly_flag': { readonly: true } })).status, 202)
    assert.equal((await va('GET', `/volumes/${id}`)).body.volume.metadata.readonly, 'True')
    await act(id, { 'os-update_readonly_flag': { readonly: false } })
    assert.equal((await va('GET', `/volumes/${id}`)).body.volume.metadata.readonly, 'False')
  })

  test('reserve/unreserve, attach/detach and begin/roll detaching', async () => {
    const id = await fresh()
    assert.equal((await act(id, { 'os-reserve': {} })).status, 202)
    assert.equal((await va('GET', `/volumes/${id}`)).body.volume.status, 'attaching')
    const again = await act(id, { 'os-reserve': {} })
    assert.equal(again.status, 400)
    assert.equal(
      again.body.badRequest.message,
      'Invalid volume: Volume status must be available to reserve, but the status is attaching.',
    )
    await act(id, { 'os-unreserve': {} })
    assert.equal((await va('GET', `/volumes/${id}`)).body.volume.status, 'available')

    const server = '11111111-2222-3333-4444-555555555555'
    assert.equal(
      (await act(id, { 'os-attach': { instance_uuid: server, mountpoint: '/dev/vdb' } })).status,
      202,
    )
    const inUse = (await va('GET', `/volumes/${id}`)).body.volume
    assert.equal(inUse.status, 'in-use')
    assert.equal(inUse.attachments.length, 1)
    assert.equal(inUse.attachments[0].server_id, server)
    assert.equal(inUse.attachments[0].device, '/dev/vdb')
    assert.equal(inUse.attachments[0].id, id)
    assert.equal(inUse.attachments[0].volume_id, id)
    assert.equal(inUse.attachments[0].host_name, null)

    const del = await va('DELETE', `/volumes/${id}`)
    assert.equal(del.status, 400)
    assert.match(
      del.body.badRequest.message,
      /^Invalid volume: Volume status must be available or error or error_restoring or error_extending or error_managing and must not be migrating, attached, belong to a group, have snapshots or be disassociated from snapshots after volume transfer\.$/,
    )
    const attachAgain = await act(id, {
      'os-attach': { instance_uuid: server, mountpoint: '/dev/vdc' },
    })
    assert.equal(attachAgain.status, 400, 'a non-multiattach volume attaches once')

    assert.equal((await act(id, { 'os-begin_detaching': {} })).status, 202)
    assert.equal((await va('GET', `/volumes/${id}`)).body.volume.status, 'detaching')
    await act(id, { 'os-roll_detaching': {} })
    assert.equal((await va('GET', `/volumes/${id}`)).body.volume.status, 'in-use')

    const conn = await act(id, { 'os-initialize_connection': { connector: { host: 'h1' } } })
    assert.equal(conn.status, 200)
    assert.equal(conn.body.connection_info.driver_volume_type, 'file')
    assert.equal(
      conn.body.connection_info.data.path,
      join(cloud.dataDir, 'volumes', `volume-${id}.qcow2`),
    )
    assert.equal(conn.body.connection_info.data.format, 'qcow2')

    assert.equal((await act(id, { 'os-detach': {} })).status, 202)
    const free = (await va('GET', `/volumes/${id}`)).body.volume
    assert.equal(free.status, 'available')
    assert.deepEqual(free.attachments, [])
  })

  test('admin reset-status and force-delete; members may not', async () => {
    const id = await fresh()
    assert.equal((await act(id, { 'os-reset_status': { status: 'error' } })).status, 403)
    for (const status of ['error', 'available', 'maintenance', 'creating', 'attaching']) {
      assert.equal((await act(id, { 'os-reset_status': { status } }, vadmin)).status, 202)
      assert.equal((await va('GET', `/volumes/${id}`)).body.volume.status, status)
    }
    assert.equal((await act(id, { 'os-reset_status': { status: 'bogus' } }, vadmin)).status, 400)
    assert.equal((await act(id, { 'os-force_delete': {} })).status, 403)
    assert.equal((await act(id, { 'os-force_delete': {} }, vadmin)).status, 202)
    await waitStatus(va, `/volumes/${id}`, 'volume', 'deleted')
  })

  test('force detach by an admin frees an errored attached volume', async () => {
    const id = await fresh()
    await act(id, {
      'os-attach': {
        instance_uuid: '11111111-2222-3333-4444-666666666666',
        mountpoint: '/dev/vdb',
      },
    })
    const att = (await va('GET', `/volumes/${id}`)).body.volume.attachments[0]
    await act(id, { 'os-reset_status': { status: 'error' } }, vadmin)
    assert.equal(
      (
        await act(
          id,
          { 'os-force_detach': { attachment_id: att.attachment_id, connector: null } },
          vadmin,
        )
      ).status,
      202,
    )
    const v = (await va('GET', `/volumes/${id}`)).body.volume
    assert.equal(v.status, 'available')
    assert.deepEqual(v.attachments, [])
  })

  test('retype to another type the backend satisfies; a type it cannot is refused', async () => {
    const t1 = (
      await vadmin('POST', '/types', {
        volume_type: { name: 'gold', extra_specs: { volume_backend_name: 'file' } },
      })
    ).body.volume_type
    const t2 = (
      await vadmin('POST', '/types', {
        volume_type: { name: 'silver', extra_specs: { vendor_name: 'Open Source' } },
      })
    ).body.volume_type
    const t3 = (
      await vadmin('POST', '/types', {
        volume_type: { name: 'bronze', extra_specs: { storage_protocol: 'iSCSI' } },
      })
    ).body.volume_type
    const v = (await va('POST', '/volumes', { volume: { size: 1, volume_type: t1.id } })).body
      .volume
    assert.equal(v.volume_type, 'gold')
    await waitStatus(va, `/volumes/${v.id}`, 'volume', 'available')
    assert.equal((await act(v.id, { 'os-retype': { new_type: t2.id } })).status, 202)
    const r = await waitStatus(va, `/volumes/${v.id}`, 'volume', 'available')
    assert.equal(r.volume_type, 'silver')
    const same = await act(v.id, { 'os-retype': { new_type: 'silver' } })
    assert.equal(same.status, 400)
    const never = await act(v.id, { 'os-retype': { new_type: t3.id } })
    assert.equal(never.status, 400)
    // A volume of a type no backend satisfies goes to error, never stuck in creating.
    const orphan = (await va('POST', '/volumes', { volume: { size: 1, volume_type: 'bronze' } }))
      .body.volume
    const e = await waitStatus(va, `/volumes/${orphan.id}`, 'volume', 'error')
    assert.equal(e.status, 'error')
  })
})
