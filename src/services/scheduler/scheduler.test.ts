import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { after, before, describe, it } from 'node:test'
import pino from 'pino'
import { InProcessBus } from '../../bus/in-process/in-process-bus.js'
import type { DatabaseHandle } from '../../db/database.js'
import type { ComputeContext } from '../compute/compute-context.js'
import { SCHEDULER_TOPIC, type RequestSpec, type Selection } from '../compute/rpc.js'
import { consumerAllocations, usages } from '../placement/index.js'
import { isNoValidHost, NO_VALID_HOST_MESSAGE, NoValidHostError } from './errors.js'
import { createFilterScheduler } from './filter-scheduler.js'
import { startScheduler } from './index.js'
import {
  addTestAggregate,
  addTestNode,
  openSchedulerTestDb,
  schedulerTestConfig,
  testSpec,
} from './testing.js'

const config = schedulerTestConfig()
const GB = 1024

describe('filter scheduler', () => {
  let h: DatabaseHandle & { dispose(): Promise<void> }
  before(async () => {
    h = await openSchedulerTestDb()
  })
  after(async () => {
    await h.dispose()
  })

  /** Scenarios share one database: each ignores the hosts other scenarios added. */
  async function isolate(prefix: string): Promise<string[]> {
    const rows = await h.db.selectFrom('compute_nodes').select('host').execute()
    return rows.map((r) => r.host).filter((x) => !x.startsWith(prefix))
  }

  it("seed 002's example: six hosts, Host2 (no RAM) and Host4 (other AZ) filtered out, Host5 weighs most", async () => {
    const mem = {
      Host1: 8 * GB,
      Host2: 2 * GB,
      Host3: 12 * GB,
      Host4: 64 * GB,
      Host5: 32 * GB,
      Host6: 16 * GB,
    }
    for (const [host, memoryMb] of Object.entries(mem))
      await addTestNode(h.db, config, { host, memoryMb })
    await addTestAggregate(h.db, 'rack-b', ['Host4'], { availability_zone: 'az-b' })
    const scheduler = createFilterScheduler(h.db, config)
    const uuid = randomUUID()
    const spec = testSpec({
      availabilityZone: 'nova',
      flavor: { memoryMb: 4 * GB },
      ignoreHosts: await isolate('Host'),
    })
    const [sel] = await scheduler.selectDestinations(spec, [uuid])
    assert.ok(sel)
    assert.equal(sel[0]?.host, 'Host5')
    // alternates: the next best of the survivors, max_attempts 3 → 2 of them
    assert.deepEqual(
      sel.slice(1).map((s) => s.host),
      ['Host6', 'Host3'],
    )
    assert.deepEqual(sel[0]?.resources, { VCPU: 1, MEMORY_MB: 4096, DISK_GB: 10 })
    const allocs = await consumerAllocations(h.db, uuid)
    assert.deepEqual(Object.values(allocs), [{ VCPU: 1, MEMORY_MB: 4096, DISK_GB: 10 }])
    assert.equal(Object.keys(allocs)[0], sel[0]?.providerUuid)
    // only the primary is claimed
    assert.deepEqual(await usages(h.db, sel[1]?.providerUuid ?? ''), {})
  })

  it('anti-affinity spreads the members of one request; too many members fail all-or-nothing', async () => {
    for (const host of ['aa1', 'aa2', 'aa3']) await addTestNode(h.db, config, { host })
    const scheduler = createFilterScheduler(h.db, config)
    const group = {
      uuid: 'g1',
      policy: 'anti-affinity',
      rules: {},
      hosts: [],
      memberCountByHost: {},
    }
    const spec = testSpec({ instanceGroup: group, ignoreHosts: await isolate('aa') })
    const three = [randomUUID(), randomUUID(), randomUUID()]
    const sels = await scheduler.selectDestinations(spec, three)
    assert.deepEqual(new Set(sels.map((s) => s[0]?.host)), new Set(['aa1', 'aa2', 'aa3']))

    const four = [randomUUID(), randomUUID(), randomUUID(), randomUUID()]
    await assert.rejects(scheduler.selectDestinations(spec, four), (err: unknown) => {
      assert.ok(err instanceof NoValidHostError)
      assert.equal(err.code, 'NoValidHost')
      assert.ok(err.message.startsWith(NO_VALID_HOST_MESSAGE))
      assert.match(err.message, /ServerGroupAntiAffinityFilter/)
      return true
    })
    for (const u of four) assert.deepEqual(await consumerAllocations(h.db, u), {})
    // with max_server_per_host 2, six fit on three hosts
    const six = Array.from({ length: 6 }, () => randomUUID())
    const two = testSpec({
      instanceGroup: { ...group, rules: { max_server_per_host: 2 } },
      ignoreHosts: await isolate('aa'),
    })
    const res = await scheduler.selectDestinations(two, six)
    const perHost = new Map<string, number>()
    for (const s of res) perHost.set(s[0]?.host ?? '', (perHost.get(s[0]?.host ?? '') ?? 0) + 1)
    assert.deepEqual([...perHost.values()], [2, 2, 2])
  })

  it('affinity keeps the members of one request together; consumed capacity updates between them', async () => {
    await addTestNode(h.db, config, { host: 'af1', memoryMb: 512 + 4 * GB })
    await addTestNode(h.db, config, { host: 'af2', memoryMb: 512 + 4 * GB })
    const scheduler = createFilterScheduler(h.db, config)
    const group = { uuid: 'g2', policy: 'affinity', rules: {}, hosts: [], memberCountByHost: {} }
    const spec = testSpec({
      instanceGroup: group,
      flavor: { memoryMb: 2 * GB },
      ignoreHosts: await isolate('af'),
    })
    const res = await scheduler.selectDestinations(spec, [randomUUID(), randomUUID(), randomUUID()])
    assert.equal(new Set(res.map((s) => s[0]?.host)).size, 1)
    // capacity (4096 * 1.5) / 2048 = 3 per host: the 4th member has no room next to the others
    await assert.rejects(
      scheduler.selectDestinations(
        { ...spec, instanceGroup: { ...group, hosts: [res[0]?.[0]?.host ?? ''] } },
        [randomUUID()],
      ),
      (err: unknown) => isNoValidHost(err) && /RamFilter/.test((err as Error).message),
    )
  })

  it('host_subset_size draws the primary among the N best hosts', async () => {
    for (const [host, memoryMb] of [
      ['ss1', 8 * GB],
      ['ss2', 16 * GB],
      ['ss3', 32 * GB],
    ] as const)
      await addTestNode(h.db, config, { host, memoryMb })
    const cfg = schedulerTestConfig({
      filter_scheduler: { host_subset_size: '2', weight_classes: 'RAMWeigher' },
    })
    const spec = testSpec({ ignoreHosts: await isolate('ss') })
    const pick = async (r: number) =>
      (
        await createFilterScheduler(h.db, cfg, { random: () => r }).selectDestinations(spec, [
          randomUUID(),
        ])
      )[0]?.[0]?.host
    assert.equal(await pick(0), 'ss3')
    assert.equal(await pick(0.99), 'ss2')
  })

  it('a forced host bypasses the filters but must exist', async () => {
    await addTestNode(h.db, config, { host: 'forced1', disabled: true })
    const scheduler = createFilterScheduler(h.db, config)
    const [sel] = await scheduler.selectDestinations(
      testSpec({ availabilityZone: 'nova:forced1' }),
      [randomUUID()],
    )
    assert.equal(sel?.[0]?.host, 'forced1')
    await assert.rejects(
      scheduler.selectDestinations(testSpec({ forceHost: 'nowhere' }), [randomUUID()]),
      (err: unknown) => isNoValidHost(err) && /host nowhere/.test((err as Error).message),
    )
  })

  it('a vmware image never lands on a fake node; it does on a vmware node', async () => {
    await addTestNode(h.db, config, { host: 'vcfake' })
    const scheduler = createFilterScheduler(h.db, config)
    const spec = testSpec({
      image: { id: 'vmdk', properties: { hypervisor_type: 'vmware' } },
      ignoreHosts: await isolate('vc'),
    })
    await assert.rejects(scheduler.selectDestinations(spec, [randomUUID()]), (err: unknown) =>
      /ImagePropertiesFilter/.test((err as Error).message),
    )
    await addTestNode(h.db, config, {
      host: 'vc1',
      hypervisorType: 'VMware vCenter Server',
      supportedInstances: [['x86_64', 'vmware', 'hvm']],
    })
    const [sel] = await scheduler.selectDestinations(spec, [randomUUID()])
    assert.equal(sel?.[0]?.host, 'vc1')
  })

  it('sub-hosts: the selection names one, placements consume it, a fragmented cluster says why', async () => {
    const sub = (name: string) => ({
      name,
      state: 'up' as const,
      vcpus: 8,
      vcpusUsed: 0,
      memoryMb: 8 * GB,
      memoryMbUsed: 0,
    })
    await addTestNode(h.db, config, {
      host: 'vcenter',
      nodename: 'domain-c7',
      vcpus: 16,
      memoryMb: 64 * GB,
      subHosts: [sub('esx-a'), sub('esx-b')],
    })
    const scheduler = createFilterScheduler(h.db, config)
    const spec = testSpec({ flavor: { memoryMb: 6 * GB }, ignoreHosts: await isolate('vcenter') })
    const res = await scheduler.selectDestinations(spec, [randomUUID(), randomUUID()])
    assert.deepEqual(new Set(res.map((s) => s[0]?.subHost)), new Set(['esx-a', 'esx-b']))
    // the node has not reported since: a later request still sees both ESXi hosts taken
    await assert.rejects(scheduler.selectDestinations(spec, [randomUUID()]), (err: unknown) =>
      /no single host in cluster domain-c7 can hold 6144 MB/.test((err as Error).message),
    )
    // a newer report (esx-a emptied meanwhile) supersedes what the scheduler remembered
    await h.db
      .updateTable('compute_nodes')
      .set({
        sub_hosts: JSON.stringify([sub('esx-a'), { ...sub('esx-b'), memoryMbUsed: 6 * GB }]),
        updated_at: new Date(Date.now() + 1000).toISOString(),
      })
      .where('host', '=', 'vcenter')
      .execute()
    const [again] = await scheduler.selectDestinations(spec, [randomUUID()])
    assert.equal(again?.[0]?.subHost, 'esx-a')
  })

  it('over the bus: select_destinations answers selections, NoValidHost stays recognisable, build failures weigh', async () => {
    const bus = await InProcessBus.create()
    const ctx = {
      db: h.db,
      bus,
      config,
      logger: pino({ level: 'silent' }),
    } as unknown as ComputeContext
    const sub = await startScheduler(ctx, { server: 'sched-test' })
    try {
      await addTestNode(h.db, config, { host: 'bus1', memoryMb: 64 * GB })
      await addTestNode(h.db, config, { host: 'bus2', memoryMb: 32 * GB })
      const ignoreHosts = await isolate('bus')
      const call = (spec: RequestSpec) =>
        bus.call({ topic: SCHEDULER_TOPIC }, 'select_destinations', {
          spec: spec as never,
          instanceUuids: [randomUUID()],
        }) as unknown as Promise<Selection[][]>
      const first = await call(testSpec({ ignoreHosts }))
      assert.equal(first[0]?.[0]?.host, 'bus1')
      await bus.call({ topic: SCHEDULER_TOPIC }, 'record_build_failure', { host: 'bus1' })
      assert.equal((await call(testSpec({ ignoreHosts })))[0]?.[0]?.host, 'bus2')
      await bus.call({ topic: SCHEDULER_TOPIC }, 'reset_build_failures', { host: 'bus1' })
      assert.equal((await call(testSpec({ ignoreHosts })))[0]?.[0]?.host, 'bus1')

      await assert.rejects(
        call(testSpec({ ignoreHosts, flavor: { memoryMb: 512 * GB } })),
        (err: unknown) => {
          assert.equal(isNoValidHost(err), true)
          assert.equal((err as Error).name, 'NoValidHostError')
          assert.ok((err as Error).message.startsWith(NO_VALID_HOST_MESSAGE))
          assert.match((err as Error).message, /RamFilter/)
          return true
        },
      )
    } finally {
      await sub.close()
      await bus.close()
    }
  })

  it('startScheduler refuses an unknown filter name', async () => {
    const bus = await InProcessBus.create()
    const bad = schedulerTestConfig({ filter_scheduler: { enabled_filters: 'RamFilter,Bogus' } })
    const ctx = {
      db: h.db,
      bus,
      config: bad,
      logger: pino({ level: 'silent' }),
    } as unknown as ComputeContext
    await assert.rejects(startScheduler(ctx), /Bogus/)
    await bus.close()
  })
})
