import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { after, before, describe, it } from 'node:test'
import type { DatabaseHandle } from '../../db/database.js'
import { claim, inventoryDefaultsFromConfig, syncProvider } from '../placement/index.js'
import { HostStateLoader } from './host-state-loader.js'
import { freeOf } from './host-state.js'
import {
  addTestAggregate,
  addTestNode,
  openSchedulerTestDb,
  schedulerTestConfig,
} from './testing.js'

const config = schedulerTestConfig()

describe('HostStateLoader', () => {
  let h: DatabaseHandle & { dispose(): Promise<void> }
  before(async () => {
    h = await openSchedulerTestDb()
  })
  after(async () => {
    await h.dispose()
  })

  it('joins node, service, inventory, usage, aggregates and sees later changes despite its cache', async () => {
    const loader = new HostStateLoader(h.db)
    const uuid = await addTestNode(h.db, config, {
      host: 'ld1',
      vcpus: 4,
      memoryMb: 4608,
      subHosts: [
        { name: 'esx', state: 'up', vcpus: 4, vcpusUsed: 1, memoryMb: 4096, memoryMbUsed: 0 },
      ],
    })
    let [s] = await loader.load('nova')
    assert.ok(s)
    assert.equal(s.uuid, uuid)
    assert.equal(s.service?.disabled, false)
    assert.deepEqual(s.availabilityZones, ['nova'])
    assert.equal(freeOf(s, 'VCPU'), 64)
    assert.equal(s.subHosts[0]?.vcpusUsed, 1)

    // usage, service state and aggregates are read fresh
    assert.equal(
      await claim(
        h.db,
        randomUUID(),
        uuid,
        { VCPU: 2, MEMORY_MB: 1024 },
        { projectId: 'p', userId: 'u' },
      ),
      true,
    )
    await h.db
      .updateTable('compute_services')
      .set({ disabled: 1 })
      .where('host', '=', 'ld1')
      .execute()
    await addTestAggregate(h.db, 'ld-az', ['ld1'], { availability_zone: 'zone-x' })
    ;[s] = await loader.load('nova')
    assert.equal(freeOf(s!, 'VCPU'), 62)
    assert.equal(s!.service?.disabled, true)
    assert.deepEqual(s!.availabilityZones, ['zone-x'])

    // node rows are re-read when updated_at moves; inventories when they change
    await h.db
      .updateTable('compute_nodes')
      .set({ hypervisor_version: 2000, updated_at: new Date(Date.now() + 1000).toISOString() })
      .where('uuid', '=', uuid)
      .execute()
    await syncProvider(
      h.db,
      {
        uuid,
        name: 'ld1',
        host: 'ld1',
        resources: {
          nodename: 'ld1',
          hypervisorType: 'fake',
          hypervisorVersion: 2000,
          hypervisorHostname: 'ld1',
          hostIp: '127.0.0.1',
          vcpus: 8,
          vcpusUsed: 0,
          memoryMb: 4608,
          memoryMbUsed: 0,
          localGb: 1000,
          localGbUsed: 0,
          cpuInfo: {},
          supportedInstances: [],
          traits: [],
        },
      },
      inventoryDefaultsFromConfig(config.placement),
    )
    ;[s] = await loader.load('nova')
    assert.equal(s!.hypervisorVersion, 2000)
    assert.equal(freeOf(s!, 'VCPU'), 8 * 16 - 2)

    // a deleted node disappears
    await h.db.deleteFrom('compute_nodes').where('uuid', '=', uuid).execute()
    assert.equal((await loader.load('nova')).length, 0)
  })
})
