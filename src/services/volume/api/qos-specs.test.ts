import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { createTestCloud, type TestCloud } from '../../identity/testing.js'
import { memberOf, volumeClient, type Member, type VolumeClient } from '../testing.js'

describe('Cinder QoS specs (admin)', () => {
  let cloud: TestCloud
  let a: Member
  let va: VolumeClient
  let vadmin: VolumeClient
  before(async () => {
    cloud = await createTestCloud()
    const admin = await cloud.adminToken()
    a = await memberOf(cloud, admin, 'qos-a')
    va = volumeClient(cloud, a)
    vadmin = volumeClient(cloud, { projectId: cloud.bootstrap.adminProjectId, token: admin })
  })
  after(async () => cloud.close())

  test('create, show, list, set and unset keys, delete; consumers and names checked', async () => {
    const c = await vadmin('POST', '/qos-specs', {
      qos_specs: {
        name: ' gold ',
        consumer: 'front-end',
        total_iops_sec: 1000,
        read_bytes_sec: '1024',
      },
    })
    assert.equal(c.status, 200, JSON.stringify(c.body))
    const q = c.body.qos_specs
    assert.deepEqual(
      { name: q.name, consumer: q.consumer, specs: q.specs },
      {
        name: 'gold',
        consumer: 'front-end',
        specs: { read_bytes_sec: '1024', total_iops_sec: '1000' },
      },
    )
    assert.equal(c.body.links[0].rel, 'self')
    const plain = (await vadmin('POST', '/qos-specs', { qos_specs: { name: 'plain' } })).body
      .qos_specs
    assert.equal(plain.consumer, 'back-end', 'the default consumer')

    assert.equal((await vadmin('POST', '/qos-specs', { qos_specs: { name: 'gold' } })).status, 409)
    for (const bad of [
      { qos_specs: { name: 'x', consumer: 'sideways' } },
      { qos_specs: { name: '' } },
      { qos_specs: { consumer: 'both' } },
      { qos_specs: { name: 'y', k: { nested: 1 } } },
      { qos_specs: 'nope' },
      {},
    ])
      assert.equal((await vadmin('POST', '/qos-specs', bad)).status, 400, JSON.stringify(bad))
    assert.equal((await va('POST', '/qos-specs', { qos_specs: { name: 'z' } })).status, 403)
    assert.equal((await va('GET', '/qos-specs')).status, 403)

    const shown = (await vadmin('GET', `/qos-specs/${q.id}`)).body.qos_specs
    assert.equal(shown.name, 'gold')
    const missing = await vadmin('GET', '/qos-specs/no-such-id')
    assert.equal(missing.status, 404)
    assert.equal(missing.body.itemNotFound.message, 'No such QoS spec no-such-id.')
    const list = (await vadmin('GET', '/qos-specs')).body.qos_specs
    assert.deepEqual(list.map((x: { name: string }) => x.name).sort(), ['gold', 'plain'])
    assert.deepEqual(
      (await vadmin('GET', '/qos-specs?consumer=back-end')).body.qos_specs.map(
        (x: { id: string }) => x.id,
      ),
      [plain.id],
    )

    const set = await vadmin('PUT', `/qos-specs/${q.id}`, {
      qos_specs: { iops: '5', consumer: 'both' },
    })
    assert.equal(set.status, 200)
    assert.deepEqual(set.body, { qos_specs: { iops: '5', consumer: 'both' } })
    let now = (await vadmin('GET', `/qos-specs/${q.id}`)).body.qos_specs
    assert.equal(now.consumer, 'both')
    assert.equal(now.specs.iops, '5')
    assert.equal(
      (await vadmin('PUT', `/qos-specs/${q.id}`, { qos_specs: { consumer: 'x' } })).status,
      400,
    )

    assert.equal(
      (await vadmin('PUT', `/qos-specs/${q.id}/delete_keys`, { keys: ['iops'] })).status,
      202,
    )
    now = (await vadmin('GET', `/qos-specs/${q.id}`)).body.qos_specs
    assert.equal('iops' in now.specs, false)
    const noKey = await vadmin('PUT', `/qos-specs/${q.id}/delete_keys`, { keys: ['iops'] })
    assert.equal(noKey.status, 404)
    assert.equal(noKey.body.itemNotFound.message, `QoS spec ${q.id} has no spec with key iops.`)
    assert.equal(
      (await vadmin('PUT', `/qos-specs/${q.id}/delete_keys`, { keys: 'iops' })).status,
      400,
    )

    assert.equal((await vadmin('DELETE', `/qos-specs/${plain.id}`)).status, 202)
    assert.equal((await vadmin('GET', `/qos-specs/${plain.id}`)).status, 404)
  })

  test('associations with volume types: one spec per type, in-use delete needs force', async () => {
    const q = (await vadmin('POST', '/qos-specs', { qos_specs: { name: 'silver', iops: '10' } }))
      .body.qos_specs
    const other = (await vadmin('POST', '/qos-specs', { qos_specs: { name: 'bronze' } })).body
      .qos_specs
    const t = (await vadmin('POST', '/types', { volume_type: { name: 'qos-type' } })).body
      .volume_type

    assert.equal(
      (await vadmin('GET', `/qos-specs/${q.id}/associate`)).status,
      400,
      'no vol_type_id',
    )
    assert.equal((await vadmin('GET', `/qos-specs/${q.id}/associate?vol_type_id=nope`)).status, 404)
    assert.equal(
      (await vadmin('GET', `/qos-specs/${q.id}/associate?vol_type_id=${t.id}`)).status,
      202,
    )
    assert.equal((await vadmin('GET', `/types/${t.id}`)).body.volume_type.qos_specs_id, q.id)
    assert.equal('qos_specs_id' in (await va('GET', `/types/${t.id}`)).body.volume_type, false)
    assert.deepEqual((await vadmin('GET', `/qos-specs/${q.id}/associations`)).body, {
      qos_associations: [{ association_type: 'volume_type', name: 'qos-type', id: t.id }],
    })
    const taken = await vadmin('GET', `/qos-specs/${other.id}/associate?vol_type_id=${t.id}`)
    assert.equal(taken.status, 400)
    assert.match(taken.body.badRequest.message, /already associated with another qos specs/)

    const inUse = await vadmin('DELETE', `/qos-specs/${q.id}`)
    assert.equal(inUse.status, 400)
    assert.equal(inUse.body.badRequest.message, 'Qos specs still in use.')
    assert.equal(
      (await vadmin('GET', `/qos-specs/${q.id}/disassociate?vol_type_id=${t.id}`)).status,
      202,
    )
    assert.deepEqual(
      (await vadmin('GET', `/qos-specs/${q.id}/associations`)).body.qos_associations,
      [],
    )
    await vadmin('GET', `/qos-specs/${q.id}/associate?vol_type_id=${t.id}`)
    assert.equal((await vadmin('GET', `/qos-specs/${q.id}/disassociate_all`)).status, 202)
    assert.equal((await vadmin('GET', `/types/${t.id}`)).body.volume_type.qos_specs_id, null)
    await vadmin('GET', `/qos-specs/${q.id}/associate?vol_type_id=${t.id}`)
    assert.equal((await vadmin('DELETE', `/qos-specs/${q.id}?force=True`)).status, 202)
    assert.equal((await vadmin('GET', `/types/${t.id}`)).body.volume_type.qos_specs_id, null)
    assert.equal((await vadmin('DELETE', `/qos-specs/${q.id}?force=maybe`)).status, 400)
  })
})
