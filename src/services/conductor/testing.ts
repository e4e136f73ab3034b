import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pino } from 'pino'
import type { Bus } from '../../bus/bus.js'
import { InProcessBus } from '../../bus/in-process/in-process-bus.js'
import { newUuid } from '../../common/ids.js'
import {
  computeGroup,
  computeQuotaGroup,
  defaultGroup,
  fakeDriverGroup,
  filterSchedulerGroup,
  glanceStoreGroup,
  imageConversionGroup,
  imageGroup,
  ml2Group,
  ml2TypeFlatGroup,
  ml2TypeGreGroup,
  ml2TypeVlanGroup,
  ml2TypeVxlanGroup,
  networkQuotasGroup,
  placementGroup,
  schedulerGroup,
} from '../../config/groups/index.js'
import { loadConfig } from '../../config/load.js'
import type { InstanceTable } from '../../db/compute-schema.js'
import { openDatabase, type DatabaseHandle } from '../../db/database.js'
import { migrateToLatest } from '../../db/migrate.js'
import { createTestDatabase } from '../../db/testing.js'
import type { FakeDriver } from '../../virt/fake/fake-driver.js'
import type { ComputeContext } from '../compute/compute-context.js'
import type { RequestSpec } from '../compute/rpc.js'
import { startComputeRuntime, type ComputeRuntime } from '../compute/runtime.js'
import { createImageService } from '../image/index.js'
import { createNetworkService } from '../network/index.js'
import { createVolumeService } from '../volume/index.js'

export interface BootHarness {
  readonly ctx: ComputeContext
  readonly database: DatabaseHandle
  readonly runtime: ComputeRuntime
  /** The fake driver of the harness's workers (undefined with workers: false). */
  readonly fake: FakeDriver
  /** Inserts an instance row as the API would (vm_state building, task_state scheduling). */
  insertInstance(spec?: Partial<RequestSpec>, row?: Partial<InstanceTable>): Promise<string>
  /** Casts conductor.build_instances as the API does. */
  build(uuids: string[], requestId?: string): Promise<string>
  /** Polls the instance row until `pred` holds (fails after `ms`). */
  waitFor(uuid: string, pred: (r: InstanceTable) => boolean, ms?: number): Promise<InstanceTable>
  close(): Promise<void>
}

export const TEST_PROJECT = 'p-boot'
export const TEST_USER = 'u-boot'

/**
 * Conductor + scheduler + fake compute workers on an in-process bus and a test
 * database, with the image and network services in-process: the boot path
 * without the HTTP API.
 */
