import { randomUUID } from 'node:crypto'
import { performance } from 'node:perf_hooks'
import { loadConfig } from '../config/load.js'
import {
  computeGroup,
  filterSchedulerGroup,
  placementGroup,
  schedulerGroup,
} from '../config/groups/index.js'
import { openDatabase, type Db } from '../db/database.js'
import { migrateToLatest } from '../db/migrate.js'
import type { RequestSpec } from '../services/compute/rpc.js'
import { createFilterScheduler } from '../services/scheduler/index.js'
import { loadHostStates } from '../services/scheduler/host-state-loader.js'

export interface SchedulerBenchPoint {
  readonly nodes: number
  /** Scheduling requests timed (one instance each, claimed then released). */
  readonly requests: number
  /** Loading every host state without the scheduler's cache (one query per table), median ms. */
  readonly coldLoadP50Ms: number
  /** Filters + weighers for one instance, median and 95th percentile ms. */
  readonly decideP50Ms: number
  readonly decideP95Ms: number
  /** Whole select_destinations (cached load, decide, claim), median and 95th percentile ms. */
  readonly selectP50Ms: number
  readonly selectP95Ms: number
}

const pct = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.floor((s.length - 1) * p))] ?? 0
}

/**
 * Scheduling decision time against in-memory SQLite with `sizes` compute nodes
 * (default 1,000 and 10,000), every node with its service, placement
 * inventories, some usage and an aggregate for a tenth of the hosts; the
 * default filters and weighers of [filter_scheduler].
 */
export async function benchScheduler(
  sizes: readonly number[] = [1_000, 10_000],
  requests = 20,
): Promise<SchedulerBenchPoint[]> {
  const c = loadConfig({
    env: {},
    groups: [computeGroup, filterSchedulerGroup, schedulerGroup, placementGroup],
  })
  const config = {
    compute: c.get(computeGroup),
    filterScheduler: c.get(filterSchedulerGroup),
    scheduler: c.get(schedulerGroup),
    placement: c.get(placementGroup),
  }
  const out: SchedulerBenchPoint[] = []
  for (const n of sizes) {
    const handle = openDatabase({ connection: 'sqlite://' })
    try {
      await migrateToLatest(handle)
      await populateBenchNodes(handle.db, n)
      const loads: number[] = []
      const decisions: number[] = []
      const selects: number[] = []
      const scheduler = createFilterScheduler(handle.db, config, {
        onDecision: (ms) => decisions.push(ms),
      })
      const spec: RequestSpec = {
        projectId: 'bench',
        userId: 'bench',
        flavor: {
          id: '2',
          name: 'm1.small',
          vcpus: 1,
          memoryMb: 2048,
          rootGb: 20,
          ephemeralGb: 0,
          swapMb: 0,
          extraSpecs: {},
        },
        image: { id: 'img', properties: { architecture: 'x86_64' } },
        availabilityZone: 'nova',
        schedulerHints: {},
        requestedNetworks: 'none',
        securityGroups: [],
        numInstances: 1,
      }
      for (let i = 0; i < 3; i++) {
        const t = performance.now()
        await loadHostStates(handle.db, config.compute.default_availability_zone)
        loads.push(performance.now() - t)
      }
      for (let i = 0; i < requests; i++) {
        const t = performance.now()
        await scheduler.selectDestinations(spec, [randomUUID()])
        selects.push(performance.now() - t)
      }
      out.push({
        nodes: n,
        requests,
        coldLoadP50Ms: pct(loads, 0.5),
        decideP50Ms: pct(decisions, 0.5),
        decideP95Ms: pct(decisions, 0.95),
        selectP50Ms: pct(selects, 0.5),
        selectP95Ms: pct(selects, 0.95),
      })
    } finally {
      await handle.close()
    }
  }
  return out
}

