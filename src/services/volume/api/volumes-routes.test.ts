import assert from 'node:assert/strict'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { createTestCloud, type TestCloud } from '../../identity/testing.js'
import { memberOf, volumeClient, waitStatus, type Member, type VolumeClient } from '../testing.js'

describe('volume API: versions, volumes, metadata, isolation', () => {
  let cloud: TestCloud
  let admin: string
  let adminProject: string
  let a: Member
  let b: Member
  let va: VolumeClient
  let vb: VolumeClient
  let vadmin: VolumeClient
  before(async () => {
    cloud = await createTestCloud()
    admin = await cloud.adminToken()
    adminProject = cloud.bootstrap.adminProjectId
    a = await memberOf(cloud, admin, 'vol-a')
    b = await memberOf(cloud, admin, 'vol-b')
    va = volumeClient(cloud, a)
    vb = volumeClient(cloud, b)
    vadmin = volumeClient(cloud, { projectId: adminProject, token: admin })
  })
  after(async () => cloud.close())

  test('version documents are public; microversions are negotiated', async () => {
    const root = await cloud.request('GET', '/volume/')
    assert.equal(root.status, 300)
    assert.equal(root.body.versions[0].id, 'v3.0')
    assert.equal(root.body.versions[0].version, '3.70')
    assert.equal(root.body.versions[0].min_version, '3.0')
    const v3 = await cloud.request('GET', '/volume/v3/')
    assert.equal(v3.status, 200)
    assert.equal(v3.body.versions[0].id, 'v3.0')
    const plain = await va('GET', '/volumes')
    assert.equal(plain.headers['openstack-api-version'], 'volume 3.0')
    assert.match(String(plain.headers['vary']), /OpenStack-API-Version/)
    const latest = await va('GET', '/volumes', undefined, {
      'openstack-api-version': 'volume latest',
    })
    assert.equal(latest.headers['openstack-api-version'], 'volume 3.70')
    const tooHigh = await va('GET', '/volumes', undefined, {
      'openstack-api-version': 'volume 3.99',
    })
    assert.equal(tooHigh.status, 406)
    assert.match(tooHigh.body.notAcceptable.message, /maximum is 3.70/)
    const bad = await va('GET', '/volumes', undefined, { 'openstack-api-version': 'volume x' })
    assert.equal(bad.status, 400)
  })

  test('create → creating then available with a qcow2 file on disk; show, update, delete', async () => {
    const c = await va('POST', '/volumes', {
      volume: { size: 1, name: 'v1', description: 'd', metadata: { k: 'v' } },
    })
    assert.equal(c.status, 202)
    const v = c.body.volume
    assert.equal(v.status, 'creating')
    assert.equal(v.size, 1)
    assert.equal(v.bootable, 'false')
    assert.equal(v.volume_type, '__DEFAULT__')
    assert.equal(v.availability_zone, 'nova')
    assert.deepEqual(v.metadata, { k: 'v' })
    assert.equal(v.user_id, a.userId)
    assert.equal('os-vol-tenant-attr:tenant_id' in v, false, 'not on create')
    const ready = await waitStatus(va, `/volumes/${v.id}`, 'volume', 'available')
    assert.equal(ready['os-vol-tenant-attr:tenant_id'], a.projectId, 'the owner reads it')
    assert.equal('os-vol-host-attr:host' in ready, false, 'the host stays admin-only')
    assert.match(ready.created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}$/)
    const file = join(cloud.dataDir, 'volumes', `volume-${v.id}.qcow2`)
    assert.ok(existsSync(file), 'the driver made the file')

    const adminView = (await vadmin('GET', `/volumes/${v.id}`)).body.volume
    assert.equal(adminView['os-vol-tenant-attr:tenant_id'], a.projectId)
    assert.match(adminView['os-vol-host-attr:host'], /^.+@file#file$/)

    const u = await va('PUT', `/volumes/${v.id}`, { volume: { name: 'v1b', description: 'new' } })
    assert.equal(u.status, 200)
    assert.equal(u.body.volume.name, 'v1b')
    assert.equal(u.body.volume.description, 'new')

    const d = await va('DELETE', `/volumes/${v.id}`)
    assert.equal(d.status, 202)
    await waitStatus(va, `/volumes/${v.id}`, 'volume', 'deleted')
    assert.equal(existsSync(file), false, 'the file is gone')
  })

  test('other projects cannot see or touch a volume; the URL project must be the token project', async () => {
    const v = (await va('POST', '/volumes', { volume: { size: 1 } })).body.volume
    await waitStatus(va, `/volumes/${v.id}`, 'volume', 'available')
    assert.equal((await vb('GET', `/volumes/${v.id}`)).status, 404)
    assert.equal((await vb('DELETE', `/volumes/${v.id}`)).status, 404)
    const ids = (await vb('GET', '/volumes')).body.volumes.map((x: { id: string }) => x.id)
    assert.equal(ids.includes(v.id), false)
    const cross = await cloud.request('GET', `/volume/v3/${a.projectId}/volumes`, {
      token: b.token,
    })
    assert.equal(cross.status, 400)
    assert.equal(cross.body.badRequest.message, 'Malformed request url')
    const all = (await vadmin('GET', '/volumes/detail?all_tenants=1')).body.volumes.map(
      (x: { id: string }) => x.id,
    )
    assert.ok(all.includes(v.id), 'admin sees every project with all_tenants')
    const noProject = await cloud.request('GET', '/volume/v3/volumes', {
      token: a.token,
      headers: { 'openstack-api-version': 'volume 3.67' },
    })
    assert.equal(noProject.status, 200)
    assert.ok(noProject.body.volumes.some((x: { id: string }) => x.id === v.id))
    assert.equal((await cloud.request('GET', '/volume/v3/volumes', { token: a.token })).status, 404)
  })

  test('list filters, sorting, pagination links and with_count', async () => {
    const made: string[] = []
    for (const n of ['p1', 'p2', 'p3']) {
      const v = (
        await vb('POST', '/volumes', { volume: { size: 1, name: n, metadata: { Type: 'work' } } })
      ).body.volume
      made.push(v.id)
    }
    for (const id of made) await waitStatus(vb, `/volumes/${id}`, 'volume', 'available')
    const byName = (await vb('GET', '/volumes?name=p2')).body.volumes
    assert.deepEqual(
      byName.map((x: { name: string }) => x.name),
      ['p2'],
    )
    const md = (
      await vb('GET', `/volumes/detail?metadata=${encodeURIComponent("{'Type': 'work'}")}`)
    ).body.volumes
    assert.equal(md.length, 3)
    const boot = (await vb('GET', '/volumes/detail?bootable=false&status=available')).body.volumes
    assert.ok(boot.length >= 3)
    const asc = (await vb('GET', '/volumes/detail?sort=id:asc&limit=2')).body
    assert.equal(asc.volumes.length, 2)
    assert.ok(asc.volumes[0].id < asc.volumes[1].id)
    assert.equal(asc.volumes_links[0].rel, 'next')
    const next = new URL(asc.volumes_links[0].href)
    assert.equal(next.pathname, `/volume/v3/${b.projectId}/volumes/detail`)
    const page2 = (await vb('GET', `/volumes/detail?${next.searchParams.toString()}`)).body
    const seen = [...asc.volumes, ...page2.volumes].map((x: { id: string }) => x.id)
    assert.equal(new Set(seen).size, seen.length, 'no volume twice')
    const marker = [...made].sort()[0]!
    const after1 = (await vb('GET', `/volumes?marker=${marker}&sort=id:asc`)).body.volumes.map(
      (x: { id: string }) => x.id,
    )
    assert.deepEqual(after1, [...made].sort().slice(1))
    const counted = await vb('GET', '/volumes?with_count=true&limit=1', undefined, {
      'openstack-api-version': 'volume 3.45',
    })
    assert.equal(counted.body.count, 3)
    assert.equal(counted.body.volumes.length, 1)
    const summary = await vb('GET', '/volumes/summary', undefined, {
      'openstack-api-version': 'volume 3.12',
    })
    assert.deepEqual(summary.body, { 'volume-summary': { total_size: 3, total_count: 3 } })
  })

  test('volume metadata CRUD and item semantics', async () => {
    const v = (await va('POST', '/volumes', { volume: { size: 1 } })).body.volume
    await waitStatus(va, `/volumes/${v.id}`, 'volume', 'available')
    const md = { key1: 'value1', key2: 'value2', key3: '<value&special_chars>' }
    assert.deepEqual(
      (await va('POST', `/volumes/${v.id}/metadata`, { metadata: md })).body.metadata,
      md,
    )
    const put = await va('PUT', `/volumes/${v.id}/metadata`, {
      metadata: { key4: 'v4', key1: 'u' },
    })
    assert.deepEqual(put.body.metadata, { key4: 'v4', key1: 'u' })
    assert.deepEqual((await va('GET', `/volumes/${v.id}/metadata`)).body.metadata, {
      key4: 'v4',
      key1: 'u',
    })
    assert.deepEqual(
      (await va('PUT', `/volumes/${v.id}/metadata/key4`, { meta: { key4: 'x' } })).body,
      { meta: { key4: 'x' } },
    )
    assert.deepEqual((await va('GET', `/volumes/${v.id}/metadata/key4`)).body, {
      meta: { key4: 'x' },
    })
    assert.equal(
      (await va('PUT', `/volumes/${v.id}/metadata/key4`, { meta: { other: 'x' } })).status,
      400,
    )
    assert.equal((await va('DELETE', `/volumes/${v.id}/metadata/key1`)).status, 200)
    assert.equal((await va('GET', `/volumes/${v.id}/metadata/key1`)).status, 404)
  })

  test('bad input is a 400, never a 500', async () => {
    assert.equal((await va('POST', '/volumes', { volume: { size: 0 } })).status, 400)
    assert.equal((await va('POST', '/volumes', { volume: { size: 'abc' } })).status, 400)
    assert.equal(
      (await va('POST', '/volumes', { volume: { size: 1, volume_type: 'nope' } })).status,
      404,
    )
    assert.equal(
      (await va('POST', '/volumes', { volume: { size: 1, availability_zone: 'mars' } })).status,
      400,
    )
    assert.equal(
      (await va('POST', '/volumes', { volume: { size: 1, imageRef: 'not-an-image' } })).status,
      400,
    )
    const multi = await va('POST', '/volumes', { volume: { size: 1, multiattach: true } })
    assert.equal(multi.status, 400)
    assert.match(multi.body.badRequest.message, /multiattach parameter has been removed/)
    assert.equal((await va('POST', '/volumes', { nope: {} })).status, 400)
    assert.equal((await va('GET', '/volumes/00000000-0000-0000-0000-000000000000')).status, 404)
  })
})
