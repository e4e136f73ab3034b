import { PowerState } from '../../../virt/driver.js'
import { TaskState, VmState } from '../states.js'
import type { InstanceRecord, WorkerContext } from './worker-context.js'

const STARTED_BUILD: string[] = [TaskState.BLOCK_DEVICE_MAPPING, TaskState.SPAWNING]

/**
 * Start-up reconciliation (Nova's init_host, simplified): a server the database
 * puts on this node but the hypervisor does not have goes to ERROR with a
 * fault; hypervisor instances the database does not know are only logged.
 * Builds and deletes still in flight are left to their messages.
 */
export async function reconcileNode(w: WorkerContext, onNode: InstanceRecord[]): Promise<void> {
  const present = await w.driver.listInstances(w.nodename)
  const known = new Set(onNode.map((i) => i.uuid))
  const have = new Set(present.map((d) => d.uuid))
  for (const inst of onNode) {
    if (have.has(inst.uuid) || inst.vm_state === VmState.ERROR) continue
    if (inst.task_state === TaskState.DELETING) continue
    // A build still waiting for its message is fine; one this worker had started died with it.
    if (inst.vm_state === VmState.BUILDING && !STARTED_BUILD.includes(inst.task_state ?? ''))
      continue
    w.logger.warn({ instance: inst.uuid, node: w.nodename }, 'instance missing on the hypervisor')
    await w.conductor.updateInstance(inst.uuid, {
      vm_state: VmState.ERROR,
      task_state: null,
      power_state: PowerState.NOSTATE,
    })
    await w.conductor.setFault(inst.uuid, {
      code: 500,
      message: `Instance ${inst.uuid} could not be found on the hypervisor of node ${w.nodename} when its compute service started.`,
    })
  }
  for (const d of present)
    if (!known.has(d.uuid))
      w.logger.warn(
        { instance: d.uuid, node: w.nodename },
        'hypervisor has an instance the database does not know',
      )
}
