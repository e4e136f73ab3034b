import {
  PowerState,
  type ImageSpec,
  type ImageUpload,
  type InstanceSpec,
} from '../../../../virt/driver.js'
import { TaskState, VmState } from '../../states.js'
import type { WorkerContext, WorkerHandlers } from '../worker-context.js'
import { nowIso, runWorkerAction } from './actions-common.js'

async function collect(data: AsyncIterable<Buffer> | Buffer): Promise<Buffer> {
  if (Buffer.isBuffer(data)) return data
  const parts: Buffer[] = []
  for await (const p of data) parts.push(p)
  return Buffer.concat(parts)
}

/**
 * The driver's snapshot bytes, through the conductor into the image service,
 * with task_state stepping pending-upload → uploading as in Nova.
 */
async function snapshotTo(
  w: WorkerContext,
  spec: InstanceSpec,
  imageId: string,
  states: { readonly pending: string; readonly uploading: string; readonly from: string },
): Promise<void> {
  const uuid = spec.uuid
  await w.conductor.updateInstance(
    uuid,
    { task_state: states.pending },
    { expectedTaskState: [states.from] },
  )
  const upload: ImageUpload = async (data, format) => {
    await w.conductor.updateInstance(
      uuid,
      { task_state: states.uploading },
      { expectedTaskState: [states.pending] },
    )
    await w.conductor.call('upload_snapshot', {
      instanceUuid: uuid,
      imageId,
      data: (await collect(data)).toString('base64'),
      diskFormat: format.diskFormat,
      containerFormat: format.containerFormat,
    })
  }
  await w.driver.snapshot(spec, upload)
}

function sysMeta(text: string | undefined | null): Record<string, string> {
  try {
    return JSON.parse(text || '{}') as Record<string, string>
  } catch {
    return {}
  }
}

/** Shelve's second half: off the hypervisor, off the host (shelved_offload_time 0). */
async function offload(
  w: WorkerContext,
  msg: { instanceUuid: string; requestId: string },
): Promise<void> {
  await runWorkerAction(w, msg, 'compute_shelve_offload_instance', async (spec) => {
    const vifs = await w.conductor.vifs(msg.instanceUuid)
    const bdms = await w.conductor.blockDevices(msg.instanceUuid)
    await w.driver.destroy(spec, vifs, bdms, true)
    await w.conductor.call('instance_offloaded', { instanceUuid: msg.instanceUuid })
  })
  w.reportResources()
}

