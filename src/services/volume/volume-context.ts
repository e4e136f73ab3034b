import type { Logger } from 'pino'
import type { Bus } from '../../bus/bus.js'
import type { fileBackendGroup, volumeGroup } from '../../config/groups/volume.js'
import type { GroupValues } from '../../config/option.js'
import type { Db } from '../../db/database.js'
import type { ImageApi } from '../image/image-api.js'

export type VolumeConf = GroupValues<typeof volumeGroup>
export type FileBackendConf = GroupValues<typeof fileBackendGroup>

/** Everything the volume API, scheduler and managers share. */
export interface VolumeContext {
  readonly db: Db
  readonly bus: Bus
  readonly logger: Logger
  readonly image: ImageApi
  readonly conf: VolumeConf
  readonly dataDir: string
  readonly publicUrl: string
  /** Background work started by the API (waited for on close). */
  readonly background: Set<Promise<unknown>>
  /** Calls into compute, set by whoever wires the services together (see index.ts). */
  readonly events: VolumeEventSink
}

/**
 * What Cinder tells Nova (os-server-external-events): an attached volume was
 * extended, so the servers' drivers grow the disk. Unset: nobody is told.
 */
export interface VolumeEventSink {
  volumeExtended?: (
    volumeId: string,
    serverUuids: readonly string[],
    newSizeGb: number,
  ) => Promise<void>
}

/** Bus topics of the block storage service (cinder-scheduler, cinder-volume). */
export const VOLUME_SCHEDULER_TOPIC = 'volume-scheduler'
export const VOLUME_TOPIC = 'volume'
export const DEFAULT_TYPE_NAME = '__DEFAULT__'

export function nowIso(): string {
  return new Date().toISOString()
}
