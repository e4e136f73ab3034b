import { BadRequestError, NotFoundError, NotImplementedError } from '../../../common/errors.js'
import { naiveTime } from '../server-view.js'
import type { ComputeContext } from '../compute-context.js'
import { TaskState, VmState } from '../states.js'
import { recordAction, type ActionCaller } from './action-start.js'
import { checkLock, checkState, loadInstance, requireAdmin } from './instance-guard.js'
import { migrationsOf, updateMigrationIf, type MigrationRow } from './migration-records.js'

const IN_PROGRESS = ['queued', 'preparing', 'running', 'post-migrating']

/** servers/{id}/migrations entry (server_migrations.py output()). */
export function serverMigrationView(m: MigrationRow, mv: number): Record<string, unknown> {
  return {
    created_at: naiveTime(m.created_at),
    dest_compute: m.dest_compute,
    dest_host: m.dest_host,
    dest_node: m.dest_node,
    disk_processed_bytes: null,
    disk_remaining_bytes: null,
    disk_total_bytes: null,
    id: m.id,
    memory_processed_bytes: null,
    memory_remaining_bytes: null,
    memory_total_bytes: null,
    server_uuid: m.instance_uuid,
    source_compute: m.source_compute,
    source_node: m.source_node,
    status: m.status,
    updated_at: naiveTime(m.updated_at),
    ...(mv >= 59 ? { uuid: m.uuid } : {}),
  }
}

async function liveMigrationsOf(ctx: ComputeContext, uuid: string): Promise<MigrationRow[]> {
  return (await migrationsOf(ctx.db, uuid)).filter((m) => m.migration_type === 'live-migration')
}

export async function listServerMigrations(ctx: ComputeContext, caller: ActionCaller, id: string) {
  const inst = await loadInstance(ctx, caller.auth, id)
  requireAdmin(caller.auth, 'os_compute_api:servers:migrations:index')
  return (await liveMigrationsOf(ctx, inst.uuid)).filter((m) => IN_PROGRESS.includes(m.status))
}

export async function showServerMigration(
  ctx: ComputeContext,
  caller: ActionCaller,
  id: string,
  migrationId: string,
): Promise<MigrationRow> {
  const inst = await loadInstance(ctx, caller.auth, id)
  requireAdmin(caller.auth, 'os_compute_api:servers:migrations:show')
  const m = (await migrationsOf(ctx.db, inst.uuid)).find((x) => String(x.id) === migrationId)
  if (!m)
    throw new NotFoundError(
      `In-progress live migration ${migrationId} is not found for server ${id}.`,
    )
  if (m.migration_type !== 'live-migration')
    throw new NotFoundError(`Migration ${migrationId} for server ${id} is not live-migration.`)
  if (!IN_PROGRESS.includes(m.status))
    throw new NotFoundError(`Live migration ${migrationId} for server ${id} is not in progress.`)
  return m
}

async function migrationForAction(
  ctx: ComputeContext,
  instanceUuid: string,
  migrationId: string,
): Promise<MigrationRow> {
  const m = (await liveMigrationsOf(ctx, instanceUuid)).find((x) => String(x.id) === migrationId)
  if (!m) throw new NotFoundError(`Migration ${migrationId} not found for instance ${instanceUuid}`)
  return m
}

const invalidMigrationState = (m: MigrationRow, method: string) =>
  new BadRequestError(
    `Migration ${m.id} state of instance ${m.instance_uuid} is ${m.status}. Cannot ${method} while the migration is in this state.`,
  )

/**
 * force_complete (2.22): only a running live migration. Ours always run to
 * completion on their own (no driver pauses the guest to converge), so after
 * the checks there is nothing left to force.
 */
export async function forceCompleteMigration(
  ctx: ComputeContext,
  caller: ActionCaller,
  id: string,
  migrationId: string,
): Promise<void> {
  const inst = await loadInstance(ctx, caller.auth, id)
  requireAdmin(caller.auth, 'os_compute_api:servers:migrations:force_complete')
  checkLock(caller.auth, inst)
  checkState(inst, 'force_complete', { vm: [VmState.ACTIVE], task: [TaskState.MIGRATING] })
  const m = await migrationForAction(ctx, inst.uuid, migrationId)
  if (m.status !== 'running') throw invalidMigrationState(m, 'force complete')
  await recordAction(ctx, inst, caller, 'live_migration_force_complete')
}

/**
 * DELETE (2.24). A migration not started yet (queued/preparing, from 2.65)
 * is cancelled: the conductor sees it and undoes its claim. A running one
 * would need the driver to stop it midway, which none here can: 501.
 */
export async function abortMigration(
  ctx: ComputeContext,
  caller: ActionCaller,
  id: string,
  migrationId: string,
  mv: number,
): Promise<void> {
  const inst = await loadInstance(ctx, caller.auth, id)
  requireAdmin(caller.auth, 'os_compute_api:servers:migrations:delete')
  checkLock(caller.auth, inst)
  checkState(inst, 'abort live migration', { task: [TaskState.MIGRATING] })
  const m = await migrationForAction(ctx, inst.uuid, migrationId)
  const queued = ['queued', 'preparing']
  const allowed = mv >= 65 ? ['running', ...queued] : ['running']
  if (!allowed.includes(m.status)) throw invalidMigrationState(m, 'abort live migration')
  if (queued.includes(m.status)) {
    await recordAction(ctx, inst, caller, 'live_migration_cancel')
    if (await updateMigrationIf(ctx.db, m.uuid, queued, { status: 'cancelled' })) return
    // It started meanwhile: now it is a running migration.
  }
  throw new NotImplementedError(
    'Aborting a live migration is not supported by this compute driver.',
  )
}