/** snapshot (createImage), shelve/unshelve and rebuild (also evacuation's recreate). */
export const imageHandlers: WorkerHandlers = {
  async snapshot_instance(w, msg) {
    const ok = await runWorkerAction(w, msg, 'compute_snapshot_instance', async (spec) => {
      await snapshotTo(w, spec, msg.imageId, {
        from: TaskState.IMAGE_SNAPSHOT,
        pending: TaskState.IMAGE_PENDING_UPLOAD,
        uploading: TaskState.IMAGE_UPLOADING,
      })
      await w.conductor.updateInstance(
        msg.instanceUuid,
        { task_state: null },
        { expectedTaskState: [TaskState.IMAGE_UPLOADING] },
      )
      return true
    })
    // Nova deletes the image of a failed snapshot.
    if (!ok)
      await w.conductor
        .call('delete_instance_image', { instanceUuid: msg.instanceUuid, imageId: msg.imageId })
        .catch(() => undefined)
    return null
  },

  async shelve_instance(w, msg) {
    const inst = await w.conductor.getInstance(msg.instanceUuid)
    if (inst?.task_state !== TaskState.SHELVING_OFFLOADING) {
      const ok = await runWorkerAction(w, msg, 'compute_shelve_instance', async (spec) => {
        await w.driver.powerOff(spec)
        if (msg.imageId !== undefined)
          await snapshotTo(w, spec, msg.imageId, {
            from: TaskState.SHELVING,
            pending: TaskState.SHELVING_IMAGE_PENDING_UPLOAD,
            uploading: TaskState.SHELVING_IMAGE_UPLOADING,
          })
        const sys = sysMeta(inst?.system_metadata)
        await w.conductor.updateInstance(msg.instanceUuid, {
          vm_state: VmState.SHELVED,
          power_state: PowerState.SHUTDOWN,
          task_state: TaskState.SHELVING_OFFLOADING,
          system_metadata: JSON.stringify({
            ...sys,
            shelved_at: nowIso(),
            shelved_host: w.host,
            ...(msg.imageId !== undefined ? { shelved_image_id: msg.imageId } : {}),
          }),
        })
        return true
      })
      if (!ok) return null
    }
    await offload(w, msg)
    return null
  },

  async unshelve_instance(w, msg) {
    await runWorkerAction(w, msg, 'compute_unshelve_instance', async (spec) => {
      const inst = await w.conductor.getInstance(msg.instanceUuid)
      const sys = sysMeta(inst?.system_metadata)
      const imageId = sys['shelved_image_id']
      if (inst?.vm_state === VmState.SHELVED) {
        await w.driver.powerOn(spec)
      } else {
        let image: ImageSpec | undefined = spec.image
        if (imageId)
          image = ((await w.conductor
            .call('image_spec', { instanceUuid: msg.instanceUuid, imageId })
            .catch(() => undefined)) ?? spec.image) as ImageSpec | undefined
        await w.conductor.updateInstance(
          msg.instanceUuid,
          { task_state: TaskState.SPAWNING },
          { expectedTaskState: [TaskState.UNSHELVING] },
        )
        const vifs = await w.conductor.vifs(msg.instanceUuid)
        const bdms = await w.conductor.blockDevices(msg.instanceUuid)
        await w.driver.spawn(spec, image, vifs, bdms)
      }
      const rest = Object.fromEntries(
        Object.entries(sys).filter(
          ([k]) => !['shelved_at', 'shelved_host', 'shelved_image_id'].includes(k),
        ),
      )
      await w.conductor.updateInstance(msg.instanceUuid, {
        vm_state: VmState.ACTIVE,
        task_state: null,
        power_state: PowerState.RUNNING,
        system_metadata: JSON.stringify(rest),
      })
      if (imageId)
        await w.conductor
          .call('delete_instance_image', { instanceUuid: msg.instanceUuid, imageId })
          .catch(() => undefined)
    })
    w.reportResources()
    return null
  },

  async rebuild_instance(w, msg) {
    await runWorkerAction(
      w,
      msg,
      'compute_rebuild_instance',
      async (spec) => {
        const inst = await w.conductor.getInstance(msg.instanceUuid)
        const vifs = await w.conductor.vifs(msg.instanceUuid)
        const bdms = await w.conductor.blockDevices(msg.instanceUuid)
        // Evacuation (recreate) has nothing to tear down here: the old host is gone.
        if (!msg.recreate) await w.driver.destroy(spec, vifs, bdms, true)
        await w.conductor.updateInstance(msg.instanceUuid, {
          task_state: TaskState.REBUILD_SPAWNING,
        })
        const info = await w.driver.spawn(spec, spec.image, vifs, bdms, msg.adminPass)
        const stopped = inst?.vm_state === VmState.STOPPED
        if (stopped) await w.driver.powerOff(spec)
        await w.conductor.updateInstance(
          msg.instanceUuid,
          {
            vm_state: stopped ? VmState.STOPPED : VmState.ACTIVE,
            task_state: null,
            power_state: stopped ? PowerState.SHUTDOWN : info.powerState,
            launched_at: nowIso(),
          },
          { expectedTaskState: [TaskState.REBUILD_SPAWNING] },
        )
      },
      { values: { vm_state: VmState.ERROR } },
    )
    w.reportResources()
    return null
  },
}
