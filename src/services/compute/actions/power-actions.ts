import { TaskState, VmState } from '../states.js'
import type { SimpleAction } from './simple-action.js'

/**
 * The power-state actions with the vm/task states nova/compute/api.py accepts
 * for each (ALLOW_SOFT_REBOOT, ALLOW_HARD_REBOOT, ALLOW_REBOOT, ...).
 */
const ALLOW_REBOOT_TASKS = [
  null,
  TaskState.REBOOTING,
  TaskState.REBOOT_PENDING,
  TaskState.REBOOT_STARTED,
  TaskState.RESUMING,
  TaskState.REBOOTING_HARD,
  TaskState.UNPAUSING,
  TaskState.PAUSING,
  TaskState.SUSPENDING,
]

export const softReboot: SimpleAction<'reboot_instance'> = {
  api: 'reboot',
  record: 'reboot',
  rule: { vm: [VmState.ACTIVE], task: [null] },
  taskState: TaskState.REBOOTING,
  method: 'reboot_instance',
}

export const hardReboot: SimpleAction<'reboot_instance'> = {
  api: 'reboot',
  record: 'reboot',
  rule: {
    vm: [VmState.ACTIVE, VmState.STOPPED, VmState.PAUSED, VmState.SUSPENDED, VmState.ERROR],
    task: ALLOW_REBOOT_TASKS,
  },
  taskState: TaskState.REBOOTING_HARD,
  expected: ALLOW_REBOOT_TASKS,
  method: 'reboot_instance',
}

export const stop: SimpleAction<'stop_instance'> = {
  api: 'stop',
  record: 'stop',
  rule: { vm: [VmState.ACTIVE, VmState.ERROR] },
  taskState: TaskState.POWERING_OFF,
  method: 'stop_instance',
}

export const start: SimpleAction<'start_instance'> = {
  api: 'start',
  record: 'start',
  rule: { vm: [VmState.STOPPED] },
  taskState: TaskState.POWERING_ON,
  method: 'start_instance',
}

export const pause: SimpleAction<'pause_instance'> = {
  api: 'pause',
  record: 'pause',
  rule: { vm: [VmState.ACTIVE] },
  taskState: TaskState.PAUSING,
  method: 'pause_instance',
}

export const unpause: SimpleAction<'unpause_instance'> = {
  api: 'unpause',
  record: 'unpause',
  rule: { vm: [VmState.PAUSED] },
  taskState: TaskState.UNPAUSING,
  method: 'unpause_instance',
}

export const suspend: SimpleAction<'suspend_instance'> = {
  api: 'suspend',
  record: 'suspend',
  rule: { vm: [VmState.ACTIVE] },
  taskState: TaskState.SUSPENDING,
  method: 'suspend_instance',
}

export const resume: SimpleAction<'resume_instance'> = {
  api: 'resume',
  record: 'resume',
  rule: { vm: [VmState.SUSPENDED] },
  taskState: TaskState.RESUMING,
  method: 'resume_instance',
}

export const unrescue: SimpleAction<'unrescue_instance'> = {
  api: 'unrescue',
  record: 'unrescue',
  rule: { vm: [VmState.RESCUED] },
  taskState: TaskState.UNRESCUING,
  method: 'unrescue_instance',
}

export const rescue: SimpleAction<'rescue_instance'> = {
  api: 'rescue',
  record: 'rescue',
  rule: { vm: [VmState.ACTIVE, VmState.STOPPED, VmState.ERROR] },
  taskState: TaskState.RESCUING,
  method: 'rescue_instance',
}
