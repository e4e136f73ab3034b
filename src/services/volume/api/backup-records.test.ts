import assert from 'node:assert/strict'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { createTestCloud, type TestCloud } from '../../identity/testing.js'
import { memberOf, volumeClient, waitStatus, type Member, type VolumeClient } from '../testing.js'

const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64')
const unb64 = (s: string): Record<string, any> =>
  JSON.parse(Buffer.from(s, 'base64').toString('utf8')) as Record<string, any>

describe('backup export_record / import_record (admin)', () => {
  let cloud: TestCloud
  let a: Member
  let va: VolumeClient
  let vadmin: VolumeClient
  before(async () => {
    cloud = await createTestCloud()
    const admin = await cloud.adminToken()
    a = await memberOf(cloud, admin, 'rec-a')
    va = volumeClient(cloud, a)
    vadmin = volumeClient(cloud, { projectId: cloud.bootstrap.adminProjectId, token: admin })
  })
  after(async () => cloud.close())

  test('export, import under a new id (independent data), recover a lost record, bad records', async () => {
    const v = (await va('POST', '/volumes', { volume: { size: 1 } })).body.volume
    await waitStatus(va, `/volumes/${v.id}`, 'volume', 'available')
    const bk = (await va('POST', '/backups', { backup: { volume_id: v.id, name: 'orig' } })).body
      .backup
    const orig = await waitStatus(va, `/backups/${bk.id}`, 'backup', 'available')

    assert.equal((await va('GET', `/backups/${bk.id}/export_record`)).status, 403)
    const ex = await vadmin('GET', `/backups/${bk.id}/export_record`)
    assert.equal(ex.status, 200, JSON.stringify(ex.body))
    const rec = ex.body['backup-record']
    assert.equal(rec.backup_service, 'cinder.backup.drivers.posix.PosixBackupDriver')
    const decoded = unb64(rec.backup_url)
    assert.equal(decoded.id, bk.id)
    assert.equal(decoded.display_name, 'orig')
    assert.equal(decoded.service_metadata, `${orig.container}/${bk.id}`)

    // Tempest's way: the same record under another id.
    const newId = '6f1c3a9e-8e44-4c55-9a5e-2b3f1d0c7a11'
    const imp = await vadmin('POST', '/backups/import_record', {
      'backup-record': { ...rec, backup_url: b64({ ...decoded, id: newId }) },
    })
    assert.equal(imp.status, 201, JSON.stringify(imp.body))
    assert.deepEqual(Object.keys(imp.body.backup).sort(), ['id', 'links', 'name'])
    assert.equal(imp.body.backup.id, newId)
    const copy = (await vadmin('GET', `/backups/${newId}`)).body.backup
    assert.equal(copy.status, 'available')
    assert.equal(copy.name, 'orig')
    assert.equal(copy.container, orig.container)
    const root = join(cloud.dataDir, 'backups', orig.container)
    assert.ok(existsSync(join(root, newId, 'metadata.json')), 'the data is linked under the new id')

    // The same id twice, garbage, another service, a path out of the store, missing fields.
    const again = await vadmin('POST', '/backups/import_record', {
      'backup-record': { ...rec, backup_url: b64({ ...decoded, id: newId }) },
    })
    assert.equal(again.status, 400)
    assert.match(again.body.badRequest.message, /already exists/)
    const post = (record: Record<string, unknown>) =>
      vadmin('POST', '/backups/import_record', { 'backup-record': record })
    assert.equal((await post({ ...rec, backup_url: 'not base64!' })).status, 400)
    assert.equal((await post({ ...rec, backup_url: b64(['x']) })).status, 400)
    assert.equal(
      (await post({ ...rec, backup_service: 'cinder.backup.drivers.swift' })).status,
      503,
    )
    const evil = {
      ...decoded,
      id: '7f1c3a9e-8e44-4c55-9a5e-2b3f1d0c7a12',
      service_metadata: '../../etc',
    }
    assert.equal((await post({ ...rec, backup_url: b64(evil) })).status, 400)
    const partial: Record<string, unknown> = {
      ...decoded,
      id: '8f1c3a9e-8e44-4c55-9a5e-2b3f1d0c7a13',
    }
    delete partial['object_count']
    assert.equal((await post({ ...rec, backup_url: b64(partial) })).status, 400)
    assert.equal((await post({ ...rec, extra: 1 })).status, 400)
    assert.equal((await va('POST', '/backups/import_record', { 'backup-record': rec })).status, 403)

    // Deleting the copy leaves the original restorable.
    assert.equal((await vadmin('DELETE', `/backups/${newId}`)).status, 202)
    await waitStatus(vadmin, `/backups/${newId}`, 'backup', 'deleted')
    assert.equal(existsSync(join(root, newId)), false)
    assert.ok(existsSync(join(root, bk.id, 'metadata.json')))
    const r1 = await va('POST', `/backups/${bk.id}/restore`, {})
    assert.equal(r1.status, 202)
    await waitStatus(va, `/volumes/${r1.body.restore.volume_id}`, 'volume', 'available')

    // A lost database row comes back from its record, data untouched.
    await cloud.volume.ctx.db.deleteFrom('volume_backups').where('id', '=', bk.id).execute()
    assert.equal((await va('GET', `/backups/${bk.id}`)).status, 404)
    const back = await post(rec)
    assert.equal(back.status, 201, JSON.stringify(back.body))
    assert.equal((await vadmin('GET', `/backups/${bk.id}`)).body.backup.status, 'available')
    const r2 = await vadmin('POST', `/backups/${bk.id}/restore`, {})
    assert.equal(r2.status, 202)
    await waitStatus(vadmin, `/volumes/${r2.body.restore.volume_id}`, 'volume', 'available')
  })
})
