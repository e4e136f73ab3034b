import { ConflictError, NotFoundError } from '../../common/errors.js'
import type { InstanceTable } from '../../db/compute-schema.js'
import type { FlavorSpec } from '../../virt/driver.js'
import {
  createMigration,
  requireMigration,
  updateMigration,
  updateMigrationIf,
} from '../compute/actions/migration-records.js'
import type { Selection } from '../compute/rpc.js'
import { TaskState, VmState } from '../compute/states.js'
import { claim, deleteAllocations, moveAllocations } from '../placement/index.js'
import { conductorMethod, type ConductorContext } from './conductor-method.js'
import { finishActionEvent, startActionEvent } from './instance-actions.js'
import { requireInstance, saveFault, saveInstance } from './instance-store.js'
import type { StepArgs } from './migration-resize.js'
import { castHost, scheduleInstance } from './migration-schedule.js'
import { rebindNetworks } from './network-release.js'

function resourcesOf(flavorJson: string): Record<string, number> {
  const f = JSON.parse(flavorJson) as FlavorSpec
  return {
    VCPU: f.vcpus,
    MEMORY_MB: f.memoryMb,
    DISK_GB: f.rootGb + f.ephemeralGb + Math.ceil(f.swapMb / 1024),
  }
}

/** A forced destination (live migration 2.30 force, evacuate force): claimed without the scheduler. */
async function claimOnHost(
  c: ConductorContext,
  inst: InstanceTable,
  host: string,
): Promise<Selection> {
  const node = await c.db
    .selectFrom('compute_nodes')
    .selectAll()
    .where('host', '=', host)
    .orderBy('id')
    .executeTakeFirst()
  if (!node) throw new NotFoundError(`Compute host ${host} could not be found.`)
  const resources = resourcesOf(inst.flavor)
  const ok = await claim(c.db, inst.uuid, node.uuid, resources, {
    projectId: inst.project_id,
    userId: inst.user_id,
  })
  if (!ok)
    throw new Error(
      `No valid host was found. Unable to claim the resources of the instance on ${host}.`,
    )
  return { host, nodename: node.nodename, providerUuid: node.uuid, resources }
}

/** Chooses and claims the destination of a move; the old allocation is already on the migration. */
async function destinationFor(
  c: ConductorContext,
  inst: InstanceTable,
  host: string | undefined,
  force: boolean,
): Promise<Selection> {
  if (host !== undefined && force) return claimOnHost(c, inst, host)
  return scheduleInstance(c, inst, {
    ignoreHosts: inst.host ? [inst.host] : [],
    ...(host !== undefined ? { forceHost: host } : {}),
  })
}

/** An abort (2.65) won the race against the start of the migration; already undone. */
class MigrationCancelled extends ConflictError {
  constructor(uuid: string) {
    super(`Live migration ${uuid} was cancelled before it started.`)
  }
}

export interface MoveArgs {
  readonly instanceUuid: string
  readonly requestId: string
  readonly host?: string
  readonly force?: boolean
  readonly adminPass?: string
}

/**
 * Shared by live migration and evacuation: migration row, allocation moved to
 * it, destination claimed for the instance. On failure everything is put back,
 * the event fails and the error is rethrown (calls) or left as the fault.
 */
async function startMove(
  c: ConductorContext,
  a: MoveArgs,
  type: 'live-migration' | 'evacuation',
  event: string,
): Promise<{ inst: InstanceTable; migrationUuid: string; sel: Selection }> {
  const inst = await requireInstance(c.db, a.instanceUuid)
  await startActionEvent(c.db, inst.uuid, a.requestId, event, c.conductorHost)
  const flavorId = (JSON.parse(inst.flavor) as FlavorSpec).id
  const mig = await createMigration(c.db, {
    instanceUuid: inst.uuid,
    projectId: inst.project_id,
    userId: inst.user_id,
    type,
    status: type === 'live-migration' ? 'preparing' : 'pre-migrating',
    sourceCompute: inst.host,
    sourceNode: inst.node,
    oldFlavorId: flavorId,
    newFlavorId: flavorId,
    destHost: a.host ?? null,
  })
  await moveAllocations(c.db, inst.uuid, mig.uuid)
  try {
    const sel = await destinationFor(c, inst, a.host, a.force === true)
    // A live migration still 'preparing' may be aborted through the API (2.65):
    // it only starts running if nobody cancelled it meanwhile.
    const started = await updateMigrationIf(
      c.db,
      mig.uuid,
      [type === 'live-migration' ? 'preparing' : 'pre-migrating'],
      {
        dest_compute: sel.host,
        dest_node: sel.nodename,
        dest_host: sel.host,
        status: type === 'live-migration' ? 'running' : 'pre-migrating',
      },
    )
    if (!started) {
      await deleteAllocations(c.db, inst.uuid)
      await moveAllocations(c.db, mig.uuid, inst.uuid)
      await saveInstance(c.db, inst.uuid, { task_state: null })
      await finishActionEvent(c.db, inst.uuid, a.requestId, event, 'Success', c.conductorHost)
      throw new MigrationCancelled(mig.uuid)
    }
    await finishActionEvent(c.db, inst.uuid, a.requestId, event, 'Success', c.conductorHost)
    return { inst, migrationUuid: mig.uuid, sel }
  } catch (err) {
    if (err instanceof MigrationCancelled) throw err
    const message = err instanceof Error ? err.message : String(err)
    await moveAllocations(c.db, mig.uuid, inst.uuid)
    await updateMigration(c.db, mig.uuid, {
      status: type === 'live-migration' ? 'error' : 'failed',
    })
    await saveInstance(c.db, inst.uuid, { task_state: null })
    await saveFault(c.db, inst.uuid, { code: 400, message })
    await finishActionEvent(c.db, inst.uuid, a.requestId, event, 'Error', c.conductorHost, message)
    throw err
  }
}

