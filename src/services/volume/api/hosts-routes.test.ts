import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { createTestCloud, type TestCloud } from '../../identity/testing.js'
import { memberOf, volumeClient, waitStatus, type Member, type VolumeClient } from '../testing.js'

describe('Cinder os-hosts (admin)', () => {
  let cloud: TestCloud
  let a: Member
  let va: VolumeClient
  let vadmin: VolumeClient
  before(async () => {
    cloud = await createTestCloud()
    const admin = await cloud.adminToken()
    a = await memberOf(cloud, admin, 'hosts-a')
    va = volumeClient(cloud, a)
    vadmin = volumeClient(cloud, { projectId: cloud.bootstrap.adminProjectId, token: admin })
  })
  after(async () => cloud.close())

  test('lists the services as hosts and shows a volume host\u2019s usage per project', async () => {
    const v = (await va('POST', '/volumes', { volume: { size: 2 } })).body.volume
    const ready = await waitStatus(vadmin, `/volumes/${v.id}`, 'volume', 'available')
    const snap = (await va('POST', '/snapshots', { snapshot: { volume_id: v.id } })).body.snapshot
    await waitStatus(va, `/snapshots/${snap.id}`, 'snapshot', 'available')

    assert.equal((await va('GET', '/os-hosts')).status, 403)
    const hosts = (await vadmin('GET', '/os-hosts')).body.hosts
    const services = hosts.map((h: { service: string }) => h.service).sort()
    assert.ok(services.includes('cinder-volume') && services.includes('cinder-scheduler'), services)
    const vol = hosts.find((h: { service: string }) => h.service === 'cinder-volume')
    assert.deepEqual(Object.keys(vol).sort(), [
      'host_name',
      'last-update',
      'service',
      'service-state',
      'service-status',
      'zone',
    ])
    assert.equal(vol['service-status'], 'available')
    assert.equal(vol['service-state'], 'enabled')
    // The volume's host is host@backend#pool; the host is host@backend.
    assert.equal(String(ready['os-vol-host-attr:host']).split('#')[0], vol.host_name)
    assert.deepEqual((await vadmin('GET', '/os-hosts?zone=elsewhere')).body.hosts, [])

    const shown = (await vadmin('GET', `/os-hosts/${encodeURIComponent(vol.host_name)}`)).body.host
    assert.deepEqual(shown[0].resource, {
      host: vol.host_name,
      project: '(total)',
      volume_count: '1',
      total_volume_gb: '2',
      snapshot_count: '1',
      total_snapshot_gb: '2',
    })
    assert.deepEqual(shown[1].resource.project, a.projectId)
    assert.equal(shown.length, 2)

    const missing = await vadmin('GET', '/os-hosts/nowhere@x')
    assert.equal(missing.status, 404)
    assert.equal(missing.body.itemNotFound.message, 'Host nowhere@x could not be found.')
    // Only cinder-volume hosts have usage to show.
    const scheduler = hosts.find((h: { service: string }) => h.service === 'cinder-scheduler')
    assert.notEqual(scheduler.host_name, vol.host_name)
    assert.equal(
      (await vadmin('GET', `/os-hosts/${encodeURIComponent(scheduler.host_name)}`)).status,
      404,
    )
    const path = `/os-hosts/${encodeURIComponent(vol.host_name)}`
    assert.equal((await vadmin('PUT', path, { status: 'sideways' })).status, 400)
    assert.equal((await vadmin('PUT', path, { colour: 'red' })).status, 400)
    assert.equal((await vadmin('PUT', path, { status: 'disable' })).status, 501)
    assert.equal((await vadmin('GET', `${path}/reboot`)).status, 501)
  })
})
