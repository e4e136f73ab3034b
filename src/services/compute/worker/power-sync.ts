import { PowerState, type InstanceInfo } from '../../../virt/driver.js'
import { VmState } from '../states.js'
import type { InstanceRecord, WorkerContext } from './worker-context.js'

/**
 * Aligns one instance with what the hypervisor reports (Nova's
 * _sync_instance_power_state, simple cases): power_state follows the driver;
 * an ACTIVE server found shut down or suspended becomes STOPPED, a STOPPED one
 * found running is powered off again, a PAUSED one found shut down is STOPPED.
 * Instances with a task in progress or on another host are left alone.
 */
export async function syncInstancePowerState(
  w: WorkerContext,
  inst: InstanceRecord,
  info: InstanceInfo | undefined,
): Promise<void> {
  if (inst.host !== w.host || inst.node !== w.nodename || inst.task_state !== null) return
  if (inst.deleted === 1) return
  const vmPower = info?.powerState ?? PowerState.NOSTATE
  const cas = { expectedTaskState: [null] }
  if (vmPower !== inst.power_state)
    await w.conductor.updateInstance(inst.uuid, { power_state: vmPower }, cas)
  const offStates: number[] = [PowerState.SHUTDOWN, PowerState.CRASHED]
  const stop = async (force: boolean): Promise<void> => {
    w.logger.warn(
      { instance: inst.uuid, vmState: inst.vm_state, vmPower },
      'stopping instance to match the hypervisor',
    )
    if (force) {
      const spec = await w.conductor.instanceSpec(inst.uuid)
      await w.driver.powerOff({ ...spec, node: w.nodename })
    }
    await w.conductor.updateInstance(
      inst.uuid,
      { vm_state: VmState.STOPPED, power_state: PowerState.SHUTDOWN },
      cas,
    )
  }
  switch (inst.vm_state) {
    case VmState.ACTIVE:
      if (offStates.includes(vmPower)) await stop(false)
      else if (vmPower === PowerState.SUSPENDED) await stop(true)
      else if (vmPower === PowerState.NOSTATE)
        w.logger.warn({ instance: inst.uuid }, 'instance is unexpectedly not found; ignored')
      return
    case VmState.STOPPED:
      if (vmPower !== PowerState.NOSTATE && !offStates.includes(vmPower)) await stop(true)
      return
    case VmState.PAUSED:
      if (offStates.includes(vmPower)) await stop(false)
      return
    default:
      return
  }
}

/** The periodic task: every instance the database has on this node. */
export async function syncPowerStates(w: WorkerContext, onNode: InstanceRecord[]): Promise<void> {
  const present = new Map(
    (await w.driver.listInstances(w.nodename)).map((d) => [d.uuid, d as InstanceInfo]),
  )
  for (const inst of onNode) {
    try {
      await syncInstancePowerState(w, inst, present.get(inst.uuid))
    } catch (err) {
      w.logger.warn({ instance: inst.uuid, err: String(err) }, 'power state sync failed')
    }
  }
}
