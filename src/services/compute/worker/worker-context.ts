import type { Logger } from 'pino'
import type { JsonValue } from '../../../bus/bus.js'
import type { ComputeDriver, InstanceSpec, Vif, BlockDevice } from '../../../virt/driver.js'
import type { InstanceTable } from '../../../db/compute-schema.js'
import type { ComputeMethod, ComputeMethods } from '../rpc.js'
import type { InstanceEvents } from './instance-events.js'

/** An instance row as it crosses the bus (JSON columns still as text). */
export type InstanceRecord = InstanceTable

/**
 * The conductor as a compute worker sees it: every read and write the worker
 * needs, over the bus (workers hold no database credentials). Implemented by
 * the boot-path work (conductor-client.ts); handlers only use this interface.
 */
export interface ConductorClient {
  getInstance(uuid: string): Promise<InstanceRecord | undefined>
  /**
   * Updates columns of an instance. With `expectedTaskState` the update only
   * happens if task_state still is one of them (Nova's expected_task_state);
   * otherwise it throws ConflictError (UnexpectedTaskStateError).
   */
  updateInstance(
    uuid: string,
    values: Partial<Omit<InstanceRecord, 'uuid'>>,
    expect?: { readonly expectedTaskState?: ReadonlyArray<string | null> },
  ): Promise<InstanceRecord>
  /** Instance-action event bookkeeping ("compute_reboot_instance", ...). */
  startEvent(uuid: string, requestId: string, event: string): Promise<void>
  finishEvent(
    uuid: string,
    requestId: string,
    event: string,
    result: 'Success' | 'Error',
    traceback?: string,
  ): Promise<void>
  /** Sets the `fault` of an instance (shown on ERROR). */
  setFault(uuid: string, fault: { code: number; message: string; details?: string }): Promise<void>
  /** The driver-facing view of an instance (flavor, image, metadata, keys). */
  instanceSpec(uuid: string): Promise<InstanceSpec>
  /** Network interfaces (bound ports) and block devices of an instance. */
  vifs(uuid: string): Promise<Vif[]>
  blockDevices(uuid: string): Promise<BlockDevice[]>
  /** Anything else: a raw conductor call. */
  call(method: string, args: JsonValue): Promise<JsonValue | undefined>
}

/** What a compute-worker message handler gets. One per node. */
export interface WorkerContext {
  /** compute service host name of this node's worker (bus server `compute.<host>`). */
  readonly host: string
  readonly nodename: string
  readonly driver: ComputeDriver
  readonly conductor: ConductorClient
  readonly logger: Logger
  /** Asks for an immediate resource report of this node (after a claim-changing action). */
  reportResources(): void
  /** External events (network-vif-plugged, ...) builds and actions wait for. */
  readonly instanceEvents: InstanceEvents
  /** The [compute] options handlers honour. */
  readonly options: WorkerOptions
}

/** The [compute] options a compute worker reads (it has no other configuration access). */
export interface WorkerOptions {
  readonly reportInterval: number
  readonly resourceReportInterval: number
  readonly syncPowerStateInterval: number
  readonly vifPluggingTimeout: number
  readonly vifPluggingIsFatal: boolean
}

export type WorkerHandler<M extends ComputeMethod> = (
  w: WorkerContext,
  msg: ComputeMethods[M],
) => Promise<JsonValue | undefined>

export type WorkerHandlers = { [M in ComputeMethod]?: WorkerHandler<M> }
