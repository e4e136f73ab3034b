import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { pino } from 'pino'
import { PowerState } from '../../virt/driver.js'
import { serverStatus } from '../compute/states.js'
import { startComputeWorkers } from '../compute/worker/compute-workers.js'
import { startBootHarness, type BootHarness } from './testing.js'

describe('boot path: conductor → scheduler → compute worker → fake driver', () => {
  let h: BootHarness
  before(async () => {
    h = await startBootHarness({ NUBIS_FAKE__NODES: '3', NUBIS_FAKE__HOST_PREFIX: 'fk' })
  })
  after(async () => h?.close())

  it('registers the services and the nodes of every worker', async () => {
    const services = await h.ctx.db
      .selectFrom('compute_services')
      .selectAll()
      .orderBy('host')
      .execute()
    assert.deepEqual(services.map((s) => `${s.host}/${s.binary}`).sort(), [
      'controller/nova-conductor',
      'controller/nova-scheduler',
      'fk-1/nova-compute',
      'fk-2/nova-compute',
      'fk-3/nova-compute',
    ])
    assert.ok(services.every((s) => s.report_count >= 1 && s.last_seen_up !== null))
    const nodes = await h.ctx.db.selectFrom('compute_nodes').selectAll().orderBy('host').execute()
    assert.deepEqual(
      nodes.map((n) => [n.host, n.nodename, n.hypervisor_type]),
      [
        ['fk-1', 'fk-1', 'fake'],
        ['fk-2', 'fk-2', 'fake'],
        ['fk-3', 'fk-3', 'fake'],
      ],
    )
  })

  it('builds an instance to ACTIVE on a fake node and records the actions', async () => {
    const uuid = await h.insertInstance()
    const requestId = await h.build([uuid])
    const r = await h.waitFor(uuid, (i) => i.vm_state === 'active')
    assert.equal(r.task_state, null)
    assert.equal(r.power_state, 1)
    assert.ok(r.launched_at)
    assert.ok(r.host?.startsWith('fk-'))
    assert.equal(r.node, r.host)
    assert.equal(r.availability_zone, 'nova')
    assert.deepEqual(
      (await h.fake.listInstances(r.node ?? '')).map((i) => i.uuid).includes(uuid),
      true,
    )
    const action = await h.ctx.db
      .selectFrom('instance_actions')
      .selectAll()
      .where('request_id', '=', requestId)
      .executeTakeFirstOrThrow()
    assert.equal(action.action, 'create')
    // The worker finishes its event just after it saved the server ACTIVE.
    const eventsOf = () =>
      h.ctx.db
        .selectFrom('instance_action_events')
        .selectAll()
        .where('action_id', '=', action.id)
        .orderBy('id')
        .execute()
    let events = await eventsOf()
    for (let i = 0; i < 200 && events.some((e) => e.finish_time === null); i++) {
      await new Promise((res) => setTimeout(res, 10))
      events = await eventsOf()
    }
    assert.deepEqual(
      events.map((e) => [e.event, e.result]),
      [
        ['conductor_schedule_and_build_instances', 'Success'],
        ['compute__do_build_and_run_instance', 'Success'],
      ],
    )
    assert.equal(events[1]?.host, r.host)
  })

  it('builds every instance of a multi-create request', async () => {
    const a = await h.insertInstance({ numInstances: 2 })
    const b = await h.insertInstance({ numInstances: 2 }, { launch_index: 1 })
    await h.build([a, b])
    const [ra, rb] = [
      await h.waitFor(a, (i) => i.vm_state === 'active'),
      await h.waitFor(b, (i) => i.vm_state === 'active'),
    ]
    assert.ok(ra.host && rb.host)
  })

  it('ignores a redelivered build_instances for a build under way', async () => {
    const uuid = await h.insertInstance()
    const requestId = await h.build([uuid])
    await h.waitFor(uuid, (i) => i.host !== null)
    await h.build([uuid], requestId)
    const r = await h.waitFor(uuid, (i) => i.vm_state === 'active')
    await new Promise((res) => setTimeout(res, 50))
    const on = await h.fake.listInstances(r.node ?? '')
    assert.equal(on.filter((i) => i.uuid === uuid).length, 1)
    const allocs = await h.ctx.db
      .selectFrom('allocations')
      .select('resource_class')
      .where('consumer_uuid', '=', uuid)
      .execute()
    assert.equal(allocs.length, 2, 'VCPU and MEMORY_MB still claimed')
    assert.equal((await h.waitFor(uuid, () => true)).vm_state, 'active')
  })

  it('terminates an instance: gone from the driver, row deleted', async () => {
    const uuid = await h.insertInstance()
    await h.build([uuid])
    const r = await h.waitFor(uuid, (i) => i.vm_state === 'active')
    await h.ctx.db
      .updateTable('instances')
      .set({ task_state: 'deleting' })
      .where('uuid', '=', uuid)
      .execute()
    await h.ctx.bus.cast({ topic: 'compute', server: r.host ?? '' }, 'terminate_instance', {
      instanceUuid: uuid,
      requestId: 'req-del-1',
    })
    const d = await h.waitFor(uuid, (i) => i.deleted === 1)
    assert.equal(d.vm_state, 'deleted')
    assert.equal(d.task_state, null)
    assert.ok(d.deleted_at && d.terminated_at)
    assert.equal(
      (await h.fake.listInstances(r.node ?? '')).some((i) => i.uuid === uuid),
      false,
    )
    // A second delete (redelivery) is harmless.
    await h.ctx.bus.call({ topic: 'compute', server: r.host ?? '' }, 'terminate_instance', {
      instanceUuid: uuid,
      requestId: 'req-del-2',
    })
  })

  it('holds a placement allocation while the server lives and frees it on delete', async () => {
    const uuid = await h.insertInstance()
    await h.build([uuid])
    const r = await h.waitFor(uuid, (i) => i.vm_state === 'active')
    const allocs = await h.ctx.db
      .selectFrom('allocations')
      .select(['resource_class', 'used'])
      .where('consumer_uuid', '=', uuid)
      .orderBy('resource_class')
      .execute()
    // No image: a boot from volume, whose root disk placement does not count.
    assert.deepEqual(allocs, [
      { resource_class: 'MEMORY_MB', used: 512 },
      { resource_class: 'VCPU', used: 1 },
    ])
    const used = async () =>
      (
        await h.ctx.db
          .selectFrom('compute_nodes')
          .select('memory_mb_used')
          .where('host', '=', r.host ?? '')
          .executeTakeFirstOrThrow()
      ).memory_mb_used
    // Node reports are sent after the fact: wait until the stored one is the driver's.
    const settled = async () => {
      const want = (await h.fake.getAvailableResource(r.node ?? '')).memoryMbUsed
      for (let i = 0; i < 200 && (await used()) !== want; i++)
        await new Promise((res) => setTimeout(res, 10))
      return used()
    }
    const whileUp = await settled()
    assert.ok(whileUp >= 512)
    await h.ctx.bus.call({ topic: 'compute', server: r.host ?? '' }, 'terminate_instance', {
      instanceUuid: uuid,
      requestId: 'req-del-alloc',
    })
    assert.deepEqual(
      await h.ctx.db
        .selectFrom('allocations')
        .select('id')
        .where('consumer_uuid', '=', uuid)
        .execute(),
      [],
    )
    assert.equal(await settled(), whileUp - 512, 'the node report after delete shows the RAM free')
  })

  it('syncs power state from driver events: a guest shutdown makes the server SHUTOFF', async () => {
    const uuid = await h.insertInstance()
    await h.build([uuid])
    await h.waitFor(uuid, (i) => i.vm_state === 'active')
    h.fake.simulatePowerState(uuid, PowerState.SHUTDOWN)
    const r = await h.waitFor(uuid, (i) => i.vm_state === 'stopped')
    assert.equal(r.power_state, PowerState.SHUTDOWN)
    assert.equal(serverStatus(r.vm_state, r.task_state), 'SHUTOFF')
    // A STOPPED server that comes back on by itself is powered off again (Nova's force_stop).
    h.fake.simulatePowerState(uuid, PowerState.RUNNING)
    for (let i = 0; i < 100; i++) {
      const info = await h.fake.getInfo({ uuid } as never)
      if (info.powerState === PowerState.SHUTDOWN) break
      await new Promise((res) => setTimeout(res, 10))
    }
    assert.equal((await h.fake.getInfo({ uuid } as never)).powerState, PowerState.SHUTDOWN)
    assert.equal((await h.waitFor(uuid, () => true)).vm_state, 'stopped')
  })

  it('follows power-update external events (2.76)', async () => {
    const uuid = await h.insertInstance()
    await h.build([uuid])
    const r = await h.waitFor(uuid, (i) => i.vm_state === 'active')
    const send = (tag: string) =>
      h.ctx.bus.call({ topic: 'compute', server: r.host ?? '' }, 'external_instance_event', {
        instanceUuid: uuid,
        requestId: `req-pu-${tag}`,
        events: [{ name: 'power-update', tag, status: 'completed' }],
      })
    await send('POWER_OFF')
    const off = await h.waitFor(uuid, () => true)
    assert.deepEqual([off.vm_state, off.power_state], ['stopped', PowerState.SHUTDOWN])
    await send('POWER_ON')
    const on = await h.waitFor(uuid, () => true)
    assert.deepEqual([on.vm_state, on.power_state], ['active', PowerState.RUNNING])
  })

  it('does not build a server deleted while it was being scheduled', async () => {
    const uuid = await h.insertInstance({}, { task_state: 'deleting' })
    await h.build([uuid])
    await new Promise((res) => setTimeout(res, 100))
    const r = await h.waitFor(uuid, () => true)
    assert.equal(r.host, null)
    assert.equal(r.vm_state, 'building')
    assert.deepEqual(
      await h.ctx.db
        .selectFrom('allocations')
        .select('id')
        .where('consumer_uuid', '=', uuid)
        .execute(),
      [],
    )
  })

  it('on restart, a server the hypervisor lost goes to ERROR with a fault', async () => {
    const uuid = await h.insertInstance()
    await h.build([uuid])
    const r0 = await h.waitFor(uuid, (i) => i.vm_state === 'active')
    // Two builds on the node: one the dead worker had started, one whose message still waits.
    const started = await h.insertInstance(
      {},
      { host: r0.host, node: r0.node, task_state: 'spawning' },
    )
    const queued = await h.insertInstance(
      {},
      { host: r0.host, node: r0.node, task_state: 'networking' },
    )
    // The compute service restarts on an empty fake hypervisor.
    await h.runtime.workers?.close()
    const again = await startComputeWorkers({
      bus: h.ctx.bus,
      compute: h.ctx.config.compute,
      driverConfig: {
        get: ((g: { name: string }) =>
          g.name === 'fake' ? h.ctx.config.fake : h.ctx.config.compute) as never,
      },
      logger: pino({ level: 'silent' }),
    })
    try {
      const r = await h.waitFor(uuid, (i) => i.vm_state === 'error')
      assert.match(JSON.parse(r.fault ?? '{}').message, /could not be found on the hypervisor/)
      await h.waitFor(started, (i) => i.vm_state === 'error')
      assert.equal((await h.waitFor(queued, () => true)).vm_state, 'building')
    } finally {
      await again.close()
    }
  })
})
