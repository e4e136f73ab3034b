import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { closeSync, existsSync, mkdtempSync, openSync, readSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import type { AuthContext } from '../../../common/auth-context.js'
import { createTestCloud, type TestCloud } from '../../identity/testing.js'
import { memberOf, volumeClient, waitStatus, type Member, type VolumeClient } from '../testing.js'

function rawHead(file: string, n: number): Buffer {
  const dir = mkdtempSync(join(tmpdir(), 'vol-raw-'))
  try {
    const out = join(dir, 'raw')
    execFileSync('qemu-img', ['convert', '-f', 'qcow2', '-O', 'raw', file, out])
    const fd = openSync(out, 'r')
    const buf = Buffer.alloc(n)
    readSync(fd, buf, 0, n, 0)
    closeSync(fd)
    return buf
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

describe('backups (posix) and the attachments API', () => {
  let cloud: TestCloud
  let a: Member
  let b: Member
  let va: VolumeClient
  let vb: VolumeClient
  let pattern: Buffer
  let imageId: string
  const volFile = (id: string) => join(cloud.dataDir, 'volumes', `volume-${id}.qcow2`)
  before(async () => {
    // Small chunks so a backup has several and an incremental can share them.
    cloud = await createTestCloud({ env: { NUBIS_VOLUME__BACKUP_FILE_SIZE: String(1024 * 1024) } })
    const admin = await cloud.adminToken()
    a = await memberOf(cloud, admin, 'bk-a')
    b = await memberOf(cloud, admin, 'bk-b')
    va = volumeClient(cloud, a)
    vb = volumeClient(cloud, b)
    pattern = randomBytes(1024 * 1024)
    imageId = (
      await cloud.request('POST', '/image/v2/images', {
        token: a.token,
        body: { name: 'p', disk_format: 'raw', container_format: 'bare' },
      })
    ).body.id
    await cloud.request('PUT', `/image/v2/images/${imageId}/file`, {
      token: a.token,
      body: pattern,
      headers: { 'content-type': 'application/octet-stream' },
    })
  })
  after(async () => cloud.close())

  test('full and incremental backup; restore to a new and to an existing volume is byte-identical', async () => {
    const v = (
      await va('POST', '/volumes', {
        volume: { size: 1, imageRef: imageId, name: 'src', metadata: { 'vol-meta1': 'value1' } },
      })
    ).body.volume
    const source = await waitStatus(va, `/volumes/${v.id}`, 'volume', 'available')
    const c = await va('POST', '/backups', { backup: { volume_id: v.id, name: 'full' } })
    assert.equal(c.status, 202)
    assert.deepEqual(Object.keys(c.body.backup).sort(), ['id', 'links', 'name'])
    const full = await waitStatus(va, `/backups/${c.body.backup.id}`, 'backup', 'available')
    assert.equal(full.is_incremental, false)
    assert.equal(full.size, 1)
    assert.equal(
      full.object_count,
      1,
      'one 1 MiB chunk holds the pattern; the zero chunks are not stored',
    )
    assert.equal((await va('GET', `/volumes/${v.id}`)).body.volume.status, 'available')
    // Cinder's posix default container: <id[0:2]>/<id[2:4]> under the backup path.
    assert.equal(full.container, `${full.id.slice(0, 2)}/${full.id.slice(2, 4)}`)
    const meta = JSON.parse(
      execFileSync(
        'cat',
        [join(cloud.dataDir, 'backups', full.container, full.id, 'metadata.json')],
        { encoding: 'utf8' },
      ),
    )
    assert.match(meta.chunks[0].sha256, /^[0-9a-f]{64}$/)

    for (const container of ['../escape', '/etc', 'a//b'])
      assert.equal(
        (
          await va('POST', '/backups', {
            backup: { volume_id: v.id, incremental: true, container },
          })
        ).status,
        400,
        container,
      )
    // A named container holds the incremental; the row shows it as given.
    const inc = (
      await va('POST', '/backups', {
        backup: { volume_id: v.id, incremental: true, container: 'nightly' },
      })
    ).body.backup
    const incB = await waitStatus(va, `/backups/${inc.id}`, 'backup', 'available')
    assert.equal(incB.is_incremental, true)
    assert.equal(incB.container, 'nightly')
    assert.ok(existsSync(join(cloud.dataDir, 'backups', 'nightly', inc.id, 'metadata.json')))
    assert.equal(incB.object_count, 0, 'nothing changed: every chunk is shared with the parent')
    assert.equal((await va('GET', `/backups/${full.id}`)).body.backup.has_dependent_backups, true)
    const delParent = await va('DELETE', `/backups/${full.id}`)
    assert.equal(delParent.status, 400)
    assert.equal(
      delParent.body.badRequest.message,
      'Invalid backup: Incremental backups exist for this backup.',
    )

    const r = await va('POST', `/backups/${inc.id}/restore`, { restore: { name: 'restored' } })
    assert.equal(r.status, 202)
    const nv = await waitStatus(va, `/volumes/${r.body.restore.volume_id}`, 'volume', 'available')
    assert.equal(nv.name, 'restored', 'a name given to the restore stays')
    // The backup carries the volume's metadata and image metadata back (Cinder's BackupMetadataAPI).
    assert.deepEqual(nv.metadata, { 'vol-meta1': 'value1' })
    assert.deepEqual(nv.volume_image_metadata, source.volume_image_metadata)
    assert.ok(
      rawHead(volFile(nv.id), pattern.length).equals(pattern),
      'restored bytes are identical',
    )

    const target = (await va('POST', '/volumes', { volume: { size: 1 } })).body.volume
    await waitStatus(va, `/volumes/${target.id}`, 'volume', 'available')
    const r2 = await va('POST', `/backups/${full.id}/restore`, {
      restore: { volume_id: target.id },
    })
    assert.equal(r2.status, 202)
    assert.equal((await va('GET', `/volumes/${target.id}`)).body.volume.status, 'restoring-backup')
    const restored = await waitStatus(va, `/volumes/${target.id}`, 'volume', 'available')
    assert.ok(rawHead(volFile(target.id), pattern.length).equals(pattern), 'restored into target')
    assert.equal(restored.name, 'src', 'an unnamed target takes the source volume’s name')
    assert.deepEqual(restored.metadata, { 'vol-meta1': 'value1' })

    // in-use needs force
    await va('POST', `/volumes/${v.id}/action`, {
      'os-attach': {
        instance_uuid: '11111111-2222-3333-4444-888888888888',
        mountpoint: '/dev/vdb',
      },
    })
    assert.equal((await va('POST', '/backups', { backup: { volume_id: v.id } })).status, 400)
    const forced = (await va('POST', '/backups', { backup: { volume_id: v.id, force: true } })).body
      .backup
    const forcedB = await waitStatus(va, `/backups/${forced.id}`, 'backup', 'available')
    assert.equal((await va('GET', `/volumes/${v.id}`)).body.volume.status, 'in-use')
    assert.equal((await vb('GET', `/backups/${forced.id}`)).status, 404)

    assert.equal((await va('DELETE', `/backups/${inc.id}`)).status, 202)
    await waitStatus(va, `/backups/${inc.id}`, 'backup', 'deleted')
    assert.equal((await va('DELETE', `/backups/${full.id}`)).status, 202)
    await waitStatus(va, `/backups/${full.id}`, 'backup', 'deleted')
    assert.equal(existsSync(join(cloud.dataDir, 'backups', full.container, full.id)), false)
    assert.equal(existsSync(join(cloud.dataDir, 'backups', 'nightly', inc.id)), false)
    assert.ok(existsSync(join(cloud.dataDir, 'backups', forcedB.container, forced.id)))
  })

  test('attachments API: create, update with connector, complete, delete', async () => {
    const mv = { 'openstack-api-version': 'volume 3.44' }
    const v = (await va('POST', '/volumes', { volume: { size: 1 } })).body.volume
    await waitStatus(va, `/volumes/${v.id}`, 'volume', 'available')
    const server = '22222222-2222-3333-4444-555555555555'
    assert.equal(
      (
        await va('POST', '/attachments', {
          attachment: { volume_uuid: v.id, instance_uuid: server },
        })
      ).status,
      404,
      'needs 3.27',
    )
    const c = await va(
      'POST',
      '/attachments',
      { attachment: { volume_uuid: v.id, instance_uuid: server } },
      mv,
    )
    assert.equal(c.status, 200)
    const att = c.body.attachment
    assert.equal(att.status, 'reserved')
    assert.equal((await va('GET', `/volumes/${v.id}`)).body.volume.status, 'reserved')
    const second = await va(
      'POST',
      '/attachments',
      { attachment: { volume_uuid: v.id, instance_uuid: 'other' } },
      mv,
    )
    assert.equal(second.status, 400)
    const u = await va(
      'PUT',
      `/attachments/${att.id}`,
      { attachment: { connector: { host: 'compute-1', mountpoint: '/dev/vdb' } } },
      mv,
    )
    assert.equal(u.status, 200)
    assert.equal(u.body.attachment.connection_info.driver_volume_type, 'file')
    assert.equal(u.body.attachment.connection_info.data.path, volFile(v.id))
    assert.equal(u.body.attachment.connection_info.attachment_id, att.id)
    assert.equal(
      (await va('POST', `/attachments/${att.id}/action`, { 'os-complete': null }, mv)).status,
      204,
    )
    const inUse = (await va('GET', `/volumes/${v.id}`)).body.volume
    assert.equal(inUse.status, 'in-use')
    assert.equal(inUse.attachments[0].attachment_id, att.id)
    assert.equal(inUse.attachments[0].server_id, server)
    assert.equal(inUse.attachments[0].device, '/dev/vdb')
    const list = (await va('GET', `/attachments?volume_id=${v.id}`, undefined, mv)).body.attachments
    assert.deepEqual(
      list.map((x: { id: string }) => x.id),
      [att.id],
    )
    assert.equal((await vb('GET', `/attachments/${att.id}`, undefined, mv)).status, 404)
    const d = await va('DELETE', `/attachments/${att.id}`, undefined, mv)
    assert.equal(d.status, 200)
    assert.deepEqual(d.body, { attachments: [] })
    assert.equal((await va('GET', `/volumes/${v.id}`)).body.volume.status, 'available')
  })

  test('the compute contract: reserve → connect → complete → detach, scoped to the caller', async () => {
    const api = cloud.volume.compute
    const authOf = async (m: Member): Promise<AuthContext> => cloud.identity.authenticate(m.token)
    const authA = await authOf(a)
    const authB = await authOf(b)
    const id = await api.create(authA, { size: 1 })
    assert.equal(await api.waitFor(id, ['available'], 20_000), 'available')
    await assert.rejects(
      api.reserve(authB, id, 'srv'),
      (e: Error & { status?: number }) => e.status === 404,
    )
    const attId = await api.reserve(authA, id, '33333333-2222-3333-4444-555555555555')
    const info = await api.connect(authA, attId, { host: 'node1', mountpoint: '/dev/sdb' })
    assert.equal(info.driver_volume_type, 'file')
    assert.equal(info.data['path'], volFile(id))
    await api.complete(authA, attId)
    const v = await api.get(authA, id)
    assert.equal(v.status, 'in-use')
    assert.deepEqual(v.attachments, [
      { attachmentId: attId, serverId: '33333333-2222-3333-4444-555555555555', device: '/dev/sdb' },
    ])
    await assert.rejects(
      api.reserve(authA, id, 'another'),
      (e: Error & { status?: number }) => e.status === 400,
    )
    await api.detach(authA, attId)
    assert.equal((await api.get(authA, id)).status, 'available')
    await api.delete(authA, id)
  })
})
