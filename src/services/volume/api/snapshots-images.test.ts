import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { closeSync, mkdtempSync, openSync, readSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { createTestCloud, type TestCloud } from '../../identity/testing.js'
import { memberOf, volumeClient, waitStatus, type Member, type VolumeClient } from '../testing.js'

/** The first `n` bytes of a volume file as raw data (qemu-img convert to raw). */
function rawHead(file: string, format: string, n: number): Buffer {
  const dir = mkdtempSync(join(tmpdir(), 'vol-raw-'))
  try {
    const out = join(dir, 'raw')
    execFileSync('qemu-img', ['convert', '-f', format, '-O', 'raw', file, out])
    const fd = openSync(out, 'r')
    const buf = Buffer.alloc(n)
    readSync(fd, buf, 0, n, 0)
    closeSync(fd)
    return buf
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

describe('snapshots, clones and images', () => {
  let cloud: TestCloud
  let a: Member
  let va: VolumeClient
  let pattern: Buffer
  let imageId: string
  const volFile = (id: string) => join(cloud.dataDir, 'volumes', `volume-${id}.qcow2`)
  before(async () => {
    cloud = await createTestCloud()
    const admin = await cloud.adminToken()
    a = await memberOf(cloud, admin, 'snap-a')
    va = volumeClient(cloud, a)
    pattern = randomBytes(1024 * 1024)
    const img = await cloud.request('POST', '/image/v2/images', {
      token: a.token,
      body: { name: 'pattern', disk_format: 'raw', container_format: 'bare' },
    })
    assert.equal(img.status, 201, JSON.stringify(img.body))
    imageId = img.body.id
    const up = await cloud.request('PUT', `/image/v2/images/${imageId}/file`, {
      token: a.token,
      body: pattern,
      headers: { 'content-type': 'application/octet-stream' },
    })
    assert.equal(up.status, 204, JSON.stringify(up.body))
  })
  after(async () => cloud.close())

  test('volume from image carries the bytes, is bootable and keeps image metadata', async () => {
    const v = (
      await va('POST', '/volumes', { volume: { size: 1, imageRef: imageId, name: 'from-image' } })
    ).body.volume
    const ready = await waitStatus(va, `/volumes/${v.id}`, 'volume', 'available')
    assert.equal(ready.bootable, 'true')
    assert.equal(ready.volume_image_metadata.image_id, imageId)
    assert.equal(ready.volume_image_metadata.disk_format, 'raw')
    assert.ok(
      rawHead(volFile(v.id), 'qcow2', pattern.length).equals(pattern),
      'image bytes in the volume',
    )
    const md = await va('POST', `/volumes/${v.id}/action`, { 'os-show_image_metadata': {} })
    assert.equal(md.body.metadata.image_id, imageId)
    const set = await va('POST', `/volumes/${v.id}/action`, {
      'os-set_image_metadata': { metadata: { hw_disk_bus: 'scsi' } },
    })
    assert.equal(set.body.metadata.hw_disk_bus, 'scsi')
  })

  test('snapshot create/list/update/delete; in-use needs force; volume from snapshot and clone copy the data', async () => {
    const src = (await va('POST', '/volumes', { volume: { size: 1, imageRef: imageId } })).body
      .volume
    await waitStatus(va, `/volumes/${src.id}`, 'volume', 'available')
    const c = await va('POST', '/snapshots', {
      snapshot: { volume_id: src.id, name: 's1', metadata: { a: 'b' } },
    })
    assert.equal(c.status, 202)
    assert.deepEqual(Object.keys(c.body.snapshot).sort(), [
      'created_at',
      'description',
      'id',
      'metadata',
      'name',
      'size',
      'status',
      'updated_at',
      'volume_id',
    ])
    const snap = await waitStatus(va, `/snapshots/${c.body.snapshot.id}`, 'snapshot', 'available')
    assert.equal(snap['os-extended-snapshot-attributes:progress'], '100%')
    assert.equal(snap['os-extended-snapshot-attributes:project_id'], a.projectId)
    assert.equal(snap.size, 1)
    const list = (await va('GET', '/snapshots?name=s1')).body.snapshots
    assert.deepEqual(
      list.map((s: { id: string }) => s.id),
      [snap.id],
    )
    const u = await va('PUT', `/snapshots/${snap.id}`, {
      snapshot: { name: 's1b', description: 'x' },
    })
    assert.equal(u.body.snapshot.name, 's1b')
    assert.deepEqual((await va('GET', `/snapshots/${snap.id}/metadata`)).body.metadata, { a: 'b' })

    // a volume with snapshots cannot be deleted without cascade
    assert.equal((await va('DELETE', `/volumes/${src.id}`)).status, 400)

    const fromSnap = (await va('POST', '/volumes', { volume: { snapshot_id: snap.id, size: 2 } }))
      .body.volume
    const fs = await waitStatus(va, `/volumes/${fromSnap.id}`, 'volume', 'available')
    assert.equal(fs.snapshot_id, snap.id)
    assert.equal(fs.size, 2)
    assert.equal(fs.bootable, 'true')
    assert.ok(rawHead(volFile(fromSnap.id), 'qcow2', pattern.length).equals(pattern))
    assert.equal(
      (await va('POST', '/volumes', { volume: { snapshot_id: snap.id, size: 0 } })).status,
      400,
    )

    const clone = (await va('POST', '/volumes', { volume: { source_volid: src.id } })).body.volume
    const cl = await waitStatus(va, `/volumes/${clone.id}`, 'volume', 'available')
    assert.equal(cl.source_volid, src.id)
    assert.ok(rawHead(volFile(clone.id), 'qcow2', pattern.length).equals(pattern))

    // in-use snapshots need force
    await va('POST', `/volumes/${src.id}/action`, {
      'os-attach': {
        instance_uuid: '11111111-2222-3333-4444-777777777777',
        mountpoint: '/dev/vdb',
      },
    })
    const noForce = await va('POST', '/snapshots', {
      snapshot: { volume_id: src.id, force: false },
    })
    assert.equal(noForce.status, 400)
    assert.match(
      noForce.body.badRequest.message,
      /status must be available, but current status is: in-use/,
    )
    const forced = await va('POST', '/snapshots', { snapshot: { volume_id: src.id, force: true } })
    assert.equal(forced.status, 202)
    await waitStatus(va, `/snapshots/${forced.body.snapshot.id}`, 'snapshot', 'available')
    await va('POST', `/volumes/${src.id}/action`, { 'os-detach': {} })

    assert.equal((await va('DELETE', `/snapshots/${snap.id}`)).status, 202)
    await waitStatus(va, `/snapshots/${snap.id}`, 'snapshot', 'deleted')
    // cascade removes the remaining snapshot with the volume
    assert.equal((await va('DELETE', `/volumes/${src.id}?cascade=true`)).status, 202)
    await waitStatus(va, `/volumes/${src.id}`, 'volume', 'deleted')
    assert.equal((await va('GET', `/snapshots/${forced.body.snapshot.id}`)).status, 404)
  })

  test('snapshot list sorting, marker, offset and limit', async () => {
    const v = (await va('POST', '/volumes', { volume: { size: 1 } })).body.volume
    await waitStatus(va, `/volumes/${v.id}`, 'volume', 'available')
    const ids: string[] = []
    for (const n of ['b', 'a', 'c']) {
      const s = (
        await va('POST', '/snapshots', { snapshot: { volume_id: v.id, name: `sort-${n}` } })
      ).body.snapshot
      await waitStatus(va, `/snapshots/${s.id}`, 'snapshot', 'available')
      ids.push(s.id)
    }
    const names = (
      await va('GET', `/snapshots?sort_key=display_name&sort_dir=asc&volume_id=${v.id}`)
    ).body.snapshots.map((s: { name: string }) => s.name)
    assert.deepEqual(names, ['sort-a', 'sort-b', 'sort-c'])
    const dflt = (await va('GET', `/snapshots?volume_id=${v.id}`)).body.snapshots.map(
      (s: { id: string }) => s.id,
    )
    assert.deepEqual(dflt, [...ids].reverse(), 'newest first by default')
    const afterMarker = (
      await va('GET', `/snapshots?volume_id=${v.id}&marker=${ids[1]}`)
    ).body.snapshots.map((s: { id: string }) => s.id)
    assert.deepEqual(afterMarker, [ids[0]])
    assert.equal(
      (await va('GET', `/snapshots?volume_id=${v.id}&offset=2&limit=3`)).body.snapshots.length,
      1,
    )
    assert.equal((await va('GET', `/snapshots?volume_id=${v.id}&limit=0`)).body.snapshots.length, 0)
  })

  test('os-volume_upload_image makes an active image with the volume bytes', async () => {
    const v = (await va('POST', '/volumes', { volume: { size: 1, imageRef: imageId } })).body.volume
    await waitStatus(va, `/volumes/${v.id}`, 'volume', 'available')
    const r = await va('POST', `/volumes/${v.id}/action`, {
      'os-volume_upload_image': { image_name: 'from-vol', disk_format: 'raw' },
    })
    assert.equal(r.status, 202)
    const up = r.body['os-volume_upload_image']
    assert.equal(up.status, 'uploading')
    assert.equal(up.image_name, 'from-vol')
    await waitStatus(va, `/volumes/${v.id}`, 'volume', 'available')
    let img: any
    for (let i = 0; i < 200; i++) {
      img = (await cloud.request('GET', `/image/v2/images/${up.image_id}`, { token: a.token })).body
      if (img.status === 'active') break
      await new Promise((res) => setTimeout(res, 25))
    }
    assert.equal(img.status, 'active')
    assert.equal(img.disk_format, 'raw')
    assert.equal(img.size, 1024 ** 3)
    const data = await cloud.app.inject({
      method: 'GET',
      url: `/image/v2/images/${up.image_id}/file`,
      headers: { 'x-auth-token': a.token, range: `bytes=0-${pattern.length - 1}` },
    })
    assert.ok(data.rawPayload.subarray(0, pattern.length).equals(pattern))
  })
})
