import type { AuthContext } from '../../common/auth-context.js'
import { isAdmin } from '../../common/auth-context.js'
import { NotFoundError } from '../../common/errors.js'
import { newUuid } from '../../common/ids.js'
import {
  casSnapshotStatus,
  deleteSnapshotRow,
  findSnapshot,
  insertSnapshot,
  type SnapshotRow,
} from '../../db/repositories/volume/snapshots.js'
import { assertNotFrozen } from './backend-freeze.js'
import { checkQuota } from './quota.js'
import { invalidSnapshot, invalidVolume } from './states.js'
import { typeById } from './types-service.js'
import { callerProject, castManager, checkMetadata, findVisibleVolume } from './volumes-service.js'
import { nowIso, type VolumeContext } from './volume-context.js'

export async function findVisibleSnapshot(
  ctx: VolumeContext,
  auth: AuthContext,
  id: string,
): Promise<SnapshotRow> {
  const s = await findSnapshot(ctx.db, id)
  if (!s || (!isAdmin(auth) && s.project_id !== auth.project?.id))
    throw new NotFoundError(`Snapshot ${id} could not be found.`)
  return s
}

/**
 * POST /snapshots: an in-use volume needs `force` (or 3.66); quota and the
 * row go in one transaction; the backend copies and sets `available`.
 */
export async function createSnapshot(
  ctx: VolumeContext,
  auth: AuthContext,
  input: {
    volumeId: string
    force: boolean
    name?: string | null | undefined
    description?: string | null | undefined
    metadata?: Record<string, unknown> | undefined
  },
  microversion: number,
): Promise<SnapshotRow> {
  const projectId = callerProject(auth)
  const v = await findVisibleVolume(ctx, auth, input.volumeId)
  await assertNotFrozen(ctx, v.host)
  if (!v.host)
    throw invalidVolume(
      'The snapshot cannot be created because volume has not been scheduled to any host.',
    )
  if (v.status === 'maintenance')
    throw invalidVolume('The snapshot cannot be created when the volume is in maintenance mode.')
  if (v.migration_status)
    throw invalidVolume('Snapshot cannot be created while volume is migrating.')
  if (v.status === 'error')
    throw invalidVolume('The snapshot cannot be created when the volume is in error status.')
  const valid = input.force || microversion >= 66 ? ['available', 'in-use'] : ['available']
  if (!valid.includes(v.status))
    throw invalidVolume(
      `Volume ${v.id} status must be ${valid.join(', ')}, but current status is: ${v.status}.`,
    )
  const metadata = checkMetadata(input.metadata ?? {})
  const type = await typeById(ctx, v.volume_type_id)
  const id = newUuid()
  await ctx.db.transaction().execute(async (trx) => {
    await checkQuota(ctx, trx, v.project_id, {
      snapshots: 1,
      ...(ctx.conf.no_snapshot_gb_quota ? {} : { gigabytes: v.size }),
      ...(type ? { typeName: type.name } : {}),
    })
    await insertSnapshot(trx, {
      id,
      volume_id: v.id,
      project_id: v.project_id,
      user_id: auth.userId,
      name: input.name ?? null,
      description: input.description ?? null,
      size: v.size,
      status: 'creating',
      progress: '0%',
      metadata: JSON.stringify(metadata),
      volume_type_id: v.volume_type_id,
      provider_location: null,
      use_quota: 1,
      created_at: nowIso(),
      updated_at: null,
    })
  })
  void projectId
  await castManager(ctx, v.host, 'create_snapshot', { snapshotId: id })
  return (await findSnapshot(ctx.db, id))!
}

export async function deleteSnapshot(
  ctx: VolumeContext,
  auth: AuthContext,
  id: string,
  force: boolean,
): Promise<void> {
  const s = await findVisibleSnapshot(ctx, auth, id)
  await assertNotFrozen(ctx, await volumeHost(ctx, s.volume_id))
  const from = force ? [s.status] : ['available', 'error']
  if (!(await casSnapshotStatus(ctx.db, id, from, { status: 'deleting' })))
    throw invalidSnapshot(
      'Volume Snapshot status must be available or error and must not be part of a group.',
    )
  const host = await volumeHost(ctx, s.volume_id)
  if (!host || !s.provider_location) {
    await deleteSnapshotRow(ctx.db, id)
    return
  }
  await castManager(ctx, host, 'delete_snapshot', { snapshotId: id })
}

/** The backend of a snapshot is its volume's (Cinder's snapshot.host). */
async function volumeHost(ctx: VolumeContext, volumeId: string): Promise<string | null> {
  const v = await ctx.db
    .selectFrom('volumes')
    .select('host')
    .where('id', '=', volumeId)
    .executeTakeFirst()
  return v?.host ?? null
}
