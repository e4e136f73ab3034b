import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { createTestCloud, type TestCloud } from '../../identity/testing.js'
import { memberOf } from '../../network/api/l3-test-fixtures.js'
import { activeImage, compute, waitForStatus } from './servers-test-fixtures.js'

/** os-volume_attachments against the in-process block storage service. */
describe('volume attachments', () => {
  let cloud: TestCloud
  let admin: string
  let member: { projectId: string; token: string }
  let image: string
  let c: ReturnType<typeof compute>

  const volume = async (): Promise<string> => {
    const r = await cloud.request('POST', `/volume/v3/${member.projectId}/volumes`, {
      token: member.token,
      body: { volume: { size: 1, name: 'data' } },
    })
    assert.equal(r.status, 202, JSON.stringify(r.body))
    const id = r.body.volume.id as string
    await volumeStatus(id, 'available')
    return id
  }
  const volumeStatus = async (id: string, want: string): Promise<Record<string, any>> => {
    let v: Record<string, any> = {}
    for (let i = 0; i < 300; i++) {
      v = (
        await cloud.request('GET', `/volume/v3/${member.projectId}/volumes/${id}`, {
          token: member.token,
        })
      ).body.volume
      if (v['status'] === want) return v
      await new Promise((r) => setTimeout(r, 20))
    }
    assert.fail(`volume ${id} stayed ${v['status']}, wanted ${want}`)
  }

  before(async () => {
    cloud = await createTestCloud()
    admin = await cloud.adminToken()
    member = await memberOf(cloud, admin, 'vols')
    image = await activeImage(cloud, admin)
    c = compute(cloud)
  })
  after(async () => cloud.close())

  test('attach → in-use with the device, list/show, detach → available', async () => {
    const r = await c(
      'POST',
      '/servers',
      member.token,
      { server: { name: 'v', imageRef: image, flavorRef: '1', networks: 'none' } },
      '2.37',
    )
    const id = r.body.server.id as string
    await waitForStatus(cloud, member.token, id, ['ACTIVE'])
    const vol = await volume()
    const att = await c('POST', `/servers/${id}/os-volume_attachments`, member.token, {
      volumeAttachment: { volumeId: vol },
    })
    assert.equal(att.status, 200, JSON.stringify(att.body))
    assert.deepEqual(att.body.volumeAttachment, {
      id: vol,
      volumeId: vol,
      serverId: id,
      device: '/dev/vdb',
    })
    const inUse = await volumeStatus(vol, 'in-use')
    assert.equal(inUse['attachments'][0].server_id, id)
    const list = await c('GET', `/servers/${id}/os-volume_attachments`, member.token)
    assert.deepEqual(
      list.body.volumeAttachments.map((a: { volumeId: string }) => a.volumeId),
      [vol],
    )
    assert.equal(
      (await c('GET', `/servers/${id}/os-volume_attachments/${vol}`, member.token)).status,
      200,
    )

    const again = await c('POST', `/servers/${id}/os-volume_attachments`, member.token, {
      volumeAttachment: { volumeId: vol },
    })
    assert.equal(again.status, 400)
    const swap = await c('PUT', `/servers/${id}/os-volume_attachments/${vol}`, admin, {
      volumeAttachment: { volumeId: vol },
    })
    assert.equal(swap.status, 501)

    assert.equal(
      (await c('DELETE', `/servers/${id}/os-volume_attachments/${vol}`, member.token)).status,
      202,
    )
    await volumeStatus(vol, 'available')
    for (let i = 0; i < 100; i++) {
      const l = await c('GET', `/servers/${id}/os-volume_attachments`, member.token)
      if (l.body.volumeAttachments.length === 0) break
      await new Promise((res) => setTimeout(res, 20))
    }
    const show = await c('GET', `/servers/${id}/os-volume_attachments/${vol}`, member.token)
    assert.equal(show.status, 404)
    assert.equal(show.body.itemNotFound.message, `Instance ${id} is not attached to volume ${vol}`)
  })

  test('an unknown volume is 404, a bad device 400', async () => {
    const r = await c(
      'POST',
      '/servers',
      member.token,
      { server: { name: 'v2', imageRef: image, flavorRef: '1', networks: 'none' } },
      '2.37',
    )
    const id = r.body.server.id as string
    await waitForStatus(cloud, member.token, id, ['ACTIVE'])
    const missing = '11111111-2222-4333-8444-555555555555'
    const nf = await c('POST', `/servers/${id}/os-volume_attachments`, member.token, {
      volumeAttachment: { volumeId: missing },
    })
    assert.equal(nf.status, 404)
    const bad = await c('POST', `/servers/${id}/os-volume_attachments`, member.token, {
      volumeAttachment: { volumeId: missing, device: 'sdb' },
    })
    assert.equal(bad.status, 400)
  })
})
