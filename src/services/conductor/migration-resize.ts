import type { FlavorSpec } from '../../virt/driver.js'
import {
  createMigration,
  requireMigration,
  updateMigration,
  type MigrationRow,
} from '../compute/actions/migration-records.js'
import { TaskState } from '../compute/states.js'
import { deleteAllocations, moveAllocations } from '../placement/index.js'
import { conductorMethod, type ConductorContext } from './conductor-method.js'
import { finishActionEvent, startActionEvent } from './instance-actions.js'
import { requireInstance, saveFault, saveInstance } from './instance-store.js'
import { castHost, scheduleInstance } from './migration-schedule.js'
import { rebindNetworks } from './network-release.js'

export interface MigrateServerArgs {
  readonly instanceUuid: string
  readonly requestId: string
  /** Resize: the new flavor; absent for a cold migration. */
  readonly newFlavor?: FlavorSpec
  /** Cold migration to this host (2.56). */
  readonly host?: string
}

/** A worker step's report: which migration and which API request. */
export interface StepArgs {
  readonly instanceUuid: string
  readonly requestId: string
  readonly migrationUuid: string
}

const MIGRATE_EVENT = 'conductor_migrate_server'

/**
 * conductor.migrate_server (call): resize or cold-migrate. The instance's
 * allocation moves to the migration (the source keeps it until confirm or
 * revert), the scheduler claims the new size on the destination for the
 * instance, then the destination gets prep_resize. NoValidHost is rethrown
 * to the API after everything is put back.
 */
export const migrateServer = conductorMethod<MigrateServerArgs>(async (c, a) => {
  const inst = await requireInstance(c.db, a.instanceUuid)
  await startActionEvent(c.db, inst.uuid, a.requestId, MIGRATE_EVENT, c.conductorHost)
  const oldFlavor = JSON.parse(inst.flavor) as FlavorSpec
  const newFlavor = a.newFlavor ?? oldFlavor
  const mig = await createMigration(c.db, {
    instanceUuid: inst.uuid,
    projectId: inst.project_id,
    userId: inst.user_id,
    type: a.newFlavor ? 'resize' : 'migration',
    status: 'pre-migrating',
    sourceCompute: inst.host,
    sourceNode: inst.node,
    oldFlavorId: oldFlavor.id,
    newFlavorId: newFlavor.id,
    destHost: a.host ?? null,
  })
  await moveAllocations(c.db, inst.uuid, mig.uuid)
  const sameHost = c.config.compute.allow_resize_to_same_host
  try {
    const sel = await scheduleInstance(c, inst, {
      flavor: newFlavor,
      ignoreHosts: sameHost || !inst.host ? [] : [inst.host],
      ...(a.host !== undefined ? { forceHost: a.host } : {}),
    })
    await updateMigration(c.db, mig.uuid, {
      dest_compute: sel.host,
      dest_node: sel.nodename,
      dest_host: sel.host,
    })
    await saveInstance(c.db, inst.uuid, {
      old_flavor: inst.flavor,
      new_flavor: JSON.stringify(newFlavor),
    })
    await finishActionEvent(c.db, inst.uuid, a.requestId, MIGRATE_EVENT, 'Success', c.conductorHost)
    await castHost(c, sel.host, 'prep_resize', {
      instanceUuid: inst.uuid,
      requestId: a.requestId,
      migrationUuid: mig.uuid,
      selection: sel,
    })
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err)
    await moveAllocations(c.db, mig.uuid, inst.uuid)
    await updateMigration(c.db, mig.uuid, { status: 'error' })
    await saveInstance(c.db, inst.uuid, { task_state: null })
    await saveFault(c.db, inst.uuid, { code: 400, message })
    await finishActionEvent(
      c.db,
      inst.uuid,
      a.requestId,
      MIGRATE_EVENT,
      'Error',
      c.conductorHost,
      message,
    )
    throw err
  }
})

async function migrationOf(c: ConductorContext, a: StepArgs): Promise<MigrationRow> {
  return requireMigration(c.db, a.migrationUuid)
}

/** prep_resize done on the destination: the source stops the server and hands it over. */
export const resizePrepped = conductorMethod<StepArgs>(async (c, a) => {
  const mig = await migrationOf(c, a)
  await updateMigration(c.db, mig.uuid, { status: 'migrating' })
  await castHost(c, mig.source_compute ?? '', 'resize_instance', a)
})

/** resize_instance done on the source: the instance now belongs to the destination. */
export const resizeMigrated = conductorMethod<StepArgs>(async (c, a) => {
  const mig = await migrationOf(c, a)
  const inst = await requireInstance(c.db, a.instanceUuid)
  const moved = await saveInstance(c.db, inst.uuid, {
    host: mig.dest_compute,
    node: mig.dest_node,
    flavor: inst.new_flavor ?? inst.flavor,
    task_state: TaskState.RESIZE_FINISH,
  })
  await rebindNetworks(c, moved, mig.dest_compute ?? '')
  await updateMigration(c.db, mig.uuid, { status: 'post-migrating' })
  await castHost(c, mig.dest_compute ?? '', 'finish_resize', a)
})

export const resizeFinished = conductorMethod<StepArgs>(async (c, a) => {
  await updateMigration(c.db, a.migrationUuid, { status: 'finished' })
})

/** confirm_resize done on the source: the source's allocation (held by the migration) goes. */
export const resizeConfirmed = conductorMethod<StepArgs>(async (c, a) => {
  await deleteAllocations(c.db, a.migrationUuid)
  await updateMigration(c.db, a.migrationUuid, { status: 'confirmed' })
  await saveInstance(c.db, a.instanceUuid, { old_flavor: null, new_flavor: null })
})

/** revert_resize done on the destination: back to the source with the old flavor and allocation. */
export const revertDestDone = conductorMethod<StepArgs>(async (c, a) => {
  const mig = await migrationOf(c, a)
  const inst = await requireInstance(c.db, a.instanceUuid)
  const back = await saveInstance(c.db, inst.uuid, {
    host: mig.source_compute,
    node: mig.source_node,
    flavor: inst.old_flavor ?? inst.flavor,
  })
  await moveAllocations(c.db, mig.uuid, inst.uuid)
  await rebindNetworks(c, back, mig.source_compute ?? '')
  await castHost(c, mig.source_compute ?? '', 'finish_revert_resize', a)
})

export const resizeReverted = conductorMethod<StepArgs>(async (c, a) => {
  await updateMigration(c.db, a.migrationUuid, { status: 'reverted' })
  await saveInstance(c.db, a.instanceUuid, { old_flavor: null, new_flavor: null })
})

/**
 * A resize step failed on a worker: the allocation and the instance go back
 * to the source (the worker already set vm_state and the fault).
 */
export const migrationFailed = conductorMethod<StepArgs>(async (c, a) => {
  const mig = await migrationOf(c, a)
  const inst = await requireInstance(c.db, a.instanceUuid)
  if (mig.source_compute && inst.host !== mig.source_compute)
    await saveInstance(c.db, inst.uuid, {
      host: mig.source_compute,
      node: mig.source_node,
      flavor: inst.old_flavor ?? inst.flavor,
    })
  await saveInstance(c.db, inst.uuid, { old_flavor: null, new_flavor: null })
  await moveAllocations(c.db, mig.uuid, inst.uuid)
  await updateMigration(c.db, mig.uuid, { status: 'error' })
})

/** The migration row, for workers (they hold no database). */
export const migrationGet = conductorMethod<{ migrationUuid: string }>(async (c, a) => {
  const m = await requireMigration(c.db, a.migrationUuid)
  return { ...m }
})
