import assert from 'node:assert/strict'
import { rmSync } from 'node:fs'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import type { PoolRow } from '../../../db/repositories/volume/backends.js'
import { createTestCloud, type TestCloud } from '../../identity/testing.js'
import { memberOf, volumeClient, waitStatus, type VolumeClient } from '../testing.js'
import { allocationLimit, capabilitiesFilter, capacityFilter, matchSpec } from './filters.js'

const pool = (over: Partial<PoolRow>): PoolRow => ({
  name: 'h@b#p',
  backend: 'h@b',
  availability_zone: 'nova',
  total_capacity_gb: 10,
  free_capacity_gb: 10,
  allocated_capacity_gb: 0,
  reserved_percentage: 0,
  max_over_subscription_ratio: 1,
  thin_provisioning: 0,
  capabilities: '{}',
  updated_at: '',
  ...over,
})

describe('volume scheduler filters', () => {
  test('extra spec operators as cinder matches them', () => {
    assert.equal(matchSpec(true, '<is> True'), true)
    assert.equal(matchSpec(false, '<is> True'), false)
    assert.equal(matchSpec('iSCSI', 'iSCSI'), true)
    assert.equal(matchSpec('file', 'iSCSI'), false)
    assert.equal(matchSpec('thin', '<or> thick <or> thin'), true)
    assert.equal(matchSpec(20, '>= 10'), true)
    assert.equal(matchSpec(5, '>= 10'), false)
    assert.equal(matchSpec('abcdef', '<in> cde'), true)
  })

  test('capabilities: scoped specs other than capabilities: are ignored; missing ones fail', () => {
    const p = {
      row: pool({}),
      capabilities: { volume_backend_name: 'file', storage_protocol: 'file' },
    }
    const spec = (typeSpecs: Record<string, string>) => ({
      sizeGb: 1,
      availabilityZone: 'nova',
      typeSpecs,
    })
    assert.equal(capabilitiesFilter(p, spec({ volume_backend_name: 'file' })), true)
    assert.equal(capabilitiesFilter(p, spec({ 'vmware:vmdk_type': 'thin' })), true)
    assert.equal(capabilitiesFilter(p, spec({ 'capabilities:storage_protocol': 'file' })), true)
    assert.equal(capabilitiesFilter(p, spec({ storage_protocol: 'iSCSI' })), false)
    assert.equal(capabilitiesFilter(p, spec({ vendor_name: 'x' })), false)
  })

  test('capacity: thick needs free space, thin honours the over-subscription ratio', () => {
    const s = (sizeGb: number) => ({ sizeGb, availabilityZone: 'nova', typeSpecs: {} })
    const thick = { row: pool({ allocated_capacity_gb: 8, free_capacity_gb: 2 }), capabilities: {} }
    assert.equal(capacityFilter(thick, s(2)), true)
    assert.equal(capacityFilter(thick, s(3)), false)
    const thin = {
      row: pool({
        thin_provisioning: 1,
        max_over_subscription_ratio: 2,
        allocated_capacity_gb: 18,
        free_capacity_gb: 9,
      }),
      capabilities: {},
    }
    assert.equal(allocationLimit(thin.row), 20)
    assert.equal(capacityFilter(thin, s(2)), true)
    assert.equal(capacityFilter(thin, s(3)), false)
    const reserved = { row: pool({ reserved_percentage: 50 }), capabilities: {} }
    assert.equal(capacityFilter(reserved, s(5)), true)
    assert.equal(capacityFilter(reserved, s(6)), false)
  })
})

describe('volume scheduler against a small pool', () => {
  let cloud: TestCloud
  let v: VolumeClient
  before(async () => {
    cloud = await createTestCloud({
      env: { NUBIS_FILE__TOTAL_CAPACITY_GB: '3', NUBIS_FILE__THIN_PROVISIONING: 'false' },
    })
    const admin = await cloud.adminToken()
    v = volumeClient(cloud, await memberOf(cloud, admin, 'sched'))
  })
  after(async () => cloud.close())

  test('concurrent creates never overfill the pool; the rest go to error, not stuck in creating', async () => {
    const rs = await Promise.all(
      Array.from({ length: 5 }, () => v('POST', '/volumes', { volume: { size: 1 } })),
    )
    assert.ok(rs.every((r) => r.status === 202))
    const final = await Promise.all(
      rs.map((r) =>
        waitStatus(v, `/volumes/${r.body.volume.id}`, 'volume', ['available', 'error']),
      ),
    )
    assert.equal(final.filter((x) => x.status === 'available').length, 3)
    assert.equal(final.filter((x) => x.status === 'error').length, 2)
    // Each failure leaves a user message (3.3).
    const failed = final.find((x) => x.status === 'error')
    const msgs = await v('GET', `/messages?resource_uuid=${failed.id}`, undefined, {
      'openstack-api-version': 'volume 3.3',
    })
    assert.equal(msgs.status, 200)
    assert.equal(msgs.body.messages.length, 1)
    assert.equal(msgs.body.messages[0].resource_type, 'VOLUME')
    assert.equal(msgs.body.messages[0].message_level, 'ERROR')
    assert.match(
      msgs.body.messages[0].user_message,
      /Could not find any available weighted backend/,
    )
    // Deleting gives the capacity back.
    const gone = final.find((x) => x.status === 'available')
    await v('DELETE', `/volumes/${gone.id}`)
    await waitStatus(v, `/volumes/${gone.id}`, 'volume', 'deleted')
    const again = (await v('POST', '/volumes', { volume: { size: 1 } })).body.volume
    assert.equal(
      (await waitStatus(v, `/volumes/${again.id}`, 'volume', ['available', 'error'])).status,
      'available',
    )
  })

  test('a failing driver call leaves the volume in an error status with the reason', async () => {
    const list = (await v('GET', '/volumes/detail?status=available')).body.volumes
    const victim = list[0]
    rmSync(join(cloud.dataDir, 'volumes', `volume-${victim.id}.qcow2`))
    await v('DELETE', `/volumes/${list[1].id}`)
    await waitStatus(v, `/volumes/${list[1].id}`, 'volume', 'deleted')
    assert.equal(
      (await v('POST', `/volumes/${victim.id}/action`, { 'os-extend': { new_size: 2 } })).status,
      202,
    )
    const e = await waitStatus(v, `/volumes/${victim.id}`, 'volume', [
      'error_extending',
      'available',
    ])
    assert.equal(e.status, 'error_extending')
    const row = await cloud.database.db
      .selectFrom('volumes')
      .select('status_reason')
      .where('id', '=', victim.id)
      .executeTakeFirstOrThrow()
    assert.match(row.status_reason ?? '', /qemu-img|No such file/)
    const msgs = (
      await v('GET', `/messages?resource_uuid=${victim.id}`, undefined, {
        'openstack-api-version': 'volume 3.3',
      })
    ).body.messages
    assert.equal(msgs.length, 1)
    assert.equal(msgs[0].event_id, 'VOLUME_VOLUME_015_010')
    assert.equal(
      (
        await v('DELETE', `/messages/${msgs[0].id}`, undefined, {
          'openstack-api-version': 'volume 3.3',
        })
      ).status,
      204,
    )
  })
})
