import type { Logger } from 'pino'
import type { Bus } from '../../bus/bus.js'
import type { GroupValues } from '../../config/option.js'
import type {
  computeGroup,
  computeQuotaGroup,
  fakeDriverGroup,
} from '../../config/groups/compute.js'
import type {
  filterSchedulerGroup,
  placementGroup,
  schedulerGroup,
} from '../../config/groups/scheduler.js'
import type { Db } from '../../db/database.js'
import type { ImageApi } from '../image/image-api.js'
import type { NetworkContext } from '../network/network-context.js'
import type { VolumeComputeApi } from '../volume/index.js'

export interface ComputeConfig {
  readonly compute: GroupValues<typeof computeGroup>
  readonly quota: GroupValues<typeof computeQuotaGroup>
  readonly fake: GroupValues<typeof fakeDriverGroup>
  readonly filterScheduler: GroupValues<typeof filterSchedulerGroup>
  readonly scheduler: GroupValues<typeof schedulerGroup>
  readonly placement: GroupValues<typeof placementGroup>
}

/**
 * What the compute API modules are built from: one per process that serves
 * the compute API (and runs the conductor/scheduler, which share the database).
 * Compute workers do NOT get one: they talk to the conductor over `bus` only.
 */
export interface ComputeContext {
  readonly db: Db
  readonly bus: Bus
  readonly config: ComputeConfig
  readonly logger: Logger
  /** The image service of this process (image lookups, snapshots). */
  readonly image: ImageApi
  /** The network service, when this process runs one (absent: only `networks: none` works). */
  readonly network?: NetworkContext
  /** The block storage service, when this process runs one (volume attach, boot from volume). */
  readonly volume?: VolumeComputeApi
  /** Base URL of this cloud (e.g. http://127.0.0.1:5000) for links. */
  readonly publicUrl: string
}
