import { resolve } from 'node:path'
import type { FastifyInstance } from 'fastify'
import type { Logger } from 'pino'
import { buildApp } from '../api/app.js'
import { glanceFault, keystoneFault, neutronFault, novaFault } from '../api/faults.js'
import type { Bus } from '../bus/bus.js'
import { createBus } from '../bus/registry.js'
import { newUuid } from '../common/ids.js'
import {
  databaseGroup,
  defaultGroup,
  identityGroup,
  securityComplianceGroup,
} from '../config/groups/index.js'
import { glanceStoreGroup, imageConversionGroup, imageGroup } from '../config/groups/index.js'
import {
  ml2Group,
  ml2TypeFlatGroup,
  ml2TypeGreGroup,
  ml2TypeVlanGroup,
  ml2TypeVxlanGroup,
  networkQuotasGroup,
} from '../config/groups/index.js'
import {
  computeGroup,
  computeQuotaGroup,
  fakeDriverGroup,
  filterSchedulerGroup,
  placementGroup,
  schedulerGroup,
} from '../config/groups/index.js'
import type { Config } from '../config/load.js'
import { openDatabase, type DatabaseHandle } from '../db/database.js'
import { migrateToLatest } from '../db/migrate.js'
import {
  bootstrapIdentity,
  createIdentityService,
  type BootstrapResult,
} from '../services/identity/index.js'
import type { IdentityService } from '../services/identity/index.js'
import { createImageService, type ImageService } from '../services/image/index.js'
import { createNetworkService, type NetworkService } from '../services/network/index.js'
import { configureVsphereDvs } from '../services/network/ml2/mechanisms/vsphere-dvs.js'
import { ml2VmwareGroup, vmwareGroup } from '../config/groups/index.js'
import { createComputeService, type ComputeService } from '../services/compute/index.js'
import { startComputeRuntime } from '../services/compute/runtime.js'
import { notifyVolumeExtended } from '../services/compute/volume-events.js'
import { createVolumeService, type VolumeService } from '../services/volume/index.js'

export interface Cloud {
  readonly app: FastifyInstance
  readonly database: DatabaseHandle
  readonly bus: Bus
  readonly identity: IdentityService
  readonly image: ImageService
  readonly network: NetworkService
  readonly compute: ComputeService
  readonly volume: VolumeService
  readonly bootstrap: BootstrapResult
  readonly dataDir: string
  close(): Promise<void>
}

export interface CloudOptions {
  readonly config: Config
  readonly logger: Logger
  /** Base URL written into the catalog, e.g. http://127.0.0.1:5000. */
  readonly publicUrl: string
}

/** The services that run in this process and where they are mounted. */
const MOUNTS = {
  identity: '/identity',
  image: '/image',
  network: '/networking',
  compute: '/compute',
  volume: '/volume',
} as const

/**
 * Assembles every service of one `nubis serve` process: database (migrated),
 * identity, the HTTP app, and the bootstrap data. Used by `nubis serve` and by
 * the API tests (which call app.inject()).
 */
