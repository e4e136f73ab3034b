import type { JsonValue } from '../../bus/bus.js'
import type { InstanceTable } from '../../db/compute-schema.js'
import { deleteAllocations } from '../placement/index.js'
import { COMPUTE_TOPIC, type RequestSpec, type Selection } from '../compute/rpc.js'
import { TaskState } from '../compute/states.js'
import { failBuild } from './build-failure.js'
import type { ConductorContext } from './conductor-method.js'
import { finishActionEvent } from './instance-actions.js'
import { loadInstance, saveInstance } from './instance-store.js'
import { zoneOfHost } from './host-zone.js'
import { prepareBlockDevices, reconnectBlockDevices } from './block-devices.js'
import { allocateNetworks, deallocateNetworks, rebindNetworks } from './network-allocation.js'

export const SCHEDULE_EVENT = 'conductor_schedule_and_build_instances'

/** Whether the API started deleting the instance meanwhile (then the build stops quietly). */
export function isBeingDeleted(inst: InstanceTable | undefined): boolean {
  return !inst || inst.deleted === 1 || inst.task_state === TaskState.DELETING
}

/**
 * Sends an instance whose allocation on `selection` is claimed to that host:
 * records host/node/zone, plugs it into its networks (first attempt) or moves
 * the port bindings (reschedule), and casts build_and_run_instance with the
 * alternates left. Returns false when the build stopped (deleted or failed).
 */
export async function dispatchBuild(
  c: ConductorContext,
  uuid: string,
  requestId: string,
  spec: RequestSpec,
  selection: Selection,
  alternates: readonly Selection[],
  options: { firstAttempt: boolean; adminPass?: string },
): Promise<boolean> {
  const inst = await loadInstance(c.db, uuid)
  if (isBeingDeleted(inst)) {
    await deleteAllocations(c.db, uuid)
    return false
  }
  const zone = await zoneOfHost(c.db, selection.host, c.config.compute.default_availability_zone)
  let row: InstanceTable
  try {
    row = await saveInstance(
      c.db,
      uuid,
      {
        host: selection.host,
        node: selection.nodename,
        availability_zone: zone,
        task_state: TaskState.NETWORKING,
        request_spec: JSON.stringify(spec),
      },
      [TaskState.SCHEDULING, null],
    )
  } catch (err) {
    // Deleted while scheduling: nothing to build, give the claim back.
    c.logger.info({ err: String(err), instance: uuid }, 'build stopped: instance changed meanwhile')
    if (isBeingDeleted(await loadInstance(c.db, uuid))) await deleteAllocations(c.db, uuid)
    return false
  }
  try {
    if (options.firstAttempt)
      await allocateNetworks(c, row, spec.requestedNetworks, {
        host: selection.host,
        availabilityZone: zone,
        securityGroups: spec.securityGroups,
      })
    else {
      await rebindNetworks(c, row, selection.host)
      await reconnectBlockDevices(c, row, selection.host)
    }
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err)
    await deleteAllocations(c.db, uuid)
    await failBuild(c, uuid, requestId, SCHEDULE_EVENT, {
      code: 500,
      message: `Build of instance ${uuid} aborted: Failed to allocate the network(s), not rescheduling.`,
      details: msg,
    })
    return false
  }
  if (options.firstAttempt) {
    try {
      await prepareBlockDevices(c, row, selection.host)
    } catch (err) {
      await deallocateNetworks(c, row).catch(() => undefined)
      await deleteAllocations(c.db, uuid)
      await failBuild(c, uuid, requestId, SCHEDULE_EVENT, {
        code: 500,
        message: `Build of instance ${uuid} aborted: Failure prepping block device.`,
        details: err instanceof Error ? err.message : String(err),
      })
      return false
    }
  }
  const args: Record<string, JsonValue> = {
    instanceUuid: uuid,
    requestId,
    alternates: alternates as unknown as JsonValue,
  }
  if (options.adminPass !== undefined) args['adminPass'] = options.adminPass
  await c.bus.cast({ topic: COMPUTE_TOPIC, server: selection.host }, 'build_and_run_instance', args)
  if (options.firstAttempt)
    await finishActionEvent(c.db, uuid, requestId, SCHEDULE_EVENT, 'Success', c.conductorHost)
  return true
}
