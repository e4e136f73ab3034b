import { TaskState, VmState } from '../../states.js'
import type { ComputeMethods } from '../../rpc.js'
import type { WorkerContext } from '../worker-context.js'
import { errorText, errorTrace, isInstanceGone } from './errors-of.js'

const EVENT = 'compute__do_build_and_run_instance'

/** Waits for network-vif-plugged of ports that are not yet ACTIVE, when configured to. */
async function prepareVifWait(
  w: WorkerContext,
  uuid: string,
): Promise<(() => Promise<void>) | undefined> {
  if (w.options.vifPluggingTimeout <= 0) return undefined
  const pending = (await w.conductor.call('pending_vif_plugs', { uuid })) as string[] | null
  if (!pending || pending.length === 0) return undefined
  const wait = w.instanceEvents.prepare(
    uuid,
    pending.map((p) => ({ name: 'network-vif-plugged', tag: p })),
  )
  return async () => {
    const r = await wait(w.options.vifPluggingTimeout * 1000)
    if (r.failed.length > 0 || (r.missing.length > 0 && w.options.vifPluggingIsFatal))
      throw new Error(
        `Virtual Interface creation failed (waiting for ${[...r.failed, ...r.missing].join(', ')})`,
      )
    if (r.missing.length > 0)
      w.logger.warn({ instance: uuid, missing: r.missing }, 'timeout waiting for vif plugging')
  }
}

/**
 * compute.build_and_run_instance (Nova's _do_build_and_run_instance): spawn on
 * this node; on failure clean the hypervisor up and hand the build back to the
 * conductor, which reschedules to an alternate or gives up.
 */
export async function buildAndRunInstance(
  w: WorkerContext,
  msg: ComputeMethods['build_and_run_instance'],
): Promise<undefined> {
  const uuid = msg.instanceUuid
  await w.conductor.startEvent(uuid, msg.requestId, EVENT)
  try {
    await w.conductor.updateInstance(
      uuid,
      { task_state: TaskState.BLOCK_DEVICE_MAPPING },
      { expectedTaskState: [TaskState.NETWORKING, TaskState.SCHEDULING, null] },
    )
  } catch (err) {
    w.logger.info({ instance: uuid, err: errorText(err) }, 'build not started: instance changed')
    await w.conductor.finishEvent(uuid, msg.requestId, EVENT, 'Error', errorTrace(err))
    return undefined
  }
  let spec
  let built = false
  try {
    spec = await w.conductor.instanceSpec(uuid)
    const vifs = await w.conductor.vifs(uuid)
    const bdms = await w.conductor.blockDevices(uuid)
    await w.conductor.updateInstance(
      uuid,
      { task_state: TaskState.SPAWNING },
      { expectedTaskState: [TaskState.BLOCK_DEVICE_MAPPING] },
    )
    const waitVifs = await prepareVifWait(w, uuid)
    const info = await w.driver.spawn(
      { ...spec, node: w.nodename },
      spec.image,
      vifs,
      bdms,
      msg.adminPass,
    )
    await waitVifs?.()
    await w.conductor.updateInstance(
      uuid,
      {
        vm_state: VmState.ACTIVE,
        task_state: null,
        power_state: info.powerState,
        launched_at: new Date().toISOString(),
        // Nova's default when the request named no root device.
        root_device_name: bdms.find((b) => b.bootIndex === 0)?.deviceName || '/dev/vda',
      },
      { expectedTaskState: [TaskState.SPAWNING] },
    )
    built = true
    await w.conductor.finishEvent(uuid, msg.requestId, EVENT, 'Success')
    // NOTE: bookkeeping for BuildFailureWeigher must never undo a finished build.
    await w.conductor
      .call('build_succeeded', { host: w.host })
      .catch((err: unknown) => w.logger.warn({ err: errorText(err) }, 'build_succeeded failed'))
    w.reportResources()
  } catch (err) {
    // The server is up: a bookkeeping failure after that must not tear it down.
    if (built) {
      w.logger.warn({ instance: uuid, err: errorText(err) }, 'recording a finished build failed')
      return undefined
    }
    w.logger.warn({ instance: uuid, node: w.nodename, err: errorText(err) }, 'build failed')
    if (spec)
      await w.driver.destroy({ ...spec, node: w.nodename }, [], [], true).catch(() => undefined)
    w.reportResources()
    await w.conductor.finishEvent(uuid, msg.requestId, EVENT, 'Error', errorTrace(err))
    if (isInstanceGone(err)) return undefined
    await w.conductor.call('reschedule_instance', {
      instanceUuid: uuid,
      requestId: msg.requestId,
      host: w.host,
      node: w.nodename,
      alternates: msg.alternates as never,
      fault: { code: 500, message: errorText(err) },
    })
  }
  return undefined
}
