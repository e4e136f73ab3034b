import { BadRequestError } from '../../common/errors.js'

/** Cinder's volume statuses (cinder/objects/fields.py VolumeStatus). */
export const VolumeStatus = {
  creating: 'creating',
  available: 'available',
  reserved: 'reserved',
  attaching: 'attaching',
  detaching: 'detaching',
  inUse: 'in-use',
  maintenance: 'maintenance',
  deleting: 'deleting',
  error: 'error',
  errorDeleting: 'error_deleting',
  errorExtending: 'error_extending',
  errorRestoring: 'error_restoring',
  errorManaging: 'error_managing',
  extending: 'extending',
  backingUp: 'backing-up',
  restoringBackup: 'restoring-backup',
  retyping: 'retyping',
  uploading: 'uploading',
  downloading: 'downloading',
  awaitingTransfer: 'awaiting-transfer',
} as const
export type VolumeStatus = (typeof VolumeStatus)[keyof typeof VolumeStatus]

/** Statuses os-reset_status accepts (cinder/api/contrib/admin_actions.py). */
export const RESETTABLE_VOLUME_STATUSES: readonly string[] = Object.values(VolumeStatus)

export const SnapshotStatus = {
  creating: 'creating',
  available: 'available',
  deleting: 'deleting',
  error: 'error',
  errorDeleting: 'error_deleting',
  backingUp: 'backing-up',
  restoring: 'restoring',
} as const

export const BackupStatus = {
  creating: 'creating',
  available: 'available',
  deleting: 'deleting',
  error: 'error',
  restoring: 'restoring',
  errorDeleting: 'error_deleting',
} as const

/** Cinder's InvalidVolume (400): "Invalid volume: <reason>". */
export function invalidVolume(reason: string): BadRequestError {
  return new BadRequestError(`Invalid volume: ${reason}`)
}

export function invalidSnapshot(reason: string): BadRequestError {
  return new BadRequestError(`Invalid snapshot: ${reason}`)
}

export function invalidBackup(reason: string): BadRequestError {
  return new BadRequestError(`Invalid backup: ${reason}`)
}

export function invalidInput(reason: string): BadRequestError {
  return new BadRequestError(`Invalid input received: ${reason}`)
}

export const DELETE_REASON =
  'Volume status must be available or error or error_restoring or error_extending or ' +
  'error_managing and must not be migrating, attached, belong to a group, have snapshots ' +
  'or be disassociated from snapshots after volume transfer.'

/** Statuses a normal delete starts from. */
export const DELETABLE: readonly string[] = [
  'available',
  'error',
  'error_restoring',
  'error_extending',
  'error_managing',
]

/** "a or b or c" as Cinder's utils.build_or_str writes it. */
export function orList(items: readonly string[]): string {
  return items.join(' or ')
}
