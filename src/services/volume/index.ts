import type { FastifyPluginAsync } from 'fastify'
import type { Logger } from 'pino'
import type { Bus } from '../../bus/bus.js'
import { allGroups } from '../../config/groups/index.js'
import { volumeGroup } from '../../config/groups/volume.js'
import type { Config } from '../../config/load.js'
import type { Db } from '../../db/database.js'
import type { ImageApi } from '../image/image-api.js'
import { volumeApiRoutes } from './api/routes.js'
import { VolumeComputeApi } from './compute-api.js'
import { loadVolumeDriver } from './drivers/registry.js'
import { startVolumeManager, type VolumeManager } from './manager/volume-manager.js'
import { startVolumeScheduler } from './scheduler/volume-scheduler.js'
import { ensureDefaultType } from './types-service.js'
import type { VolumeContext, VolumeEventSink } from './volume-context.js'

export type { ComputeVolume, VolumeConnectionInfo } from './compute-api.js'
export { VolumeComputeApi } from './compute-api.js'
export type { VolumeEventSink } from './volume-context.js'
export type { VolumeDriver, DriverInit } from './drivers/driver.js'
export { registerVolumeDriver } from './drivers/registry.js'

export interface VolumeServiceOptions {
  readonly db: Db
  readonly bus: Bus
  readonly config: Config
  readonly logger: Logger
  readonly dataDir: string
  readonly image: ImageApi
  readonly publicUrl: string
  /** Run cinder-scheduler and the backends' managers in this process (default true). */
  readonly workers?: boolean
}

export interface VolumeService {
  /** Mount under /volume. */
  readonly routes: FastifyPluginAsync
  /** What compute calls to attach, detach and create volumes. */
  readonly compute: VolumeComputeApi
  readonly ctx: VolumeContext
  readonly managers: readonly VolumeManager[]
  /** Wires the calls into compute (e.g. volume-extended → os-server-external-events). */
  setEventSink(sink: VolumeEventSink): void
  close(): Promise<void>
}

/** The options of a backend section ([file], …) as plain values. */
function backendOptions(config: Config, name: string): Record<string, unknown> {
  const group = allGroups.find((g) => g.name === name)
  if (!group)
    throw new Error(`[volume] enabled_backends names ${name}, which has no config section`)
  return config.get(group)
}

/**
 * The block storage service (Cinder v3): the API routes, the scheduler and a
 * manager per enabled backend, all talking over the bus.
 */
export async function createVolumeService(options: VolumeServiceOptions): Promise<VolumeService> {
  const conf = options.config.get(volumeGroup)
  const ctx: VolumeContext = {
    db: options.db,
    bus: options.bus,
    logger: options.logger,
    image: options.image,
    conf,
    dataDir: options.dataDir,
    publicUrl: options.publicUrl,
    background: new Set(),
    events: {},
  }
  await ensureDefaultType(ctx)
  const managers: VolumeManager[] = []
  const closers: { close(): Promise<void> }[] = []
  if (options.workers !== false) {
    closers.push(
      await startVolumeScheduler(ctx, options.logger.child({ component: 'volume-scheduler' })),
    )
    for (const backend of conf.enabled_backends) {
      const opts = backendOptions(options.config, backend)
      const driverName =
        typeof opts['volume_driver'] === 'string' && opts['volume_driver'] !== ''
          ? opts['volume_driver']
          : backend
      const driver = await loadVolumeDriver(driverName, {
        backendName: backend,
        dataDir: options.dataDir,
        options: opts,
      })
      const m = await startVolumeManager(
        ctx,
        backend,
        driver,
        options.logger.child({ component: `volume@${backend}` }),
      )
      managers.push(m)
      closers.push(m)
    }
  }
  return {
    routes: volumeApiRoutes(ctx),
    compute: new VolumeComputeApi(ctx),
    ctx,
    managers,
    setEventSink(sink) {
      Object.assign(ctx.events, sink)
    },
    async close() {
      for (const c of closers.reverse()) await c.close()
      await Promise.allSettled([...ctx.background])
    },
  }
}
