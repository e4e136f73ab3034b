import { DISK_CONFIG_KEY, type DiskConfig } from '../disk-config.js'
import { BadRequestError, ConflictError, ServiceUnavailableError } from '../../../common/errors.js'
import { findFlavor, toFlavorSpec } from '../../../db/repositories/compute/flavors.js'
import type { JsonValue } from '../../../bus/bus.js'
import type { FlavorSpec } from '../../../virt/driver.js'
import type { ComputeContext } from '../compute-context.js'
import { checkInstanceQuota } from '../quotas.js'
import { CONDUCTOR_TOPIC } from '../rpc.js'
import { TaskState, VmState } from '../states.js'
import { castCompute, recordAction, saveExpecting, type ActionCaller } from './action-start.js'
import {
  checkHost,
  checkLock,
  checkState,
  loadInstance,
  type InstanceRow,
} from './instance-guard.js'
import { latestMigration, updateMigration } from './migration-records.js'
import { computeHostExists, computeServiceIsUp } from './service-state.js'

const isNoValidHost = (err: unknown): boolean =>
  err instanceof Error && err.message.startsWith('No valid host')

/** A conductor call whose NoValidHost becomes the API's 400 (migrate_server.py). */
export async function callConductor(
  ctx: ComputeContext,
  method: string,
  args: unknown,
): Promise<void> {
  try {
    await ctx.bus.call({ topic: CONDUCTOR_TOPIC }, method, args as JsonValue, { timeoutMs: 120000 })
  } catch (err) {
    if (isNoValidHost(err)) throw new BadRequestError((err as Error).message)
    throw err
  }
}

function withSysMeta(inst: InstanceRow, extra: Record<string, string>): string {
  let sys: Record<string, string>
  try {
    sys = JSON.parse(inst.system_metadata || '{}') as Record<string, string>
  } catch {
    sys = {}
  }
  return JSON.stringify({ ...sys, ...extra })
}

/**
 * resize and migrate (nova/compute/api.py resize): lock, state ACTIVE/STOPPED,
 * the source service up, flavor checks and the quota of the growth, then
 * task_state resize_prep and the conductor's migrate_server.
 */
export async function resizeServer(
  ctx: ComputeContext,
  caller: ActionCaller,
  id: string,
  options: {
    flavorRef?: string
    host?: string
    action: 'resize' | 'migrate'
    /** OS-DCF:diskConfig of a resize: how the guest's root disk follows the new size. */
    diskConfig?: DiskConfig
  },
): Promise<void> {
  const inst = await loadInstance(ctx, caller.auth, id)
  checkLock(caller.auth, inst)
  checkState(inst, options.action, { vm: [VmState.ACTIVE, VmState.STOPPED] })
  const host = checkHost(inst)
  if (!(await computeServiceIsUp(ctx, host)))
    throw new ConflictError('Service is unavailable at this time.')
  if (options.host !== undefined) {
    if (!(await computeHostExists(ctx, options.host)))
      throw new BadRequestError(`Compute host ${options.host} could not be found.`)
    if (options.host === inst.host)
      throw new BadRequestError('Cannot migrate to the host where the server exists.')
  }
  const current = JSON.parse(inst.flavor) as FlavorSpec
  let newFlavor: FlavorSpec | undefined
  if (options.flavorRef !== undefined) {
    const found = await findFlavor(ctx.db, options.flavorRef)
    if (!found || found.disabled === 1)
      throw new BadRequestError(`Flavor ${options.flavorRef} could not be found.`)
    newFlavor = toFlavorSpec(found)
    if (newFlavor.id === current.id)
      throw new BadRequestError('When resizing, instances must change flavor!')
    if (newFlavor.rootGb === 0 && current.rootGb !== 0)
      throw new BadRequestError(
        'Server disk was unable to be resized because: Resize to zero disk flavor is not allowed.',
      )
    await checkInstanceQuota(ctx, inst.project_id, inst.user_id, {
      instances: 0,
      cores: Math.max(0, newFlavor.vcpus - current.vcpus),
      ram: Math.max(0, newFlavor.memoryMb - current.memoryMb),
    })
  }
  const saved = await saveExpecting(
    ctx,
    inst,
    {
      task_state: TaskState.RESIZE_PREP,
      progress: 0,
      system_metadata: withSysMeta(inst, {
        old_vm_state: inst.vm_state,
        ...(options.diskConfig !== undefined ? { [DISK_CONFIG_KEY]: options.diskConfig } : {}),
      }),
    },
    [null],
  )
  await recordAction(ctx, saved, caller, options.action)
  try {
    await callConductor(
      ctx,
      'migrate_server',
      migrateArgs(inst.uuid, caller, newFlavor, options.host),
    )
  } catch (err) {
    // No conductor answered: nothing started, so the server must not stay in resize_prep.
    if (err instanceof ServiceUnavailableError)
      await saveExpecting(ctx, saved, { task_state: null }, [TaskState.RESIZE_PREP]).catch(
        () => undefined,
      )
    throw err
  }
}

