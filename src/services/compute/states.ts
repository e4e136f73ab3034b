/**
 * Nova's instance states (nova/compute/vm_states.py, task_states.py) and the
 * API `status` derived from them (nova/api/openstack/common.py).
 */

export const VmState = {
  ACTIVE: 'active',
  BUILDING: 'building',
  PAUSED: 'paused',
  SUSPENDED: 'suspended',
  STOPPED: 'stopped',
  RESCUED: 'rescued',
  RESIZED: 'resized',
  SOFT_DELETED: 'soft-delete',
  DELETED: 'deleted',
  ERROR: 'error',
  SHELVED: 'shelved',
  SHELVED_OFFLOADED: 'shelved_offloaded',
} as const
export type VmState = (typeof VmState)[keyof typeof VmState]

export const TaskState = {
  SCHEDULING: 'scheduling',
  BLOCK_DEVICE_MAPPING: 'block_device_mapping',
  NETWORKING: 'networking',
  SPAWNING: 'spawning',
  IMAGE_SNAPSHOT: 'image_snapshot',
  IMAGE_SNAPSHOT_PENDING: 'image_snapshot_pending',
  IMAGE_PENDING_UPLOAD: 'image_pending_upload',
  IMAGE_UPLOADING: 'image_uploading',
  UPDATING_PASSWORD: 'updating_password',
  RESIZE_PREP: 'resize_prep',
  RESIZE_MIGRATING: 'resize_migrating',
  RESIZE_MIGRATED: 'resize_migrated',
  RESIZE_FINISH: 'resize_finish',
  RESIZE_REVERTING: 'resize_reverting',
  RESIZE_CONFIRMING: 'resize_confirming',
  REBOOTING: 'rebooting',
  REBOOT_PENDING: 'reboot_pending',
  REBOOT_STARTED: 'reboot_started',
  REBOOTING_HARD: 'rebooting_hard',
  REBOOT_PENDING_HARD: 'reboot_pending_hard',
  REBOOT_STARTED_HARD: 'reboot_started_hard',
  PAUSING: 'pausing',
  UNPAUSING: 'unpausing',
  SUSPENDING: 'suspending',
  RESUMING: 'resuming',
  POWERING_OFF: 'powering-off',
  POWERING_ON: 'powering-on',
  RESCUING: 'rescuing',
  UNRESCUING: 'unrescuing',
  REBUILDING: 'rebuilding',
  REBUILD_BLOCK_DEVICE_MAPPING: 'rebuild_block_device_mapping',
  REBUILD_SPAWNING: 'rebuild_spawning',
  MIGRATING: 'migrating',
  DELETING: 'deleting',
  SOFT_DELETING: 'soft-deleting',
  RESTORING: 'restoring',
  SHELVING: 'shelving',
  SHELVING_IMAGE_PENDING_UPLOAD: 'shelving_image_pending_upload',
  SHELVING_IMAGE_UPLOADING: 'shelving_image_uploading',
  SHELVING_OFFLOADING: 'shelving_offloading',
  UNSHELVING: 'unshelving',
} as const
export type TaskState = (typeof TaskState)[keyof typeof TaskState]

/** vm_state → status, with per-task_state overrides (Nova's _STATE_MAP). */
const STATE_MAP: Record<string, Record<string, string>> = {
  [VmState.ACTIVE]: {
    default: 'ACTIVE',
    [TaskState.REBOOTING]: 'REBOOT',
    [TaskState.REBOOT_PENDING]: 'REBOOT',
    [TaskState.REBOOT_STARTED]: 'REBOOT',
    [TaskState.REBOOTING_HARD]: 'HARD_REBOOT',
    [TaskState.REBOOT_PENDING_HARD]: 'HARD_REBOOT',
    [TaskState.REBOOT_STARTED_HARD]: 'HARD_REBOOT',
    [TaskState.UPDATING_PASSWORD]: 'PASSWORD',
    [TaskState.REBUILDING]: 'REBUILD',
    [TaskState.REBUILD_BLOCK_DEVICE_MAPPING]: 'REBUILD',
    [TaskState.REBUILD_SPAWNING]: 'REBUILD',
    [TaskState.MIGRATING]: 'MIGRATING',
    [TaskState.RESIZE_PREP]: 'RESIZE',
    [TaskState.RESIZE_MIGRATING]: 'RESIZE',
    [TaskState.RESIZE_MIGRATED]: 'RESIZE',
    [TaskState.RESIZE_FINISH]: 'RESIZE',
  },
  [VmState.BUILDING]: { default: 'BUILD' },
  [VmState.STOPPED]: {
    default: 'SHUTOFF',
    [TaskState.RESIZE_PREP]: 'RESIZE',
    [TaskState.RESIZE_MIGRATING]: 'RESIZE',
    [TaskState.RESIZE_MIGRATED]: 'RESIZE',
    [TaskState.RESIZE_FINISH]: 'RESIZE',
    [TaskState.REBUILDING]: 'REBUILD',
    [TaskState.REBUILD_BLOCK_DEVICE_MAPPING]: 'REBUILD',
    [TaskState.REBUILD_SPAWNING]: 'REBUILD',
  },
  [VmState.RESIZED]: { default: 'VERIFY_RESIZE', [TaskState.RESIZE_REVERTING]: 'REVERT_RESIZE' },
  [VmState.PAUSED]: { default: 'PAUSED', [TaskState.MIGRATING]: 'MIGRATING' },
  [VmState.SUSPENDED]: { default: 'SUSPENDED' },
  [VmState.RESCUED]: { default: 'RESCUE' },
  [VmState.ERROR]: {
    default: 'ERROR',
    [TaskState.REBUILDING]: 'REBUILD',
    [TaskState.REBUILD_BLOCK_DEVICE_MAPPING]: 'REBUILD',
    [TaskState.REBUILD_SPAWNING]: 'REBUILD',
  },
  [VmState.DELETED]: { default: 'DELETED' },
  [VmState.SOFT_DELETED]: { default: 'SOFT_DELETED' },
  [VmState.SHELVED]: { default: 'SHELVED' },
  [VmState.SHELVED_OFFLOADED]: { default: 'SHELVED_OFFLOADED' },
}

/** The API `status` of a server. */
export function serverStatus(vmState: string, taskState: string | null): string {
  const m = STATE_MAP[vmState]
  if (!m) return 'UNKNOWN'
  return (taskState !== null ? m[taskState] : undefined) ?? m.default ?? 'UNKNOWN'
}

/** status filter → the vm_states (and task_states) it selects, for list filters. */
export function statesForStatus(
  status: string,
): { vmStates: string[]; taskStates?: string[] } | undefined {
  const upper = status.toUpperCase()
  const vmStates: string[] = []
  const taskStates: string[] = []
  for (const [vm, m] of Object.entries(STATE_MAP)) {
    for (const [task, st] of Object.entries(m)) {
      if (st !== upper) continue
      if (task === 'default') vmStates.push(vm)
      else taskStates.push(task)
    }
  }
  if (vmStates.length === 0 && taskStates.length === 0) return undefined
  return taskStates.length > 0 && vmStates.length === 0
    ? { vmStates: Object.keys(STATE_MAP), taskStates }
    : { vmStates }
}
