import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { createTestCloud, type TestCloud } from '../../identity/testing.js'
import { computeRequest, memberOf, type Member } from './resource-test-fixtures.js'

describe('compute os-volumes proxy (until 2.35)', () => {
  let cloud: TestCloud
  let a: Member
  let b: Member
  let req: ReturnType<typeof computeRequest>
  before(async () => {
    cloud = await createTestCloud()
    const admin = await cloud.adminToken()
    a = await memberOf(cloud, admin, 'vproxy-a')
    b = await memberOf(cloud, admin, 'vproxy-b')
    req = computeRequest(cloud)
  })
  after(async () => cloud.close())

  test("create, list, show, delete with Nova's view; Nova's 400/404 answers", async () => {
    const c = await req('POST', '/os-volumes', a.token, {
      volume: { size: 1, display_name: 'pv', metadata: { k: 'v' } },
    })
    assert.equal(c.status, 200, JSON.stringify(c.body))
    const v = c.body.volume
    assert.deepEqual(Object.keys(v).sort(), [
      'attachments',
      'availabilityZone',
      'createdAt',
      'displayDescription',
      'displayName',
      'id',
      'metadata',
      'size',
      'snapshotId',
      'status',
      'volumeType',
    ])
    assert.equal(v.displayName, 'pv')
    assert.deepEqual(v.metadata, { k: 'v' })
    assert.deepEqual(v.attachments, [{}])
    assert.equal(v.volumeType, '__DEFAULT__')
    const shown = await req('GET', `/os-volumes/${v.id}`, a.token)
    assert.equal(shown.body.volume.id, v.id)
    const list = await req('GET', '/os-volumes/detail', a.token)
    assert.deepEqual(
      list.body.volumes.map((x: { id: string }) => x.id),
      [v.id],
    )
    assert.deepEqual((await req('GET', '/os-volumes', b.token)).body.volumes, [])
    assert.equal((await req('GET', `/os-volumes/${v.id}`, b.token)).status, 404)
    assert.equal((await req('GET', '/os-volumes/', a.token)).status, 404, 'an empty id')
    assert.equal((await req('GET', `/os-volumes/${v.id}`, a.token, undefined, '2.36')).status, 404)
    for (const bad of [{ size: 0 }, { size: '#$%' }, {}, { size: 1, bogus: 1 }])
      assert.equal(
        (await req('POST', '/os-volumes', a.token, { volume: bad })).status,
        400,
        JSON.stringify(bad),
      )
    for (let i = 0; i < 100; i++) {
      const s = (await req('GET', `/os-volumes/${v.id}`, a.token)).body.volume.status
      if (s === 'available') break
      await new Promise((r) => setTimeout(r, 20))
    }
    assert.equal((await req('DELETE', `/os-volumes/${v.id}`, a.token)).status, 202)
    const gone = await req('DELETE', '/os-volumes/f0b8f1f6-1c8a-4f4c-9bd4-6b1d3b5d9d01', a.token)
    assert.equal(gone.status, 404)
    assert.equal(
      gone.body.itemNotFound.message,
      'Volume f0b8f1f6-1c8a-4f4c-9bd4-6b1d3b5d9d01 could not be found.',
    )
  })
})
