import type { MigrationTable } from '../../../../db/compute-schema.js'
import { PowerState, type FlavorSpec } from '../../../../virt/driver.js'
import { TaskState, VmState } from '../../states.js'
import type { WorkerContext, WorkerHandlers } from '../worker-context.js'
import { runWorkerAction } from './actions-common.js'

type Step = { instanceUuid: string; requestId: string; migrationUuid: string }

async function migrationOf(w: WorkerContext, msg: Step): Promise<MigrationTable> {
  return (await w.conductor.call('migration_get', {
    migrationUuid: msg.migrationUuid,
  })) as unknown as MigrationTable
}

/** Whether the server ran before the resize (Nova's system_metadata old_vm_state). */
async function wasRunning(w: WorkerContext, uuid: string): Promise<boolean> {
  const inst = await w.conductor.getInstance(uuid)
  const sys = JSON.parse(inst?.system_metadata || '{}') as Record<string, string>
  return sys['old_vm_state'] !== VmState.STOPPED
}

const stepArgs = (m: Step) => ({
  instanceUuid: m.instanceUuid,
  requestId: m.requestId,
  migrationUuid: m.migrationUuid,
})

/** A failed resize step: ERROR with the fault (runWorkerAction), and the conductor puts things back. */
const failedResize = (w: WorkerContext, msg: Step) => ({
  values: { vm_state: VmState.ERROR },
  after: () => w.conductor.call('migration_failed', stepArgs(msg)),
})

async function resizeStep(
  w: WorkerContext,
  msg: Step,
  event: string,
  body: () => Promise<void>,
): Promise<null> {
  const f = failedResize(w, msg)
  let failed = true
  await runWorkerAction(
    w,
    msg,
    event,
    async () => {
      await body()
      failed = false
    },
    { values: f.values },
  )
  if (failed) await f.after().catch(() => undefined)
  w.reportResources()
  return null
}

/**
 * The worker steps of resize and cold migration (Nova's prep_resize,
 * resize_instance, finish_resize, confirm_resize, revert_resize,
 * finish_revert_resize) and of live migration; the conductor links them.
 */
export const resizeHandlers: WorkerHandlers = {
  async prep_resize(w, msg) {
    return resizeStep(w, msg, 'compute_prep_resize', async () => {
      await w.conductor.call('resize_prepped', stepArgs(msg))
    })
  },

  async resize_instance(w, msg) {
    return resizeStep(w, msg, 'compute_resize_instance', async () => {
      const mig = await migrationOf(w, msg)
      const inst = await w.conductor.getInstance(msg.instanceUuid)
      const newFlavor = JSON.parse(inst?.new_flavor ?? inst?.flavor ?? '{}') as FlavorSpec
      await w.conductor.updateInstance(
        msg.instanceUuid,
        { task_state: TaskState.RESIZE_MIGRATING },
        { expectedTaskState: [TaskState.RESIZE_PREP] },
      )
      const spec = await w.conductor.instanceSpec(msg.instanceUuid)
      await w.driver.migrateDiskAndPowerOff(spec, mig.dest_node ?? '', newFlavor)
      await w.conductor.updateInstance(
        msg.instanceUuid,
        { task_state: TaskState.RESIZE_MIGRATED, power_state: PowerState.SHUTDOWN },
        { expectedTaskState: [TaskState.RESIZE_MIGRATING] },
      )
      await w.conductor.call('resize_migrated', stepArgs(msg))
    })
  },

  async finish_resize(w, msg) {
    return resizeStep(w, msg, 'compute_finish_resize', async () => {
      const spec = await w.conductor.instanceSpec(msg.instanceUuid)
      const vifs = await w.conductor.vifs(msg.instanceUuid)
      const info = await w.driver.finishMigration(spec, vifs, await wasRunning(w, msg.instanceUuid))
      // The migration is 'finished' before the server shows VERIFY_RESIZE, so a
      // confirmResize sent the moment it does finds it.
      await w.conductor.call('resize_finished', stepArgs(msg))
      await w.conductor.updateInstance(
        msg.instanceUuid,
        { vm_state: VmState.RESIZED, task_state: null, power_state: info.powerState },
        { expectedTaskState: [TaskState.RESIZE_FINISH] },
      )
    })
  },

  async confirm_resize(w, msg) {
    await runWorkerAction(w, msg, 'compute_confirm_resize', async (spec) => {
      const mig = await migrationOf(w, msg)
      await w.driver.confirmMigration(spec, mig.source_node ?? '')
      await w.conductor.call('resize_confirmed', stepArgs(msg))
      const running = await wasRunning(w, msg.instanceUuid)
      await w.conductor.updateInstance(msg.instanceUuid, {
        vm_state: running ? VmState.ACTIVE : VmState.STOPPED,
        task_state: null,
      })
    })
    w.reportResources()
    return null
  },

  async revert_resize(w, msg) {
    // NOTE: the destination's copy is not destroyed here: the driver's
    // finishRevertMigration on the source takes the server back (the fake and
    // vSphere move one VM rather than keeping two).
    return resizeStep(w, msg, 'compute_revert_resize', async () => {
      await w.conductor.call('revert_resize_dest_done', stepArgs(msg))
    })
  },

  async finish_revert_resize(w, msg) {
    return resizeStep(w, msg, 'compute_finish_revert_resize', async () => {
      const spec = await w.conductor.instanceSpec(msg.instanceUuid)
      const vifs = await w.conductor.vifs(msg.instanceUuid)
      const running = await wasRunning(w, msg.instanceUuid)
      const info = await w.driver.finishRevertMigration(spec, vifs, running)
      await w.conductor.updateInstance(
        msg.instanceUuid,
        {
          vm_state: running ? VmState.ACTIVE : VmState.STOPPED,
          task_state: null,
          power_state: info.powerState,
        },
        { expectedTaskState: [TaskState.RESIZE_REVERTING] },
      )
      await w.conductor.call('resize_reverted', stepArgs(msg))
    })
  },

  async live_migration(w, msg) {
    let done = false
    await runWorkerAction(w, msg, 'compute_live_migration', async (spec) => {
      await w.driver.liveMigration(spec, msg.selection.nodename, msg.selection.subHost)
      done = true
      await w.conductor.call('live_migration_done', stepArgs(msg))
    })
    if (!done) await w.conductor.call('live_migration_failed', stepArgs(msg)).catch(() => undefined)
    w.reportResources()
    return null
  },
}
