import type { AuthContext } from '../../common/auth-context.js'
import { isAdmin } from '../../common/auth-context.js'
import { BadRequestError, ForbiddenError, NotFoundError } from '../../common/errors.js'
import {
  casVolumeStatus,
  deleteVolumeRow,
  findVolume,
  parseMap,
  updateVolumeRow,
  type VolumeRow,
} from '../../db/repositories/volume/volumes.js'
import { listSnapshotRows } from '../../db/repositories/volume/snapshots.js'
import { releaseCapacity } from '../../db/repositories/volume/backends.js'
import { assertNotFrozen } from './backend-freeze.js'
import { DELETABLE, DELETE_REASON, invalidVolume } from './states.js'
import { VOLUME_TOPIC, type VolumeContext } from './volume-context.js'

/** The caller's project, or 400 for an unscoped token. */
export function callerProject(auth: AuthContext): string {
  const p = auth.project?.id
  if (!p) throw new ForbiddenError('A project-scoped token is required.')
  return p
}

/** A volume the caller may see: its project's, or any for an admin; else 404. */
export async function findVisibleVolume(
  ctx: VolumeContext,
  auth: AuthContext,
  id: string,
): Promise<VolumeRow> {
  const row = await findVolume(ctx.db, id)
  if (!row || (!isAdmin(auth) && row.project_id !== auth.project?.id))
    throw new NotFoundError(`Volume ${id} could not be found.`)
  return row
}

/** The manager of the backend a volume lives on: `host@backend` from host@backend#pool. */
export function backendOf(host: string): string {
  return host.split('#')[0]!
}

export async function castManager(
  ctx: VolumeContext,
  host: string,
  method: string,
  args: Record<string, unknown>,
): Promise<void> {
  await ctx.bus.cast({ topic: VOLUME_TOPIC, server: backendOf(host) }, method, args as never)
}

export async function callManager<T>(
  ctx: VolumeContext,
  host: string,
  method: string,
  args: Record<string, unknown>,
): Promise<T> {
  return (await ctx.bus.call(
    { topic: VOLUME_TOPIC, server: backendOf(host) },
    method,
    args as never,
    {
      timeoutMs: 120_000,
    },
  )) as T
}

export interface VolumeUpdateInput {
  readonly name?: string | null | undefined
  readonly description?: string | null | undefined
  readonly metadata?: Record<string, string> | undefined
}

export async function updateVolume(
  ctx: VolumeContext,
  auth: AuthContext,
  id: string,
  input: VolumeUpdateInput,
): Promise<VolumeRow> {
  const row = await findVisibleVolume(ctx, auth, id)
  if (row.status === 'maintenance')
    throw invalidVolume('The volume cannot be updated during maintenance.')
  await updateVolumeRow(ctx.db, id, {
    ...(input.name !== undefined ? { name: input.name } : {}),
    ...(input.description !== undefined ? { description: input.description } : {}),
    ...(input.metadata !== undefined
      ? { metadata: JSON.stringify({ ...parseMap(row.metadata), ...input.metadata }) }
      : {}),
  })
  return (await findVolume(ctx.db, id))!
}

/**
 * DELETE /volumes/{id} (and os-force_delete with force). Moves the volume to
 * `deleting` with a compare-and-set, then the backend removes the data and
 * the row; a volume never scheduled is removed at once.
 */
export async function deleteVolume(
  ctx: VolumeContext,
  auth: AuthContext,
  id: string,
  opts: { cascade?: boolean; force?: boolean },
): Promise<void> {
  const row = await findVisibleVolume(ctx, auth, id)
  if (opts.force && !isAdmin(auth))
    throw new ForbiddenError(
      'Policy does not allow volume_extension:volume_admin_actions:force_delete to be performed.',
    )
  await assertNotFrozen(ctx, row.host)
  const snaps = await listSnapshotRows(ctx.db, { volumeId: id })
  if (opts.force) {
    if (row.attach_status === 'attached' || (snaps.length > 0 && !opts.cascade))
      throw invalidVolume(DELETE_REASON)
  } else {
    const ok =
      DELETABLE.includes(row.status) &&
      row.attach_status !== 'attached' &&
      row.migration_status === null &&
      (snaps.length === 0 || opts.cascade === true)
    if (!ok) throw invalidVolume(DELETE_REASON)
    if (opts.cascade && snaps.some((s) => !['available', 'error'].includes(s.status)))
      throw invalidVolume('Snapshot status must be available or error to cascade delete.')
  }
  const from = opts.force ? [row.status] : DELETABLE
  if (!(await casVolumeStatus(ctx.db, id, from, { status: 'deleting' })))
    throw invalidVolume(DELETE_REASON)
  if (opts.cascade)
    for (const s of snaps)
      await ctx.db
        .updateTable('volume_snapshots')
        .set({ status: 'deleting' })
        .where('id', '=', s.id)
        .execute()
  if (!row.host) {
    await ctx.db.deleteFrom('volume_snapshots').where('volume_id', '=', id).execute()
    await deleteVolumeRow(ctx.db, id)
    return
  }
  await castManager(ctx, row.host, 'delete_volume', {
    volumeId: id,
    cascade: opts.cascade === true,
  })
}

/** Removes a volume's row and gives its pool capacity back (manager side, after the driver). */
export async function forgetVolume(ctx: VolumeContext, row: VolumeRow): Promise<void> {
  await ctx.db.transaction().execute(async (trx) => {
    await trx.deleteFrom('volume_snapshots').where('volume_id', '=', row.id).execute()
    await trx.deleteFrom('volume_transfers').where('volume_id', '=', row.id).execute()
    await deleteVolumeRow(trx, row.id)
  })
  if (row.host) await releaseCapacity(ctx.db, row.host, row.size)
}

/** Strict metadata rules Cinder applies (keys 1–255 chars, values ≤255). */
export function checkMetadata(md: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(md)) {
    if (k.length === 0)
      throw new BadRequestError('Invalid input received: Metadata property key blank.')
    if (k.length > 255)
      throw new BadRequestError(
        'Invalid input received: Metadata property key greater than 255 characters.',
      )
    if (typeof v !== 'string')
      throw new BadRequestError(
        `Invalid input for field/attribute metadata. Value: ${JSON.stringify(md)}.`,
      )
    if (v.length > 255)
      throw new BadRequestError(
        'Invalid input received: Metadata property value greater than 255 characters.',
      )
    out[k] = v
  }
  return out
}
