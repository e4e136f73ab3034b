import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { createTestCloud, type TestCloud } from '../../identity/testing.js'
import { computeRequest, memberOf, type Member } from './resource-test-fixtures.js'

describe('compute os-snapshots proxy (until 2.35)', () => {
  let cloud: TestCloud
  let a: Member
  let b: Member
  let req: ReturnType<typeof computeRequest>
  before(async () => {
    cloud = await createTestCloud()
    const admin = await cloud.adminToken()
    a = await memberOf(cloud, admin, 'sproxy-a')
    b = await memberOf(cloud, admin, 'sproxy-b')
    req = computeRequest(cloud)
  })
  after(async () => cloud.close())

  const waitStatus = async (path: string, key: string, want: string) => {
    for (let i = 0; i < 200; i++) {
      const s = (await req('GET', path, a.token)).body[key]?.status
      if (s === want) return
      await new Promise((r) => setTimeout(r, 20))
    }
    assert.fail(`${path} never became ${want}`)
  }

  test("create, list, show, delete a volume snapshot with Nova's view and answers", async () => {
    const v = (await req('POST', '/os-volumes', a.token, { volume: { size: 1 } })).body.volume
    await waitStatus(`/os-volumes/${v.id}`, 'volume', 'available')

    const c = await req('POST', '/os-snapshots', a.token, {
      snapshot: { volume_id: v.id, display_name: 'snap', display_description: 'd', force: 'false' },
    })
    assert.equal(c.status, 200, JSON.stringify(c.body))
    const s = c.body.snapshot
    assert.deepEqual(Object.keys(s).sort(), [
      'createdAt',
      'displayDescription',
      'displayName',
      'id',
      'size',
      'status',
      'volumeId',
    ])
    assert.equal(s.volumeId, v.id)
    assert.equal(s.displayName, 'snap')
    assert.equal(s.size, 1)
    await waitStatus(`/os-snapshots/${s.id}`, 'snapshot', 'available')
    assert.equal(
      (await req('GET', `/os-snapshots/${s.id}`, a.token)).body.snapshot.displayName,
      'snap',
    )
    for (const path of ['/os-snapshots', '/os-snapshots/detail'])
      assert.deepEqual(
        (await req('GET', path, a.token)).body.snapshots.map((x: { id: string }) => x.id),
        [s.id],
      )
    assert.deepEqual((await req('GET', '/os-snapshots?limit=0', a.token)).body.snapshots, [])

    // Another project sees nothing and cannot touch it.
    assert.deepEqual((await req('GET', '/os-snapshots', b.token)).body.snapshots, [])
    assert.equal((await req('GET', `/os-snapshots/${s.id}`, b.token)).status, 404)
    assert.equal((await req('DELETE', `/os-snapshots/${s.id}`, b.token)).status, 404)
    const other = await req('POST', '/os-snapshots', b.token, { snapshot: { volume_id: v.id } })
    assert.equal(other.status, 404)
    assert.equal(other.body.itemNotFound.message, `Volume ${v.id} could not be found.`)

    // Nova's bad input: schema 400s, an unknown snapshot 404 in Nova's words, gone after 2.35.
    for (const bad of [{}, { volume_id: v.id, force: 'maybe' }, { volume_id: v.id, bogus: 1 }])
      assert.equal(
        (await req('POST', '/os-snapshots', a.token, { snapshot: bad })).status,
        400,
        JSON.stringify(bad),
      )
    const missing = 'f0b8f1f6-1c8a-4f4c-9bd4-6b1d3b5d9d02'
    const gone = await req('GET', `/os-snapshots/${missing}`, a.token)
    assert.equal(gone.status, 404)
    assert.equal(gone.body.itemNotFound.message, `Snapshot ${missing} could not be found.`)
    assert.equal((await req('GET', '/os-snapshots/', a.token)).status, 404, 'an empty id')
    assert.equal(
      (await req('GET', `/os-snapshots/${s.id}`, a.token, undefined, '2.36')).status,
      404,
    )

    assert.equal((await req('DELETE', `/os-snapshots/${s.id}`, a.token)).status, 202)
    for (let i = 0; i < 200; i++) {
      if ((await req('GET', `/os-snapshots/${s.id}`, a.token)).status === 404) break
      await new Promise((r) => setTimeout(r, 20))
    }
    assert.equal((await req('GET', `/os-snapshots/${s.id}`, a.token)).status, 404)
  })
})
