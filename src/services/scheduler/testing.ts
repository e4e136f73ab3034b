import { randomUUID } from 'node:crypto'
import { loadConfig } from '../../config/load.js'
import {
  computeGroup,
  filterSchedulerGroup,
  placementGroup,
  schedulerGroup,
} from '../../config/groups/index.js'
import { openDatabase, type DatabaseHandle, type Db } from '../../db/database.js'
import { migrateToLatest } from '../../db/migrate.js'
import { createTestDatabase, testDialect } from '../../db/testing.js'
import type { RequestSpec } from '../compute/rpc.js'
import { inventoryDefaultsFromConfig, syncProvider } from '../placement/inventory.js'
import type { NodeResources, SubHostResources } from '../../virt/driver.js'
import type { SchedulerConfig } from './scheduler-config.js'
import type { HostState } from './host-state.js'
import type { InventoryLimits } from '../placement/capacity.js'

/**
 * Test fixtures for placement and the scheduler: a migrated database (SQLite
 * in memory, or PostgreSQL with NUBIS_TEST_DB=postgres), compute nodes as the
 * conductor would record them, and request specs.
 */
export async function openSchedulerTestDb(): Promise<
  DatabaseHandle & { dispose(): Promise<void> }
> {
  // NUBIS_TEST_DB=postgres without a server URL: fall back to SQLite rather than fail.
  const t =
    testDialect() === 'postgres' && !process.env['NUBIS_TEST_POSTGRES_URL']
      ? { connection: 'sqlite://', drop: async () => {} }
      : await createTestDatabase()
  const handle = openDatabase({ connection: t.connection, maxPoolSize: 30 })
  await migrateToLatest(handle)
  return {
    ...handle,
    async dispose() {
      await handle.close()
      // NOTE: pg's Pool.end() resolves before its sockets are closed; dropping the
      // database WITH (FORCE) at once makes those closing clients emit uncaught errors.
      if (handle.dialect === 'postgres') await new Promise((r) => setTimeout(r, 200))
      await t.drop()
    },
  }
}

/** Config with defaults plus `overrides` ({group: {option: 'value'}}), as the INI would give. */
export function schedulerTestConfig(
  overrides: Record<string, Record<string, string>> = {},
): SchedulerConfig {
  const c = loadConfig({
    env: {},
    overrides,
    groups: [computeGroup, filterSchedulerGroup, schedulerGroup, placementGroup],
  })
  return {
    compute: c.get(computeGroup),
    filterScheduler: c.get(filterSchedulerGroup),
    scheduler: c.get(schedulerGroup),
    placement: c.get(placementGroup),
  }
}

export interface TestNode {
  readonly host: string
  readonly nodename?: string
  readonly vcpus?: number
  readonly memoryMb?: number
  readonly localGb?: number
  readonly hypervisorType?: string
  readonly hypervisorVersion?: number
  readonly supportedInstances?: ReadonlyArray<readonly [string, string, string]>
  readonly cpuInfo?: Record<string, unknown>
  readonly subHosts?: readonly SubHostResources[]
  /** Service heartbeat (default now); null = never seen. */
  readonly lastSeenUp?: string | null
  readonly disabled?: boolean
  readonly forcedDown?: boolean
}

/** Records a node as the conductor does (service, compute_nodes row, placement provider); answers its uuid. */
export async function addTestNode(
  db: Db,
  config: SchedulerConfig,
  node: TestNode,
): Promise<string> {
  const uuid = randomUUID()
  const now = new Date().toISOString()
  const nodename = node.nodename ?? node.host
  const resources: NodeResources = {
    nodename,
    hypervisorType: node.hypervisorType ?? 'fake',
    hypervisorVersion: node.hypervisorVersion ?? 1000,
    hypervisorHostname: nodename,
    hostIp: '127.0.0.1',
    vcpus: node.vcpus ?? 16,
    vcpusUsed: 0,
    memoryMb: node.memoryMb ?? 32768,
    memoryMbUsed: 0,
    localGb: node.localGb ?? 1000,
    localGbUsed: 0,
    cpuInfo: node.cpuInfo ?? { arch: 'x86_64', vendor: 'fake' },
    supportedInstances: node.supportedInstances ?? [['x86_64', 'fake', 'hvm']],
    traits: ['COMPUTE_NET_ATTACH_INTERFACE'],
    ...(node.subHosts ? { subHosts: node.subHosts } : {}),
  }
  const existing = await db
    .selectFrom('compute_services')
    .select('id')
    .where('host', '=', node.host)
    .executeTakeFirst()
  if (!existing)
    await db
      .insertInto('compute_services')
      .values({
        uuid: randomUUID(),
        host: node.host,
        binary: 'nova-compute',
        topic: 'compute',
        disabled: node.disabled ? 1 : 0,
        disabled_reason: node.disabled ? 'test' : null,
        forced_down: node.forcedDown ? 1 : 0,
        last_seen_up: node.lastSeenUp === undefined ? now : node.lastSeenUp,
        report_count: 1,
        version: 1,
        created_at: now,
        updated_at: now,
      })
      .execute()
  await db
    .insertInto('compute_nodes')
    .values({
      uuid,
      host: node.host,
      nodename,
      hypervisor_hostname: nodename,
      hypervisor_type: resources.hypervisorType,
      hypervisor_version: resources.hypervisorVersion,
      host_ip: resources.hostIp,
      vcpus: resources.vcpus,
      vcpus_used: 0,
      memory_mb: resources.memoryMb,
      memory_mb_used: 0,
      local_gb: resources.localGb,
      local_gb_used: 0,
      running_vms: 0,
      cpu_info: JSON.stringify(resources.cpuInfo),
      supported_instances: JSON.stringify(resources.supportedInstances),
      traits: JSON.stringify(resources.traits),
      sub_hosts: JSON.stringify(resources.subHosts ?? []),
      created_at: now,
      updated_at: now,
    })
    .execute()
  await syncProvider(
    db,
    { uuid, name: nodename, resources, host: node.host },
    inventoryDefaultsFromConfig(config.placement),
  )
  return uuid
}