export async function startBootHarness(
  env: Record<string, string> = {},
  options: {
    /** The bus to use (default: a new in-process bus, closed with the harness). */
    readonly bus?: Bus
    /** Run compute workers in the harness (default true). */
    readonly workers?: boolean
    /** Run the block storage service in-process (ctx.volume) for boot from volume. */
    readonly volumes?: boolean
  } = {},
): Promise<BootHarness> {
  const dataDir = mkdtempSync(join(tmpdir(), 'nubis-boot-'))
  const testDb = await createTestDatabase()
  const database = openDatabase({ connection: testDb.connection })
  await migrateToLatest(database)
  const config = loadConfig({ env: { NUBIS_DATA_DIR: dataDir, ...env } })
  const logger = pino({ level: process.env['NUBIS_TEST_LOG'] ?? 'silent' })
  const ownBus = options.bus === undefined
  const bus =
    options.bus ??
    (await InProcessBus.create({
      onHandlerError: (err, m) => logger.warn({ err: String(err), m }, 'cast failed'),
    }))
  const image = await createImageService({
    db: database.db,
    config: {
      image: config.get(imageGroup),
      store: config.get(glanceStoreGroup),
      conversion: config.get(imageConversionGroup),
    },
    logger,
    dataDir,
    publicUrl: 'http://localhost',
  })
  const network = await createNetworkService({
    db: database.db,
    config: {
      base: config.get(defaultGroup),
      ml2: config.get(ml2Group),
      flat: config.get(ml2TypeFlatGroup),
      vlan: config.get(ml2TypeVlanGroup),
      vxlan: config.get(ml2TypeVxlanGroup),
      gre: config.get(ml2TypeGreGroup),
      quotas: config.get(networkQuotasGroup),
    },
    logger,
  })
  const volume = options.volumes
    ? await createVolumeService({
        db: database.db,
        bus,
        config,
        logger,
        dataDir,
        image: image.api,
        publicUrl: 'http://localhost',
      })
    : undefined
  const ctx: ComputeContext = {
    db: database.db,
    bus,
    config: {
      compute: config.get(computeGroup),
      quota: config.get(computeQuotaGroup),
      fake: config.get(fakeDriverGroup),
      filterScheduler: config.get(filterSchedulerGroup),
      scheduler: config.get(schedulerGroup),
      placement: config.get(placementGroup),
    },
    logger,
    image: image.api,
    network: network.ctx,
    ...(volume ? { volume: volume.compute } : {}),
    publicUrl: 'http://localhost',
  }
  const runtime = await startComputeRuntime({
    ctx,
    logger,
    conductor: true,
    workers: options.workers ?? true,
    config,
    host: 'controller',
  })
  const fake = runtime.workers?.driver as FakeDriver
  const flavor = {
    id: '1',
    name: 'm1.tiny',
    vcpus: 1,
    memoryMb: 512,
    rootGb: 1,
    ephemeralGb: 0,
    swapMb: 0,
    extraSpecs: {},
  }
  return {
    ctx,
    database,
    runtime,
    fake,
    async insertInstance(spec = {}, row = {}) {
      const uuid = newUuid()
      const now = new Date().toISOString()
      const full: RequestSpec = {
        projectId: TEST_PROJECT,
        userId: TEST_USER,
        flavor,
        schedulerHints: {},
        requestedNetworks: 'none',
        securityGroups: ['default'],
        numInstances: 1,
        ...spec,
      }
      await database.db
        .insertInto('instances')
        .values({
          uuid,
          project_id: full.projectId,
          user_id: full.userId,
          display_name: `vm-${uuid.slice(0, 8)}`,
          display_description: null,
          hostname: `vm-${uuid.slice(0, 8)}`,
          host: null,
          node: null,
          availability_zone: null,
          vm_state: 'building',
          task_state: 'scheduling',
          power_state: 0,
          flavor: JSON.stringify(full.flavor),
          old_flavor: null,
          new_flavor: null,
          image_ref: '',
          key_name: null,
          key_data: null,
          user_data: null,
          config_drive: '',
          metadata: '{}',
          system_metadata: '{}',
          access_ip_v4: null,
          access_ip_v6: null,
          locked: 0,
          locked_by: null,
          locked_reason: null,
          launch_index: 0,
          reservation_id: `r-${uuid.slice(0, 8)}`,
          request_spec: JSON.stringify(full),
          fault: null,
          progress: 0,
          root_device_name: null,
          launched_at: null,
          terminated_at: null,
          created_at: now,
          updated_at: now,
          deleted_at: null,
          deleted: 0,
          ...row,
        })
        .execute()
      return uuid
    },
    async build(uuids, requestId = `req-${newUuid()}`) {
      await bus.cast({ topic: 'conductor' }, 'build_instances', { instanceUuids: uuids, requestId })
      return requestId
    },
    async waitFor(uuid, pred, ms = 5000) {
      const until = Date.now() + ms
      for (;;) {
        const r = await database.db
          .selectFrom('instances')
          .selectAll()
          .where('uuid', '=', uuid)
          .executeTakeFirstOrThrow()
        if (pred(r)) return r
        if (Date.now() > until)
          throw new Error(`instance ${uuid} never reached the state: ${JSON.stringify(r)}`)
        await new Promise((res) => setTimeout(res, 10))
      }
    },
    async close() {
      await runtime.close()
      await volume?.close()
      await image.close()
      if (ownBus) await bus.close()
      await database.close()
      await testDb.drop()
      rmSync(dataDir, { recursive: true, force: true })
    },
  }
}
