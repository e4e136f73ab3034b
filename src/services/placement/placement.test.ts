import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { DatabaseHandle } from '../../db/database.js'
import {
  addTestAggregate,
  addTestNode,
  openSchedulerTestDb,
  schedulerTestConfig,
} from '../scheduler/testing.js'
import type { NodeResources } from '../../virt/driver.js'
import {
  claim,
  consumerAllocations,
  deleteAllocations,
  inventoryDefaultsFromConfig,
  listProviderAggregates,
  listTraits,
  moveAllocations,
  providerCapacity,
  resyncHostAggregates,
  syncProvider,
  usages,
} from './index.js'

const config = schedulerTestConfig()
const defaults = inventoryDefaultsFromConfig(config.placement)
const owner = { projectId: 'p', userId: 'u' }
const small = { VCPU: 1, MEMORY_MB: 1024, DISK_GB: 10 }

function resources(over: Partial<NodeResources> = {}): NodeResources {
  return {
    nodename: 'n',
    hypervisorType: 'fake',
    hypervisorVersion: 1000,
    hypervisorHostname: 'n',
    hostIp: '127.0.0.1',
    vcpus: 4,
    vcpusUsed: 0,
    memoryMb: 4608,
    memoryMbUsed: 0,
    localGb: 100,
    localGbUsed: 0,
    cpuInfo: {},
    supportedInstances: [],
    traits: ['COMPUTE_VOLUME_ATTACH'],
    ...over,
  }
}

describe('placement', () => {
  let h: DatabaseHandle & { dispose(): Promise<void> }
  before(async () => {
    h = await openSchedulerTestDb()
  })
  after(async () => {
    await h.dispose()
  })

  it('syncProvider writes inventories with [placement] ratios and reserved amounts, and traits', async () => {
    const uuid = await addTestNode(h.db, config, {
      host: 'inv1',
      vcpus: 4,
      memoryMb: 4608,
      localGb: 100,
    })
    const cap = await providerCapacity(h.db, uuid)
    assert.ok(cap)
    assert.equal(cap.classes['VCPU']?.capacity, 64) // 4 * 16
    assert.equal(cap.classes['MEMORY_MB']?.reserved, 512)
    assert.equal(cap.classes['MEMORY_MB']?.capacity, (4608 - 512) * 1.5)
    assert.equal(cap.classes['DISK_GB']?.capacity, 100)
    assert.deepEqual(await listTraits(h.db, uuid), ['COMPUTE_NET_ATTACH_INTERFACE'])
  })

  it('aggregate metadata ratios override the defaults (smallest wins) and the provider joins the aggregate', async () => {
    await addTestAggregate(h.db, 'agg-ratio-a', ['ratio1'], { cpu_allocation_ratio: '2.0' })
    await addTestAggregate(h.db, 'agg-ratio-b', ['ratio1'], {
      cpu_allocation_ratio: '4.0',
      ram_allocation_ratio: '1.0',
    })
    const uuid = await addTestNode(h.db, config, { host: 'ratio1', vcpus: 4, memoryMb: 4608 })
    const cap = await providerCapacity(h.db, uuid)
    assert.equal(cap?.classes['VCPU']?.capacity, 8)
    assert.equal(cap?.classes['MEMORY_MB']?.capacity, 4096)
    assert.equal(cap?.classes['DISK_GB']?.allocationRatio, 1)
    assert.equal((await listProviderAggregates(h.db, uuid)).length, 2)
  })

  it('resyncHostAggregates applies a new aggregate ratio without a node report', async () => {
    const uuid = await addTestNode(h.db, config, { host: 'resync1', vcpus: 4 })
    assert.equal((await providerCapacity(h.db, uuid))?.classes['VCPU']?.capacity, 64)
    await addTestAggregate(h.db, 'agg-resync', ['resync1'], { cpu_allocation_ratio: '1.0' })
    await resyncHostAggregates(h.db, 'resync1', defaults)
    assert.equal((await providerCapacity(h.db, uuid))?.classes['VCPU']?.capacity, 4)
    assert.equal((await listProviderAggregates(h.db, uuid)).length, 1)
  })

  it('claim succeeds while it fits, refuses beyond capacity and above max_unit', async () => {
    const uuid = await addTestNode(h.db, config, {
      host: 'c1',
      vcpus: 1,
      memoryMb: 512 + 2048,
      localGb: 100,
    })
    // MEMORY capacity (2560-512)*1.5 = 3072: three 1024 MB servers
    assert.equal(await claim(h.db, 'i1', uuid, small, owner), true)
    assert.equal(await claim(h.db, 'i2', uuid, small, owner), true)
    assert.equal(await claim(h.db, 'i3', uuid, small, owner), true)
    assert.equal(await claim(h.db, 'i4', uuid, small, owner), false)
    assert.deepEqual(await usages(h.db, uuid), { VCPU: 3, MEMORY_MB: 3072, DISK_GB: 30 })
    // max_unit = total: 2 vCPUs in one allocation never fit a 1-vCPU node, whatever the ratio
    await deleteAllocations(h.db, 'i1')
    assert.equal(await claim(h.db, 'big', uuid, { VCPU: 2, MEMORY_MB: 1 }, owner), false)
    assert.equal(await claim(h.db, 'nope', 'no-such-provider', small, owner), false)
  })

  it('a repeated claim for the same consumer replaces its allocation instead of adding one', async () => {
    const uuid = await addTestNode(h.db, config, { host: 'c2' })
    assert.equal(await claim(h.db, 'again', uuid, small, owner), true)
    assert.equal(await claim(h.db, 'again', uuid, small, owner), true)
    assert.deepEqual(await usages(h.db, uuid), small)
  })

  it('syncProvider keeps allocations even when the node shrinks', async () => {
    const uuid = await addTestNode(h.db, config, { host: 'shrink' })
    assert.equal(await claim(h.db, 'keep', uuid, small, owner), true)
    await syncProvider(
      h.db,
      { uuid, name: 'shrink', resources: resources({ memoryMb: 600 }) },
      defaults,
    )
    assert.deepEqual(await usages(h.db, uuid), small)
    const cap = await providerCapacity(h.db, uuid)
    assert.equal(cap?.classes['MEMORY_MB']?.total, 600)
    assert.equal(await claim(h.db, 'more', uuid, small, owner), false)
  })

  it('moveAllocations hands a consumer allocation to another (resize: instance → migration)', async () => {
    const a = await addTestNode(h.db, config, { host: 'mv-a' })
    const b = await addTestNode(h.db, config, { host: 'mv-b' })
    assert.equal(await claim(h.db, 'inst', a, small, owner), true)
    await moveAllocations(h.db, 'inst', 'migr')
    assert.deepEqual(await consumerAllocations(h.db, 'inst'), {})
    assert.deepEqual(await consumerAllocations(h.db, 'migr'), { [a]: small })
    assert.equal(await claim(h.db, 'inst', b, small, owner), true)
    assert.deepEqual(await consumerAllocations(h.db, 'inst'), { [b]: small })
    await deleteAllocations(h.db, 'migr')
    assert.deepEqual(await usages(h.db, a), {})
  })

  it('concurrent claims never over-commit a provider', async () => {
    // capacity: (512 + 10240 - 512) * 1.5 = 15360 MB = exactly 15 servers of 1024 MB
    const uuid = await addTestNode(h.db, config, { host: 'race', vcpus: 64, memoryMb: 10752 })
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) => claim(h.db, `race-${i}`, uuid, small, owner)),
    )
    assert.equal(results.filter(Boolean).length, 15)
    assert.equal((await usages(h.db, uuid))['MEMORY_MB'], 15360)
  })
})
