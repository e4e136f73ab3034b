import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { createTestCloud, type TestCloud } from '../../identity/testing.js'
import {
  diskConfigForImage,
  diskConfigOf,
  sysMetaWithDiskConfig,
  withDiskConfig,
} from '../disk-config.js'
import { memberOf } from './resource-test-fixtures.js'
import { activeImage, compute, waitForStatus } from './servers-test-fixtures.js'

describe('disk-config helpers', () => {
  test('MANUAL unless AUTO is stored; writing keeps the other keys', () => {
    assert.equal(diskConfigOf({ system_metadata: '{}' }), 'MANUAL')
    assert.equal(diskConfigOf({ system_metadata: '' }), 'MANUAL')
    assert.equal(diskConfigOf({ system_metadata: 'not json' }), 'MANUAL')
    assert.equal(diskConfigOf({ system_metadata: '{"disk_config":"AUTO"}' }), 'AUTO')
    assert.deepEqual(withDiskConfig({ image_min_ram: '0' }, 'AUTO'), {
      image_min_ram: '0',
      disk_config: 'AUTO',
    })
    const text = sysMetaWithDiskConfig(
      { system_metadata: '{"a":"1","disk_config":"AUTO"}' },
      'MANUAL',
    )
    assert.deepEqual(JSON.parse(text), { a: '1', disk_config: 'MANUAL' })
  })

  test("the request wins; else the image's auto_disk_config; 'disabled' refuses AUTO", () => {
    const img = (v?: string) => ({
      id: 'i1',
      properties: v === undefined ? {} : { auto_disk_config: v },
    })
    assert.equal(diskConfigForImage(undefined, undefined), 'MANUAL')
    assert.equal(diskConfigForImage(undefined, img()), 'MANUAL')
    assert.equal(diskConfigForImage(undefined, img('True')), 'AUTO')
    assert.equal(diskConfigForImage(undefined, img('no')), 'MANUAL')
    assert.equal(diskConfigForImage('MANUAL', img('True')), 'MANUAL')
    assert.equal(diskConfigForImage('AUTO', img()), 'AUTO')
    assert.equal(diskConfigForImage('MANUAL', img('Disabled')), 'MANUAL')
    assert.throws(() => diskConfigForImage('AUTO', img(' disabled ')), {
      status: 400,
      message: 'Requested image i1 has automatic disk resize disabled.',
    })
  })
})

