import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { RequestSpec } from '../compute/rpc.js'
import { claim } from '../placement/index.js'
import { startBootHarness, type BootHarness } from './testing.js'

/** Placement usage on a node so the RAM weigher ranks it lower. */
async function occupy(h: BootHarness, host: string, memoryMb: number): Promise<void> {
  const node = await h.ctx.db
    .selectFrom('compute_nodes')
    .select('uuid')
    .where('host', '=', host)
    .executeTakeFirstOrThrow()
  const ok = await claim(
    h.ctx.db,
    `ballast-${host}`,
    node.uuid,
    { MEMORY_MB: memoryMb },
    {
      projectId: 'ballast',
      userId: 'ballast',
    },
  )
  assert.ok(ok)
}

const allocationsOf = (h: BootHarness, uuid: string) =>
  h.ctx.db.selectFrom('allocations').selectAll().where('consumer_uuid', '=', uuid).execute()

describe('reschedule on build failure (RetryFilter, alternates, max_attempts)', () => {
  let h: BootHarness
  before(async () => {
    h = await startBootHarness({
      NUBIS_FAKE__NODES: '3',
      NUBIS_FAKE__HOST_PREFIX: 'rs',
      NUBIS_FAKE__FAIL_SPAWN_ON: 'rs-1',
    })
    // rs-1 (whose spawns fail) has the most free RAM, so the scheduler tries it first.
    await occupy(h, 'rs-2', 4096)
    await occupy(h, 'rs-3', 8192)
  })
  after(async () => h?.close())

  it('retries on the next alternate: ACTIVE elsewhere, the failed host in retry', async () => {
    const uuid = await h.insertInstance()
    const requestId = await h.build([uuid])
    const r = await h.waitFor(uuid, (i) => i.vm_state === 'active')
    assert.equal(r.host, 'rs-2')
    const spec = JSON.parse(r.request_spec) as RequestSpec
    assert.deepEqual(spec.retry, { numAttempts: 2, hosts: [['rs-1', 'rs-1']] })
    const allocs = await allocationsOf(h, uuid)
    const rs2 = await h.ctx.db
      .selectFrom('compute_nodes')
      .select('uuid')
      .where('host', '=', 'rs-2')
      .executeTakeFirstOrThrow()
    assert.ok(allocs.length > 0)
    assert.ok(
      allocs.every((a) => a.resource_provider_uuid === rs2.uuid),
      'allocation moved to rs-2',
    )
    assert.equal((await h.fake.listInstances('rs-1')).length, 0, 'failed spawn cleaned up')
    // The worker finishes its event just after it saved the server ACTIVE.
    const eventsOf = () =>
      h.ctx.db
        .selectFrom('instance_action_events as e')
        .innerJoin('instance_actions as a', 'a.id', 'e.action_id')
        .select(['e.event', 'e.result', 'e.host'])
        .where('a.request_id', '=', requestId)
        .orderBy('e.id')
        .execute()
    let events = await eventsOf()
    for (let i = 0; i < 200 && events.some((e) => e.result === null); i++) {
      await new Promise((res) => setTimeout(res, 10))
      events = await eventsOf()
    }
    assert.deepEqual(
      events
        .filter((e) => e.event === 'compute__do_build_and_run_instance')
        .map((e) => [e.host, e.result]),
      [
        ['rs-1', 'Error'],
        ['rs-2', 'Success'],
      ],
    )
  })

  it('puts the server in ERROR with a fault when every attempt fails, and frees placement', async () => {
    h.fake.setFailSpawnOn(['rs-1', 'rs-2', 'rs-3'])
    try {
      const uuid = await h.insertInstance()
      await h.build([uuid])
      const r = await h.waitFor(uuid, (i) => i.vm_state === 'error')
      assert.equal(r.task_state, null)
      assert.equal(r.host, null)
      const fault = JSON.parse(r.fault ?? '{}') as {
        code: number
        message: string
        details: string
      }
      assert.equal(fault.code, 500)
      assert.equal(
        fault.message,
        `Exceeded maximum number of retries. Exhausted all hosts available for retrying build failures for instance ${uuid}.`,
      )
      assert.match(fault.details, /fake spawn failure injected on node rs-/)
      const spec = JSON.parse(r.request_spec) as RequestSpec
      assert.equal(spec.retry?.hosts.length, 3, 'max_attempts (3) attempts were made')
      assert.deepEqual(await allocationsOf(h, uuid), [])
    } finally {
      h.fake.setFailSpawnOn(['rs-1'])
    }
  })

  it('puts the server in ERROR with NoValidHost when nothing fits', async () => {
    const uuid = await h.insertInstance({
      flavor: {
        id: 'huge',
        name: 'huge',
        vcpus: 1,
        memoryMb: 10_000_000,
        rootGb: 1,
        ephemeralGb: 0,
        swapMb: 0,
        extraSpecs: {},
      },
    })
    const requestId = await h.build([uuid])
    const r = await h.waitFor(uuid, (i) => i.vm_state === 'error')
    assert.equal(r.task_state, null)
    const fault = JSON.parse(r.fault ?? '{}') as { code: number; message: string }
    assert.equal(fault.code, 500)
    assert.match(fault.message, /^No valid host was found\. /)
    const ev = await h.ctx.db
      .selectFrom('instance_action_events as e')
      .innerJoin('instance_actions as a', 'a.id', 'e.action_id')
      .select(['e.event', 'e.result', 'a.message'])
      .where('a.request_id', '=', requestId)
      .execute()
    assert.deepEqual(ev, [
      { event: 'conductor_schedule_and_build_instances', result: 'Error', message: 'Error' },
    ])
  })
})
