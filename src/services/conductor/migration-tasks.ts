import type { ConductorMethods } from './conductor-method.js'
import { deleteInstanceImage, imageSpec, uploadSnapshot } from './migration-images.js'
import {
  evacuateInstance,
  instanceOffloaded,
  liveMigrateInstance,
  liveMigrationDone,
  liveMigrationFailed,
  unshelveInstance,
} from './migration-live.js'
import {
  migrateServer,
  migrationFailed,
  migrationGet,
  resizeConfirmed,
  resizeFinished,
  resizeMigrated,
  resizePrepped,
  revertDestDone,
  resizeReverted,
} from './migration-resize.js'
import { bdmGet, volumeAttached, volumeDetached } from './volume-attach-tasks.js'

/**
 * Conductor orchestration of resize, cold migrate, live migrate, evacuate,
 * unshelve, snapshots and volume attachments (owned by the server-actions work). Every entry
 * becomes a method of topic `conductor` (see methods.ts). The `*_done`-style
 * entries are what compute workers call when a step finishes: the conductor
 * then casts the next step to the right host.
 */
export const migrationMethods: ConductorMethods = {
  migrate_server: migrateServer,
  resize_prepped: resizePrepped,
  resize_migrated: resizeMigrated,
  resize_finished: resizeFinished,
  resize_confirmed: resizeConfirmed,
  revert_resize_dest_done: revertDestDone,
  resize_reverted: resizeReverted,
  migration_failed: migrationFailed,
  migration_get: migrationGet,
  live_migrate_instance: liveMigrateInstance,
  live_migration_done: liveMigrationDone,
  live_migration_failed: liveMigrationFailed,
  evacuate_instance: evacuateInstance,
  unshelve_instance: unshelveInstance,
  instance_offloaded: instanceOffloaded,
  upload_snapshot: uploadSnapshot,
  image_spec: imageSpec,
  delete_instance_image: deleteInstanceImage,
  bdm_get: bdmGet,
  volume_attached: volumeAttached,
  volume_detached: volumeDetached,
}
