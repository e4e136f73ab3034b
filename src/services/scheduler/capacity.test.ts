import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { after, before, describe, it } from 'node:test'
import pino from 'pino'
import type { Subscription } from '../../bus/bus.js'
import { InProcessBus } from '../../bus/in-process/in-process-bus.js'
import type { DatabaseHandle } from '../../db/database.js'
import type { ComputeContext } from '../compute/compute-context.js'
import { SCHEDULER_TOPIC, type Selection } from '../compute/rpc.js'
import { deleteAllocations, providerCapacity } from '../placement/index.js'
import { isNoValidHost } from './errors.js'
import { startScheduler } from './index.js'
import { addTestNode, openSchedulerTestDb, schedulerTestConfig, testSpec } from './testing.js'

/**
 * Capacity under concurrency, on SQLite or (NUBIS_TEST_DB=postgres with
 * NUBIS_TEST_POSTGRES_URL) PostgreSQL: four nodes hold exactly 150 servers of
 * 1 vCPU / 1024 MB / 10 GB once allocation ratios are applied, each bound by a
 * different class; 200 requests, 20 in flight, two scheduler workers.
 */
describe('scheduler capacity under concurrency', () => {
  const config = schedulerTestConfig()
  let h: DatabaseHandle & { dispose(): Promise<void> }
  before(async () => {
    h = await openSchedulerTestDb()
  })
  after(async () => {
    await h.dispose()
  })

  it('200 requests for 150 slots: exactly 150 succeed, 50 NoValidHost, nothing over capacity', async () => {
    const nodes = [
      // RAM-bound: (21092 - 512) * 1.5 = 30870 MB → 30
      { host: 'cap-ram-a', vcpus: 8, memoryMb: 21092, localGb: 1000 },
      // RAM-bound: (24406 - 512) * 1.5 = 35841 MB → 35
      { host: 'cap-ram-b', vcpus: 8, memoryMb: 24406, localGb: 1000 },
      // disk-bound: 535 GB * 1.0 → 53
      { host: 'cap-disk', vcpus: 8, memoryMb: 131072, localGb: 535 },
      // CPU-bound: 2 vCPUs * 16 → 32
      { host: 'cap-cpu', vcpus: 2, memoryMb: 131072, localGb: 1000 },
    ]
    const uuids: string[] = []
    for (const n of nodes) uuids.push(await addTestNode(h.db, config, n))

    const bus = await InProcessBus.create()
    const ctx = {
      db: h.db,
      bus,
      config,
      logger: pino({ level: 'silent' }),
    } as unknown as ComputeContext
    const subs: Subscription[] = [
      await startScheduler(ctx, { server: 'sched-a' }),
      await startScheduler(ctx, { server: 'sched-b' }),
    ]
    const placed: string[] = []
    let noValidHost = 0
    let other = 0
    try {
      const queue = Array.from({ length: 200 }, () => randomUUID())
      const worker = async (): Promise<void> => {
        for (let uuid = queue.shift(); uuid !== undefined; uuid = queue.shift()) {
          try {
            const res = (await bus.call({ topic: SCHEDULER_TOPIC }, 'select_destinations', {
              spec: testSpec() as never,
              instanceUuids: [uuid],
            })) as unknown as Selection[][]
            assert.equal(res.length, 1)
            placed.push(uuid)
          } catch (err) {
            if (isNoValidHost(err)) noValidHost++
            else other++
          }
        }
      }
      await Promise.all(Array.from({ length: 20 }, worker))
    } finally {
      for (const s of subs) await s.close()
      await bus.close()
    }
    assert.equal(other, 0)
    assert.equal(placed.length, 150)
    assert.equal(noValidHost, 50)
    const expected = [30, 35, 53, 32]
    for (const [i, uuid] of uuids.entries()) {
      const cap = await providerCapacity(h.db, uuid)
      assert.ok(cap)
      for (const c of Object.values(cap.classes)) assert.ok(c.used <= c.capacity)
      assert.equal(cap.classes['VCPU']?.used, expected[i])
    }

    for (const uuid of placed) await deleteAllocations(h.db, uuid)
    for (const uuid of uuids) {
      const cap = await providerCapacity(h.db, uuid)
      for (const c of Object.values(cap?.classes ?? {})) assert.equal(c.used, 0)
    }
    const left = await h.db
      .selectFrom('allocations')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .executeTakeFirstOrThrow()
    assert.equal(Number(left.n), 0)
  })
})