export async function createCloud(options: CloudOptions): Promise<Cloud> {
  const { config, logger } = options
  const dataDir = resolve(config.get(defaultGroup).data_dir)
  const dbConf = config.get(databaseGroup)
  const database = openDatabase({
    connection:
      dbConf.connection === ''
        ? `sqlite:///${resolve(dataDir, 'nubis.sqlite')}`
        : dbConf.connection,
    maxPoolSize: dbConf.max_pool_size,
  })
  let bus: Bus | undefined
  try {
    await migrateToLatest(database)
    bus = await createBus(config.get(defaultGroup).transport_url, { logger })
    const theBus = bus
    // Identity changes made in one process drop cached validations in all of them.
    const origin = newUuid()
    const identity = await createIdentityService({
      db: database.db,
      config: {
        identity: config.get(identityGroup),
        security: config.get(securityComplianceGroup),
      },
      logger: logger.child({ service: 'identity' }),
      dataDir,
      broadcastChange: () => {
        theBus
          .fanout('identity', 'changed', { origin })
          .catch((err: unknown) => logger.warn({ err }, 'identity change broadcast failed'))
      },
    })
    await bus.listen({ topic: 'identity', server: origin }, async (method, args) => {
      if (method === 'changed' && (args as { origin?: string } | null)?.origin !== origin)
        await identity.remoteChanged()
      return null
    })
    const base = options.publicUrl.replace(/\/+$/, '')
    const bootstrap = await bootstrapIdentity(identity.ctx, {
      adminPassword: config.get(defaultGroup).admin_password,
      regionId: config.get(defaultGroup).region_name,
      services: [
        { type: 'identity', name: 'keystone', url: `${base}${MOUNTS.identity}` },
        { type: 'image', name: 'glance', url: `${base}${MOUNTS.image}` },
        { type: 'network', name: 'neutron', url: `${base}${MOUNTS.network}` },
        { type: 'compute', name: 'nova', url: `${base}${MOUNTS.compute}/v2.1` },
        { type: 'volumev3', name: 'cinderv3', url: `${base}${MOUNTS.volume}/v3/$(project_id)s` },
        { type: 'block-storage', name: 'cinder', url: `${base}${MOUNTS.volume}/v3/$(project_id)s` },
      ],
    })
    const image = await createImageService({
      db: database.db,
      config: {
        image: config.get(imageGroup),
        store: config.get(glanceStoreGroup),
        conversion: config.get(imageConversionGroup),
      },
      logger: logger.child({ service: 'image' }),
      dataDir,
      publicUrl: base,
    })
    // vsphere_dvs (when in [ml2] mechanism_drivers) reaches vCenter with these.
    configureVsphereDvs({ vmware: config.get(vmwareGroup), ml2: config.get(ml2VmwareGroup) })
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
      logger: logger.child({ service: 'network' }),
    })
    const volume = await createVolumeService({
      db: database.db,
      bus,
      config,
      logger: logger.child({ service: 'volume' }),
      dataDir,
      image: image.api,
      publicUrl: base,
    })
    const compute = await createComputeService({
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
      logger: logger.child({ service: 'compute' }),
      image: image.api,
      network: network.ctx,
      volume: volume.compute,
      publicUrl: base,
    })
    // Extending an in-use volume reaches the servers it is attached to (Cinder → Nova external event).
    volume.setEventSink({
      volumeExtended: (volumeId, serverUuids) =>
        notifyVolumeExtended(compute.ctx, volumeId, serverUuids),
    })
    const computeRuntime = await startComputeRuntime({
      ctx: compute.ctx,
      logger: logger.child({ service: 'compute' }),
      conductor: true,
      workers: true,
      config,
      openImage: (id) => image.openImage(id),
    })
    const app = await buildApp({
      logger,
      bodyLimit: config.get(defaultGroup).max_request_body_size,
      authenticate: (token) => identity.authenticate(token),
      services: [
        {
          name: 'identity',
          prefix: MOUNTS.identity,
          fault: keystoneFault,
          routes: identity.routes,
          wwwAuthenticate: `Keystone uri="${base}${MOUNTS.identity}"`,
        },
        {
          name: 'image',
          prefix: MOUNTS.image,
          fault: glanceFault,
          routes: image.routes,
          wwwAuthenticate: `Keystone uri="${base}${MOUNTS.identity}"`,
        },
        {
          name: 'network',
          prefix: MOUNTS.network,
          fault: neutronFault,
          routes: network.routes,
          wwwAuthenticate: `Keystone uri="${base}${MOUNTS.identity}"`,
        },
        {
          name: 'compute',
          prefix: MOUNTS.compute,
          fault: novaFault,
          routes: compute.routes,
          requestIdHeader: 'x-compute-request-id',
          wwwAuthenticate: `Keystone uri="${base}${MOUNTS.identity}"`,
        },
        {
          name: 'volume',
          prefix: MOUNTS.volume,
          fault: novaFault,
          routes: volume.routes,
          wwwAuthenticate: `Keystone uri="${base}${MOUNTS.identity}"`,
        },
      ],
      rootDocument: () => ({
        versions: {
          values: [
            { id: 'identity', links: [{ rel: 'self', href: `${base}${MOUNTS.identity}/` }] },
          ],
        },
      }),
    })
    return {
      app,
      database,
      bus,
      identity,
      image,
      network,
      compute,
      volume,
      bootstrap,
      dataDir,
      // In order: no new requests, then the background work (compute workers,
      // conductor, scheduler, volume managers) finishes what is under way, then the bus;
      // the database goes last, and always, even when a step before it failed.
      async close() {
        const failures: unknown[] = []
        const step = async (fn: () => Promise<void>): Promise<void> => {
          await fn().catch((err: unknown) => void failures.push(err))
        }
        await step(() => app.close())
        await step(() => computeRuntime.close())
        await step(() => compute.close())
        await step(() => volume.close())
        await step(() => image.close())
        await step(() => theBus.close())
        await step(() => database.close())
        if (failures.length === 1) throw failures[0]
        if (failures.length > 1) throw new AggregateError(failures, 'closing the cloud failed')
      },
    }
  } catch (err) {
    await bus?.close()
    await database.close()
    throw err
  }
}