function migrateArgs(
  uuid: string,
  caller: ActionCaller,
  newFlavor: FlavorSpec | undefined,
  host: string | undefined,
) {
  return {
    instanceUuid: uuid,
    requestId: caller.requestId,
    ...(newFlavor ? { newFlavor } : {}),
    ...(host !== undefined ? { host } : {}),
  }
}

async function resizedMigration(ctx: ComputeContext, inst: InstanceRow) {
  const mig = await latestMigration(ctx.db, inst.uuid, ['finished'], ['resize', 'migration'])
  if (!mig) throw new BadRequestError('Instance has not been resized.')
  return mig
}

/** confirmResize: the source drops the old copy (confirm_resize on the source host). */
export async function confirmResize(
  ctx: ComputeContext,
  caller: ActionCaller,
  id: string,
): Promise<void> {
  const inst = await loadInstance(ctx, caller.auth, id)
  checkLock(caller.auth, inst)
  checkState(inst, 'confirmResize', { vm: [VmState.RESIZED] })
  const mig = await resizedMigration(ctx, inst)
  await updateMigration(ctx.db, mig.uuid, { status: 'confirming' })
  await recordAction(ctx, inst, caller, 'confirmResize')
  await castCompute(ctx, mig.source_compute ?? '', 'confirm_resize', {
    instanceUuid: inst.uuid,
    requestId: caller.requestId,
    migrationUuid: mig.uuid,
  })
}

/** revertResize: revert_resize on the destination, then finish_revert_resize on the source. */
export async function revertResize(
  ctx: ComputeContext,
  caller: ActionCaller,
  id: string,
): Promise<void> {
  const inst = await loadInstance(ctx, caller.auth, id)
  checkLock(caller.auth, inst)
  checkState(inst, 'revertResize', { vm: [VmState.RESIZED] })
  const mig = await resizedMigration(ctx, inst)
  if (inst.new_flavor !== null && inst.old_flavor !== null) {
    const oldF = JSON.parse(inst.old_flavor) as FlavorSpec
    const newF = JSON.parse(inst.new_flavor) as FlavorSpec
    // Reverting a downsize grows the server again: Nova checks that quota too.
    await checkInstanceQuota(ctx, inst.project_id, inst.user_id, {
      instances: 0,
      cores: Math.max(0, oldF.vcpus - newF.vcpus),
      ram: Math.max(0, oldF.memoryMb - newF.memoryMb),
    })
  }
  await updateMigration(ctx.db, mig.uuid, { status: 'reverting' })
  await saveExpecting(ctx, inst, { task_state: TaskState.RESIZE_REVERTING }, [null])
  await recordAction(ctx, inst, caller, 'revertResize')
  await castCompute(ctx, mig.dest_compute ?? '', 'revert_resize', {
    instanceUuid: inst.uuid,
    requestId: caller.requestId,
    migrationUuid: mig.uuid,
  })
}