/** n nodes on n hosts, bulk-inserted in batches (the conductor would sync them one by one). */
export async function populateBenchNodes(db: Db, n: number): Promise<void> {
  const now = new Date().toISOString()
  const batch = 200
  for (let start = 0; start < n; start += batch) {
    const ids = Array.from({ length: Math.min(batch, n - start) }, (_, k) => start + k)
    const nodes = ids.map((i) => ({ i, uuid: randomUUID(), host: `bench-${i}` }))
    await db
      .insertInto('compute_services')
      .values(
        nodes.map((x) => ({
          uuid: randomUUID(),
          host: x.host,
          binary: 'nova-compute',
          topic: 'compute',
          disabled: x.i % 50 === 0 ? (1 as const) : (0 as const),
          disabled_reason: null,
          forced_down: 0 as const,
          last_seen_up: now,
          report_count: 1,
          version: 1,
          created_at: now,
          updated_at: now,
        })),
      )
      .execute()
    await db
      .insertInto('compute_nodes')
      .values(
        nodes.map((x) => ({
          uuid: x.uuid,
          host: x.host,
          nodename: x.host,
          hypervisor_hostname: x.host,
          hypervisor_type: 'fake',
          hypervisor_version: 1000,
          host_ip: '127.0.0.1',
          vcpus: 32,
          vcpus_used: 0,
          memory_mb: 131072,
          memory_mb_used: 0,
          local_gb: 2000,
          local_gb_used: 0,
          running_vms: 0,
          cpu_info: '{"arch":"x86_64"}',
          supported_instances: '[["x86_64","fake","hvm"]]',
          traits: '[]',
          sub_hosts: '[]',
          created_at: now,
          updated_at: now,
        })),
      )
      .execute()
    await db
      .insertInto('resource_providers')
      .values(
        nodes.map((x) => ({
          uuid: x.uuid,
          name: x.host,
          generation: 1,
          root_provider_uuid: x.uuid,
          parent_provider_uuid: null,
          created_at: now,
          updated_at: now,
        })),
      )
      .execute()
    await db
      .insertInto('inventories')
      .values(
        nodes.flatMap((x) => [
          inv(x.uuid, 'VCPU', 32, 0, 16, now),
          inv(x.uuid, 'MEMORY_MB', 131072, 512, 1.5, now),
          inv(x.uuid, 'DISK_GB', 2000, 0, 1, now),
        ]),
      )
      .execute()
    // Some usage on every third node, so the weighers have differences to sort.
    const used = nodes.filter((x) => x.i % 3 === 0)
    if (used.length > 0)
      await db
        .insertInto('allocations')
        .values(
          used.flatMap((x) =>
            (
              [
                ['VCPU', 1 + (x.i % 7)],
                ['MEMORY_MB', 1024 * (1 + (x.i % 11))],
                ['DISK_GB', 10 * (1 + (x.i % 5))],
              ] as const
            ).map(([cls, amount]) => ({
              consumer_uuid: `seed-${x.i}`,
              resource_provider_uuid: x.uuid,
              resource_class: cls,
              used: amount,
              project_id: 'bench',
              user_id: 'bench',
              created_at: now,
            })),
          ),
        )
        .execute()
  }
  // A tenth of the hosts in another availability zone.
  const agg = await db
    .insertInto('aggregates')
    .values({ uuid: randomUUID(), name: 'bench-az2', created_at: now, updated_at: now })
    .returning('id')
    .executeTakeFirstOrThrow()
  await db
    .insertInto('aggregate_metadata')
    .values({ aggregate_id: agg.id, key: 'availability_zone', value: 'az2' })
    .execute()
  for (let start = 0; start < n; start += 10 * batch) {
    const hosts = Array.from({ length: Math.min(10 * batch, n - start) }, (_, k) => start + k)
      .filter((i) => i % 10 === 5)
      .map((i) => ({ aggregate_id: agg.id, host: `bench-${i}` }))
    if (hosts.length > 0) await db.insertInto('aggregate_hosts').values(hosts).execute()
  }
}

function inv(
  uuid: string,
  cls: string,
  total: number,
  reserved: number,
  ratio: number,
  now: string,
) {
  return {
    resource_provider_uuid: uuid,
    resource_class: cls,
    total,
    reserved,
    min_unit: 1,
    max_unit: total,
    step_size: 1,
    allocation_ratio: ratio,
    updated_at: now,
  }
}