/** conductor.live_migrate_instance: then the source worker runs live_migration. */
export const liveMigrateInstance = conductorMethod<MoveArgs>(async (c, a) => {
  const { inst, migrationUuid, sel } = await startMove(
    c,
    a,
    'live-migration',
    'conductor_live_migrate_instance',
  )
  await castHost(c, inst.host ?? '', 'live_migration', {
    instanceUuid: inst.uuid,
    requestId: a.requestId,
    migrationUuid,
    selection: sel,
  })
})

/** live_migration done on the source: the instance is on the destination now. */
export const liveMigrationDone = conductorMethod<StepArgs>(async (c, a) => {
  const mig = await requireMigration(c.db, a.migrationUuid)
  const inst = await saveInstance(c.db, a.instanceUuid, {
    host: mig.dest_compute,
    node: mig.dest_node,
    task_state: null,
  })
  await rebindNetworks(c, inst, mig.dest_compute ?? '')
  await deleteAllocations(c.db, mig.uuid)
  await updateMigration(c.db, mig.uuid, { status: 'completed' })
})

/** live_migration failed (or was aborted): the instance stays on the source. */
export const liveMigrationFailed = conductorMethod<StepArgs & { status?: string }>(async (c, a) => {
  await moveAllocations(c.db, a.migrationUuid, a.instanceUuid)
  await updateMigration(c.db, a.migrationUuid, { status: a.status ?? 'error' })
  await saveInstance(c.db, a.instanceUuid, { task_state: null })
})

/**
 * conductor.evacuate_instance: rebuild on another host while the source is
 * down. The source's allocation is dropped (its host is gone; Nova cleans it
 * when the host returns).
 */
export const evacuateInstance = conductorMethod<MoveArgs>(async (c, a) => {
  const { inst, migrationUuid, sel } = await startMove(
    c,
    a,
    'evacuation',
    'conductor_rebuild_server',
  )
  const moved = await saveInstance(c.db, inst.uuid, {
    host: sel.host,
    node: sel.nodename,
  })
  await rebindNetworks(c, moved, sel.host)
  await deleteAllocations(c.db, migrationUuid)
  await updateMigration(c.db, migrationUuid, { status: 'done' })
  await castHost(c, sel.host, 'rebuild_instance', {
    instanceUuid: inst.uuid,
    requestId: a.requestId,
    imageRef: inst.image_ref,
    recreate: true,
    ...(a.adminPass !== undefined ? { adminPass: a.adminPass } : {}),
  })
})

/** conductor.unshelve_instance: an offloaded server gets a host again, then unshelve_instance there. */
export const unshelveInstance = conductorMethod<{ instanceUuid: string; requestId: string }>(
  async (c, a) => {
    const inst = await requireInstance(c.db, a.instanceUuid)
    const event = 'conductor_unshelve_instance'
    await startActionEvent(c.db, inst.uuid, a.requestId, event, c.conductorHost)
    let sel: Selection
    try {
      // An offloaded server is placed like a new one: its requested zone counts (2.77).
      sel = await scheduleInstance(c, inst, { keepZone: true })
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err)
      await saveInstance(c.db, inst.uuid, { task_state: null })
      await saveFault(c.db, inst.uuid, { code: 500, message })
      await finishActionEvent(
        c.db,
        inst.uuid,
        a.requestId,
        event,
        'Error',
        c.conductorHost,
        message,
      )
      return
    }
    const placed = await saveInstance(c.db, inst.uuid, { host: sel.host, node: sel.nodename })
    await rebindNetworks(c, placed, sel.host)
    await finishActionEvent(c.db, inst.uuid, a.requestId, event, 'Success', c.conductorHost)
    await castHost(c, sel.host, 'unshelve_instance', {
      instanceUuid: inst.uuid,
      requestId: a.requestId,
    })
  },
)

/** A shelved server left its host: no host, no allocation. */
export const instanceOffloaded = conductorMethod<{ instanceUuid: string }>(async (c, a) => {
  await deleteAllocations(c.db, a.instanceUuid)
  await saveInstance(
    c.db,
    a.instanceUuid,
    {
      host: null,
      node: null,
      vm_state: VmState.SHELVED_OFFLOADED,
      task_state: null,
      power_state: 0,
    },
    [TaskState.SHELVING_OFFLOADING, TaskState.SHELVING_IMAGE_UPLOADING, TaskState.SHELVING],
  )
})
