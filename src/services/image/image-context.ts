import type { Logger } from 'pino'
import type {
  glanceStoreGroup,
  imageConversionGroup,
  imageGroup,
} from '../../config/groups/image.js'
import type { GroupValues } from '../../config/option.js'
import type { Db } from '../../db/database.js'
import type { JsonSchema } from './json-schema.js'
import type { StoreRegistry } from './store/registry.js'
import type { FileStore } from './store/file-store.js'

export interface ImageConfig {
  readonly image: GroupValues<typeof imageGroup>
  readonly store: GroupValues<typeof glanceStoreGroup>
  readonly conversion: GroupValues<typeof imageConversionGroup>
}

/** Tracks background work (imports, cache fills) so shutdown can wait for it. */
export interface BackgroundWork {
  /** Runs `job` detached; errors are logged, never thrown. */
  spawn(name: string, job: () => Promise<void>): void
  /** Like spawn, after `ms`; jobs still waiting at shutdown are dropped (their state is durable). */
  spawnLater(name: string, ms: number, job: () => Promise<void>): void
  /** Resolves when every spawned job has settled. */
  idle(): Promise<void>
}

/** Everything the image service modules share. */
export interface ImageContext {
  readonly db: Db
  readonly config: ImageConfig
  readonly stores: StoreRegistry
  readonly logger: Logger
  /** Where staged (glance-direct, web-download) data waits for import: Glance's os_glance_staging_store. */
  readonly staging: FileStore
  /** Local image cache directory (cache API). */
  readonly cacheDir: string
  /** The image schema for the configured formats. */
  readonly schema: JsonSchema
  /** user_storage_quota parsed to bytes (0: unlimited). */
  readonly storageQuota: number
  readonly background: BackgroundWork
  /** Import tasks running in this process (an import lock held by anything else is stale). */
  readonly runningTasks: Set<string>
  /** Base URL of this cloud (catalog URLs), for glance-download's catalog lookup. */
  readonly publicUrl: string
}

const UNITS: Readonly<Record<string, number>> = {
  B: 1,
  KB: 1024,
  MB: 1024 ** 2,
  GB: 1024 ** 3,
  TB: 1024 ** 4,
}

/** Parses Glance's user_storage_quota ("0", "1073741824", "500GB"). */
export function parseStorageQuota(text: string): number {
  const m = /^\s*(\d+)\s*(B|KB|MB|GB|TB)?\s*$/i.exec(text)
  if (!m)
    throw new Error(
      `[image] user_storage_quota: invalid value ${JSON.stringify(text)} (e.g. 0, 1048576, 500GB)`,
    )
  return Number(m[1]) * (UNITS[(m[2] ?? 'B').toUpperCase()] ?? 1)
}