describe('OS-DCF:diskConfig on servers', () => {
  let cloud: TestCloud
  let admin: string
  let a: { projectId: string; token: string }
  let image: string
  let req: ReturnType<typeof compute>
  before(async () => {
    cloud = await createTestCloud({ env: { NUBIS_FAKE__NODES: '2' } })
    admin = await cloud.adminToken()
    a = await memberOf(cloud, admin, 'srv-dcf')
    image = await activeImage(cloud, admin)
    req = compute(cloud)
  })
  after(async () => cloud.close())

  const create = (extra: Record<string, unknown> = {}) =>
    req(
      'POST',
      '/servers',
      a.token,
      {
        server: { name: 'dcf', imageRef: image, flavorRef: '1', networks: 'none', ...extra },
      },
      '2.37',
    )
  const shown = async (id: string) => {
    const r = await req('GET', `/servers/${id}`, a.token)
    assert.equal(r.status, 200, JSON.stringify(r.body))
    return r.body.server['OS-DCF:diskConfig'] as string
  }

  test('create stores the requested value (default MANUAL); show and list detail report it', async () => {
    const auto = await create({ 'OS-DCF:diskConfig': 'AUTO' })
    assert.equal(auto.status, 202, JSON.stringify(auto.body))
    assert.equal(auto.body.server['OS-DCF:diskConfig'], 'AUTO')
    assert.equal(await shown(auto.body.server.id), 'AUTO')
    const plain = await create()
    assert.equal(plain.body.server['OS-DCF:diskConfig'], 'MANUAL')
    assert.equal(await shown(plain.body.server.id), 'MANUAL')
    const list = await req('GET', '/servers/detail', a.token)
    const byId = new Map(
      (list.body.servers as Array<Record<string, string>>).map((s) => [
        s.id,
        s['OS-DCF:diskConfig'],
      ]),
    )
    assert.equal(byId.get(auto.body.server.id), 'AUTO')
    assert.equal(byId.get(plain.body.server.id), 'MANUAL')
    const bad = await create({ 'OS-DCF:diskConfig': 'auto' })
    assert.equal(bad.status, 400)
  })

  test("the image's auto_disk_config is the default; 'disabled' refuses AUTO", async () => {
    const autoImage = await activeImage(cloud, admin, { auto_disk_config: 'True' })
    const inherited = await create({ imageRef: autoImage })
    assert.equal(inherited.status, 202, JSON.stringify(inherited.body))
    assert.equal(inherited.body.server['OS-DCF:diskConfig'], 'AUTO')
    assert.equal(await shown(inherited.body.server.id), 'AUTO')
    const off = await activeImage(cloud, admin, { auto_disk_config: 'disabled' })
    const refused = await create({ imageRef: off, 'OS-DCF:diskConfig': 'AUTO' })
    assert.equal(refused.status, 400, JSON.stringify(refused.body))
    assert.equal(
      refused.body.badRequest.message,
      `Requested image ${off} has automatic disk resize disabled.`,
    )
    const manual = await create({ imageRef: off })
    assert.equal(manual.body.server['OS-DCF:diskConfig'], 'MANUAL')
  })

  test('PUT /servers/{id} changes it and keeps the rest of the system metadata', async () => {
    const s = await create()
    const id = s.body.server.id as string
    const up = await req('PUT', `/servers/${id}`, a.token, {
      server: { 'OS-DCF:diskConfig': 'AUTO' },
    })
    assert.equal(up.status, 200, JSON.stringify(up.body))
    assert.equal(up.body.server['OS-DCF:diskConfig'], 'AUTO')
    assert.equal(await shown(id), 'AUTO')
    const row = await cloud.database.db
      .selectFrom('instances')
      .select('system_metadata')
      .where('uuid', '=', id)
      .executeTakeFirstOrThrow()
    const sys = JSON.parse(row.system_metadata) as Record<string, string>
    assert.equal(sys['disk_config'], 'AUTO')
    assert.equal(sys['image_base_image_ref'], image, 'image system metadata kept')
    const back = await req('PUT', `/servers/${id}`, a.token, {
      server: { 'OS-DCF:diskConfig': 'MANUAL', name: 'renamed' },
    })
    assert.equal(back.body.server['OS-DCF:diskConfig'], 'MANUAL')
    assert.equal(back.body.server.name, 'renamed')
    const bad = await req('PUT', `/servers/${id}`, a.token, {
      server: { 'OS-DCF:diskConfig': 'SOMETIMES' },
    })
    assert.equal(bad.status, 400)
    assert.equal(await shown(id), 'MANUAL')
  })

  test('rebuild and resize take OS-DCF:diskConfig too', async () => {
    const s = await create({ 'OS-DCF:diskConfig': 'MANUAL' })
    const id = s.body.server.id as string
    assert.equal((await waitForStatus(cloud, a.token, id, ['ACTIVE', 'ERROR']))?.status, 'ACTIVE')
    const act = (body: unknown) => req('POST', `/servers/${id}/action`, a.token, body)
    const rb = await act({ rebuild: { imageRef: image, 'OS-DCF:diskConfig': 'AUTO' } })
    assert.equal(rb.status, 202, JSON.stringify(rb.body))
    assert.equal(rb.body.server['OS-DCF:diskConfig'], 'AUTO')
    await waitForStatus(cloud, a.token, id, ['ACTIVE'])
    assert.equal(await shown(id), 'AUTO')
    const rs = await act({ resize: { flavorRef: '2', 'OS-DCF:diskConfig': 'MANUAL' } })
    assert.equal(rs.status, 202, JSON.stringify(rs.body))
    await waitForStatus(cloud, a.token, id, ['VERIFY_RESIZE', 'ERROR'])
    assert.equal(await shown(id), 'MANUAL')
  })
})
