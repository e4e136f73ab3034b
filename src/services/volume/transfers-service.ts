import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import type { Selectable } from 'kysely'
import type { AuthContext } from '../../common/auth-context.js'
import { isAdmin } from '../../common/auth-context.js'
import { BadRequestError, NotFoundError } from '../../common/errors.js'
import { newUuid } from '../../common/ids.js'
import type { VolumeTransferTable } from '../../db/volume-schema.js'
import { casVolumeStatus, findVolume } from '../../db/repositories/volume/volumes.js'
import { checkQuota } from './quota.js'
import { invalidVolume } from './states.js'
import { typeById } from './types-service.js'
import { callerProject, findVisibleVolume } from './volumes-service.js'
import { nowIso, type VolumeContext } from './volume-context.js'

export type TransferRow = Selectable<VolumeTransferTable>

function hashKey(salt: string, key: string): string {
  return createHash('sha256').update(`${salt}${key}`).digest('hex')
}

export async function listTransfers(
  ctx: VolumeContext,
  auth: AuthContext,
  all: boolean,
): Promise<TransferRow[]> {
  let q = ctx.db.selectFrom('volume_transfers').selectAll()
  if (!(all && isAdmin(auth))) q = q.where('source_project_id', '=', callerProject(auth))
  return q.execute()
}

/** Transfers are visible to their source project (and admins); accepting needs only id and key. */
export async function findTransfer(
  ctx: VolumeContext,
  auth: AuthContext | undefined,
  id: string,
): Promise<TransferRow> {
  const t = await ctx.db
    .selectFrom('volume_transfers')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirst()
  if (!t || (auth && !isAdmin(auth) && t.source_project_id !== auth.project?.id))
    throw new NotFoundError(`Transfer ${id} could not be found.`)
  return t
}

/** Offers an available volume to another project; answers the row and the one-time auth key. */
export async function createTransfer(
  ctx: VolumeContext,
  auth: AuthContext,
  volumeId: string,
  name: string | null,
): Promise<{ row: TransferRow; authKey: string }> {
  const v = await findVisibleVolume(ctx, auth, volumeId)
  if (v.status !== 'available') throw invalidVolume('status must be available')
  const authKey = randomBytes(8).toString('hex')
  const salt = randomBytes(8).toString('hex')
  const id = newUuid()
  await ctx.db.transaction().execute(async (trx) => {
    if (!(await casVolumeStatus(trx, v.id, ['available'], { status: 'awaiting-transfer' })))
      throw invalidVolume('status must be available')
    await trx
      .insertInto('volume_transfers')
      .values({
        id,
        volume_id: v.id,
        name,
        salt,
        crypt_hash: hashKey(salt, authKey),
        source_project_id: v.project_id,
        created_at: nowIso(),
      })
      .execute()
  })
  return { row: await findTransfer(ctx, undefined, id), authKey }
}

export async function acceptTransfer(
  ctx: VolumeContext,
  auth: AuthContext,
  id: string,
  authKey: string,
): Promise<TransferRow> {
  const project = callerProject(auth)
  const t = await findTransfer(ctx, undefined, id)
  const want = Buffer.from(t.crypt_hash, 'hex')
  const got = Buffer.from(hashKey(t.salt, authKey), 'hex')
  if (want.length !== got.length || !timingSafeEqual(want, got))
    throw new BadRequestError(
      `Invalid auth key: Attempt to transfer ${t.id} with invalid auth key.`,
    )
  const v = await findVolume(ctx.db, t.volume_id)
  if (!v) throw new NotFoundError(`Volume ${t.volume_id} could not be found.`)
  const type = await typeById(ctx, v.volume_type_id)
  const snaps = await ctx.db
    .selectFrom('volume_snapshots')
    .select(['id', 'size'])
    .where('volume_id', '=', v.id)
    .execute()
  await ctx.db.transaction().execute(async (trx) => {
    await checkQuota(ctx, trx, project, {
      volumes: 1,
      gigabytes: v.size + snaps.reduce((n, s) => n + s.size, 0),
      ...(snaps.length ? { snapshots: snaps.length } : {}),
      ...(type ? { typeName: type.name } : {}),
    })
    await trx
      .updateTable('volumes')
      .set({ project_id: project, user_id: auth.userId, status: 'available', updated_at: nowIso() })
      .where('id', '=', v.id)
      .execute()
    await trx
      .updateTable('volume_snapshots')
      .set({ project_id: project, user_id: auth.userId })
      .where('volume_id', '=', v.id)
      .execute()
    await trx.deleteFrom('volume_transfers').where('id', '=', t.id).execute()
  })
  return t
}

export async function deleteTransfer(
  ctx: VolumeContext,
  auth: AuthContext,
  id: string,
): Promise<void> {
  const t = await findTransfer(ctx, auth, id)
  await ctx.db.deleteFrom('volume_transfers').where('id', '=', id).execute()
  await casVolumeStatus(ctx.db, t.volume_id, ['awaiting-transfer'], { status: 'available' })
}
