import { PowerState, type InstanceSpec } from '../../../../virt/driver.js'
import type { ComputeMethods } from '../../rpc.js'
import { VmState } from '../../states.js'
import type { WorkerContext } from '../worker-context.js'
import { errorTrace } from './errors-of.js'

const EVENT = 'compute_terminate_instance'

/**
 * compute.terminate_instance (Nova's _delete_instance): destroy on the
 * hypervisor, give back ports and placement allocations, mark the row
 * deleted. Safe to repeat.
 */
export async function terminateInstance(
  w: WorkerContext,
  msg: ComputeMethods['terminate_instance'],
): Promise<undefined> {
  const uuid = msg.instanceUuid
  const inst = await w.conductor.getInstance(uuid)
  if (!inst || inst.deleted === 1) return undefined
  await w.conductor.startEvent(uuid, msg.requestId, EVENT)
  try {
    const spec: InstanceSpec = await w.conductor.instanceSpec(uuid)
    const vifs = await w.conductor.vifs(uuid)
    const bdms = await w.conductor.blockDevices(uuid)
    await w.driver.destroy({ ...spec, node: inst.node ?? w.nodename }, vifs, bdms, true)
    await w.conductor.call('deallocate_networks', { uuid })
    await w.conductor.call('release_block_devices', { uuid })
    await w.conductor.call('delete_allocations', { consumerUuid: uuid })
    const now = new Date().toISOString()
    await w.conductor.updateInstance(uuid, {
      vm_state: VmState.DELETED,
      task_state: null,
      power_state: PowerState.NOSTATE,
      deleted: 1,
      deleted_at: now,
      terminated_at: now,
    })
    await w.conductor.finishEvent(uuid, msg.requestId, EVENT, 'Success')
  } catch (err) {
    await w.conductor.finishEvent(uuid, msg.requestId, EVENT, 'Error', errorTrace(err))
    await w.conductor.updateInstance(uuid, { vm_state: VmState.ERROR, task_state: null })
    throw err
  } finally {
    w.reportResources()
  }
  return undefined
}
