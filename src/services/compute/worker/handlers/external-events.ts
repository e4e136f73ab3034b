import { PowerState } from '../../../../virt/driver.js'
import type { ComputeMethods } from '../../rpc.js'
import { VmState } from '../../states.js'
import type { WorkerContext } from '../worker-context.js'
import { errorText, errorTrace } from './errors-of.js'

type Msg = ComputeMethods['external_instance_event']
type Event = Msg['events'][number]

/** volume-extended (Nova's extend_volume): the driver grows the attached disk to the volume's new size. */
async function volumeExtended(w: WorkerContext, msg: Msg, e: Event): Promise<void> {
  const EVENT = 'compute_extend_volume'
  await w.conductor.startEvent(msg.instanceUuid, msg.requestId, EVENT)
  try {
    const bdm = (await w.conductor.blockDevices(msg.instanceUuid)).find((b) => b.volumeId === e.tag)
    if (!bdm) throw new Error(`Volume ${e.tag ?? ''} is not attached to the instance.`)
    const r = (await w.conductor.call('volume_size', { volumeId: e.tag ?? '' })) as {
      size: number
    }
    const spec = await w.conductor.instanceSpec(msg.instanceUuid)
    await w.driver.extendVolume({ ...spec, node: w.nodename }, bdm, r.size)
    await w.conductor.finishEvent(msg.instanceUuid, msg.requestId, EVENT, 'Success')
  } catch (err) {
    await w.conductor.finishEvent(msg.instanceUuid, msg.requestId, EVENT, 'Error', errorTrace(err))
    throw err
  }
}

/**
 * power-update (2.76): the power state changed outside Nubis (Ironic's use);
 * the server follows it. As Nova, only a stopped server powers on and only
 * an active one off; anything else is a no-op, and so is an unknown tag.
 */
async function powerUpdate(w: WorkerContext, msg: Msg, e: Event): Promise<void> {
  if (e.tag !== 'POWER_ON' && e.tag !== 'POWER_OFF') return
  const on = e.tag === 'POWER_ON'
  const inst = await w.conductor.getInstance(msg.instanceUuid)
  if (!inst) return
  const valid = on
    ? inst.vm_state === VmState.STOPPED && inst.power_state === PowerState.SHUTDOWN
    : inst.vm_state === VmState.ACTIVE && inst.power_state === PowerState.RUNNING
  if (!valid) {
    w.logger.info(
      { instance: inst.uuid, tag: e.tag, vmState: inst.vm_state, powerState: inst.power_state },
      'power-update is a no-op',
    )
    return
  }
  await w.conductor.updateInstance(
    msg.instanceUuid,
    {
      vm_state: on ? VmState.ACTIVE : VmState.STOPPED,
      power_state: on ? PowerState.RUNNING : PowerState.SHUTDOWN,
    },
    { expectedTaskState: [null] },
  )
}

/**
 * compute.external_instance_event: wakes builds waiting for an event
 * (network-vif-plugged), and acts on the events that carry work.
 */
export async function externalInstanceEvent(w: WorkerContext, msg: Msg): Promise<undefined> {
  for (const e of msg.events) {
    const waited = w.instanceEvents.deliver(msg.instanceUuid, e)
    w.logger.info(
      { instance: msg.instanceUuid, event: e.name, tag: e.tag, status: e.status, waited },
      'external instance event',
    )
    try {
      if (e.name === 'volume-extended') await volumeExtended(w, msg, e)
      else if (e.name === 'power-update') await powerUpdate(w, msg, e)
    } catch (err) {
      w.logger.warn(
        { instance: msg.instanceUuid, event: e.name, err: errorText(err) },
        'event failed',
      )
    }
  }
  return undefined
}