/** Puts `host` into a new aggregate with `metadata`. */
export async function addTestAggregate(
  db: Db,
  name: string,
  hosts: readonly string[],
  metadata: Record<string, string>,
): Promise<void> {
  const now = new Date().toISOString()
  const row = await db
    .insertInto('aggregates')
    .values({ uuid: randomUUID(), name, created_at: now, updated_at: now })
    .returning('id')
    .executeTakeFirstOrThrow()
  for (const host of hosts)
    await db.insertInto('aggregate_hosts').values({ aggregate_id: row.id, host }).execute()
  for (const [key, value] of Object.entries(metadata))
    await db.insertInto('aggregate_metadata').values({ aggregate_id: row.id, key, value }).execute()
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] }

export type TestSpecOverrides = {
  -readonly [K in keyof RequestSpec as K extends 'flavor' ? never : K]?: RequestSpec[K] | undefined
} & { flavor?: Partial<RequestSpec['flavor']> }

/** A request spec for one small server; override what the test is about (image: undefined drops it). */
export function testSpec(overrides: TestSpecOverrides = {}): RequestSpec {
  const { flavor, ...given } = overrides
  const rest = Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined))
  const base: RequestSpec = {
    projectId: 'p1',
    userId: 'u1',
    schedulerHints: {},
    requestedNetworks: 'none',
    securityGroups: [],
    numInstances: 1,
    image: { id: 'img', properties: {} },
    ...rest,
    flavor: {
      id: '1',
      name: 'm1.small',
      vcpus: 1,
      memoryMb: 1024,
      rootGb: 10,
      ephemeralGb: 0,
      swapMb: 0,
      extraSpecs: {},
      ...flavor,
    },
  }
  if ('image' in overrides && overrides.image === undefined) {
    const noImage: Mutable<RequestSpec> = { ...base }
    delete noImage.image
    return noImage
  }
  return base
}

/** An in-memory HostState for filter/weigher unit tests (placement inventory with default ratios). */
export function fakeHostState(
  over: Partial<Omit<HostState, 'aggregateMetadata'>> & {
    metadata?: Record<string, string>
  } = {},
): HostState {
  const { metadata, ...rest } = over
  const vcpus = rest.vcpus ?? 8
  const memoryMb = rest.memoryMb ?? 16384
  const localGb = rest.localGb ?? 500
  const meta = new Map(Object.entries(metadata ?? {}).map(([k, v]) => [k, [v]]))
  return {
    host: 'h1',
    nodename: 'h1',
    uuid: randomUUID(),
    hypervisorType: 'fake',
    hypervisorVersion: 1000,
    hypervisorHostname: 'h1',
    hostIp: '127.0.0.1',
    cpuInfo: { arch: 'x86_64', vendor: 'fake' },
    supportedInstances: [['x86_64', 'fake', 'hvm']],
    traits: [],
    service: { disabled: false, disabledReason: null, forcedDown: false, lastSeenUpMs: Date.now() },
    inventory: {
      VCPU: inv(vcpus, 0, 16),
      MEMORY_MB: inv(memoryMb, 512, 1.5),
      DISK_GB: inv(localGb, 0, 1),
    },
    used: {},
    aggregates: [],
    availabilityZones: meta.get('availability_zone') ?? ['nova'],
    subHosts: [],
    reportedAtMs: Date.now(),
    failedBuilds: 0,
    numInstances: 0,
    ...rest,
    vcpus,
    memoryMb,
    localGb,
    aggregateMetadata: meta,
  }
}

function inv(total: number, reserved: number, ratio: number): InventoryLimits {
  return { total, reserved, min_unit: 1, max_unit: total, step_size: 1, allocation_ratio: ratio }
}
