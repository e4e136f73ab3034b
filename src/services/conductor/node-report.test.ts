import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { SubHostResources } from '../../virt/driver.js'
import { startBootHarness, type BootHarness } from './testing.js'

describe('node reports of a fake node with sub-hosts', () => {
  let h: BootHarness
  before(async () => {
    h = await startBootHarness({
      NUBIS_FAKE__HOST_PREFIX: 'cl',
      NUBIS_FAKE__SUB_HOSTS: '2',
      NUBIS_FAKE__VCPUS: '8',
      NUBIS_FAKE__MEMORY_MB: '8192',
      NUBIS_PLACEMENT__RAM_ALLOCATION_RATIO: '1.0',
      NUBIS_PLACEMENT__RESERVED_HOST_MEMORY_MB: '0',
    })
  })
  after(async () => h?.close())

  it('stores capacity, sub-hosts and running VMs in compute_nodes and placement', async () => {
    const uuid = await h.insertInstance()
    await h.build([uuid])
    await h.waitFor(uuid, (i) => i.vm_state === 'active')
    let node
    for (let i = 0; i < 100; i++) {
      node = await h.ctx.db.selectFrom('compute_nodes').selectAll().executeTakeFirstOrThrow()
      if (node.running_vms === 1) break
      await new Promise((r) => setTimeout(r, 10))
    }
    assert.equal(node?.running_vms, 1)
    assert.equal(node?.vcpus, 8)
    assert.equal(node?.memory_mb_used, 512)
    const subs = JSON.parse(node?.sub_hosts ?? '[]') as SubHostResources[]
    assert.deepEqual(subs.map((s) => [s.name, s.memoryMb, s.memoryMbUsed, s.state]).sort(), [
      ['cl-h1', 4096, 512, 'up'],
      ['cl-h2', 4096, 0, 'up'],
    ])
    const inv = await h.ctx.db
      .selectFrom('inventories')
      .select(['resource_class', 'total', 'allocation_ratio', 'reserved'])
      .where('resource_provider_uuid', '=', node?.uuid ?? '')
      .where('resource_class', '=', 'MEMORY_MB')
      .executeTakeFirstOrThrow()
    assert.deepEqual(inv, {
      resource_class: 'MEMORY_MB',
      total: 8192,
      allocation_ratio: 1,
      reserved: 0,
    })
  })

  it('reports again when the driver says a sub-host changed (maintenance)', async () => {
    h.fake.setSubHostState('cl-h2', 'maintenance')
    let state
    for (let i = 0; i < 100; i++) {
      const node = await h.ctx.db
        .selectFrom('compute_nodes')
        .select('sub_hosts')
        .executeTakeFirstOrThrow()
      state = (JSON.parse(node.sub_hosts) as SubHostResources[]).find(
        (s) => s.name === 'cl-h2',
      )?.state
      if (state === 'maintenance') break
      await new Promise((r) => setTimeout(r, 10))
    }
    assert.equal(state, 'maintenance')
  })
})
