import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { createTestCloud, type TestCloud } from '../../identity/testing.js'
import { memberOf, volumeClient, type Member, type VolumeClient } from '../testing.js'

describe('Cinder quota classes', () => {
  let cloud: TestCloud
  let a: Member
  let va: VolumeClient
  let vadmin: VolumeClient
  before(async () => {
    cloud = await createTestCloud()
    const admin = await cloud.adminToken()
    a = await memberOf(cloud, admin, 'qc-a')
    va = volumeClient(cloud, a)
    vadmin = volumeClient(cloud, { projectId: cloud.bootstrap.adminProjectId, token: admin })
  })
  after(async () => cloud.close())

  test('the default class overrides configured defaults for projects without their own limits', async () => {
    const before = (await vadmin('GET', '/os-quota-class-sets/default')).body.quota_class_set
    assert.equal(before.id, 'default')
    assert.equal(before.volumes, 10)
    assert.equal((await va('GET', '/os-quota-class-sets/default')).status, 403)
    assert.equal(
      (await va('PUT', '/os-quota-class-sets/default', { quota_class_set: { volumes: 1 } })).status,
      403,
    )

    const put = await vadmin('PUT', '/os-quota-class-sets/default', {
      quota_class_set: { volumes: 11, volumes___DEFAULT__: 5, backups: '12' },
    })
    assert.equal(put.status, 200, JSON.stringify(put.body))
    assert.equal('id' in put.body.quota_class_set, false, 'Cinder answers without an id')
    assert.equal(put.body.quota_class_set.volumes, 11)
    assert.equal(put.body.quota_class_set.volumes___DEFAULT__, 5)
    assert.equal(put.body.quota_class_set.backups, 12)

    // A project with no limits of its own now has the class's; its own rows still win.
    const qs = (await va('GET', `/os-quota-sets/${a.projectId}`)).body.quota_set
    assert.equal(qs.volumes, 11)
    assert.equal(qs.volumes___DEFAULT__, 5)
    const defaults = (await va('GET', `/os-quota-sets/${a.projectId}/defaults`)).body.quota_set
    assert.equal(defaults.volumes, 11)
    await vadmin('PUT', `/os-quota-sets/${a.projectId}`, { quota_set: { volumes: 3 } })
    assert.equal((await va('GET', `/os-quota-sets/${a.projectId}`)).body.quota_set.volumes, 3)

    // Another class inherits the default class, then its own values.
    const gold = await vadmin('PUT', '/os-quota-class-sets/gold', {
      quota_class_set: { gigabytes: 5000 },
    })
    assert.equal(gold.body.quota_class_set.gigabytes, 5000)
    assert.equal(gold.body.quota_class_set.volumes, 11)

    for (const bad of [
      { quota_class_set: { bogus: 1 } },
      { quota_class_set: { volumes: -2 } },
      { quota_class_set: { volumes: 'many' } },
      { quota_class_set: [] },
      {},
      { quota_class_set: {}, extra: 1 },
    ])
      assert.equal(
        (await vadmin('PUT', '/os-quota-class-sets/default', bad)).status,
        400,
        JSON.stringify(bad),
      )
    // Restore for other tests in this process.
    await vadmin('PUT', '/os-quota-class-sets/default', {
      quota_class_set: { volumes: 10, volumes___DEFAULT__: -1, backups: 10 },
    })
  })
})
