import type { FastifyPluginAsync } from 'fastify'
import type { Logger } from 'pino'
import type { Bus } from '../../bus/bus.js'
import type { Config } from '../../config/load.js'
import type { Db } from '../../db/database.js'
import type { ImageApi } from '../image/image-api.js'

export interface VolumeServiceOptions {
  readonly db: Db
  readonly bus: Bus
  readonly config: Config
  readonly logger: Logger
  readonly dataDir: string
  readonly image: ImageApi
  readonly publicUrl: string
}

export interface VolumeService {
  /** Mount under /volume. */
  readonly routes: FastifyPluginAsync
  close(): Promise<void>
}

/** The block storage service (Cinder v3); owned by the block-storage work. */
export async function createVolumeService(_options: VolumeServiceOptions): Promise<VolumeService> {
  return { routes: async () => {}, async close() {} }
}
