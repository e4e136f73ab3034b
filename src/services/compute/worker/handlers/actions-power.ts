import { PowerState, type ComputeDriver, type InstanceSpec } from '../../../../virt/driver.js'
import type { ComputeMethod } from '../../rpc.js'
import { TaskState, VmState } from '../../states.js'
import type { WorkerContext, WorkerHandlers } from '../worker-context.js'
import { runWorkerAction } from './actions-common.js'

interface PowerStep {
  readonly event: string
  readonly expected: ReadonlyArray<string | null>
  readonly vmState: string
  readonly powerState: number
  readonly call: (d: ComputeDriver, spec: InstanceSpec) => Promise<void>
  /** vm_state when the driver call fails (Nova sets ERROR after a failed reboot). */
  readonly errorVmState?: string
}

const REBOOT_TASKS = [
  TaskState.REBOOTING,
  TaskState.REBOOT_PENDING,
  TaskState.REBOOT_STARTED,
  TaskState.REBOOTING_HARD,
  TaskState.REBOOT_PENDING_HARD,
  TaskState.REBOOT_STARTED_HARD,
]

const steps: Record<string, PowerStep> = {
  stop_instance: {
    event: 'compute_stop_instance',
    expected: [TaskState.POWERING_OFF],
    vmState: VmState.STOPPED,
    powerState: PowerState.SHUTDOWN,
    call: (d, s) => d.powerOff(s),
  },
  start_instance: {
    event: 'compute_start_instance',
    expected: [TaskState.POWERING_ON],
    vmState: VmState.ACTIVE,
    powerState: PowerState.RUNNING,
    call: (d, s) => d.powerOn(s),
  },
  pause_instance: {
    event: 'compute_pause_instance',
    expected: [TaskState.PAUSING],
    vmState: VmState.PAUSED,
    powerState: PowerState.PAUSED,
    call: (d, s) => d.pause(s),
  },
  unpause_instance: {
    event: 'compute_unpause_instance',
    expected: [TaskState.UNPAUSING],
    vmState: VmState.ACTIVE,
    powerState: PowerState.RUNNING,
    call: (d, s) => d.unpause(s),
  },
  suspend_instance: {
    event: 'compute_suspend_instance',
    expected: [TaskState.SUSPENDING],
    vmState: VmState.SUSPENDED,
    powerState: PowerState.SUSPENDED,
    call: (d, s) => d.suspend(s),
  },
  resume_instance: {
    event: 'compute_resume_instance',
    expected: [TaskState.RESUMING],
    vmState: VmState.ACTIVE,
    powerState: PowerState.RUNNING,
    call: (d, s) => d.resume(s),
  },
  unrescue_instance: {
    event: 'compute_unrescue_instance',
    expected: [TaskState.UNRESCUING],
    vmState: VmState.ACTIVE,
    powerState: PowerState.RUNNING,
    call: (d, s) => d.unrescue(s),
  },
}

async function runStep(
  w: WorkerContext,
  msg: { instanceUuid: string; requestId: string },
  step: PowerStep,
): Promise<void> {
  await runWorkerAction(
    w,
    msg,
    step.event,
    async (spec) => {
      await step.call(w.driver, spec)
      await w.conductor.updateInstance(
        msg.instanceUuid,
        { vm_state: step.vmState, task_state: null, power_state: step.powerState },
        { expectedTaskState: step.expected },
      )
    },
    step.errorVmState !== undefined ? { values: { vm_state: step.errorVmState } } : {},
  )
}

const stepHandler =
  (name: string) => async (w: WorkerContext, msg: { instanceUuid: string; requestId: string }) => {
    await runStep(w, msg, steps[name] as PowerStep)
    return null
  }

/** reboot, stop/start, pause/unpause, suspend/resume, rescue/unrescue on the worker. */
export const powerHandlers: WorkerHandlers = {
  ...(Object.fromEntries(Object.keys(steps).map((name) => [name, stepHandler(name)])) as Pick<
    WorkerHandlers,
    Exclude<ComputeMethod, 'reboot_instance' | 'rescue_instance'>
  >),
  async reboot_instance(w, msg) {
    await runStep(w, msg, {
      event: 'compute_reboot_instance',
      expected: REBOOT_TASKS,
      vmState: VmState.ACTIVE,
      powerState: PowerState.RUNNING,
      call: (d, s) => d.reboot(s, msg.type),
      errorVmState: VmState.ERROR,
    })
    return null
  },
  async rescue_instance(w, msg) {
    await runWorkerAction(w, msg, 'compute_rescue_instance', async (spec) => {
      // NOTE: a rescue image other than the instance's own is not described to
      // the driver yet (the worker has no image service); the driver boots the
      // rescue disk from the instance's image, as Nova does without one.
      await w.driver.rescue(spec, spec.image, msg.adminPass)
      await w.conductor.updateInstance(
        msg.instanceUuid,
        { vm_state: VmState.RESCUED, task_state: null, power_state: PowerState.RUNNING },
        { expectedTaskState: [TaskState.RESCUING] },
      )
    })
    return null
  },
}
