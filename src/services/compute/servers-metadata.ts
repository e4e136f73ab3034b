import type { AuthContext } from '../../common/auth-context.js'
import { ForbiddenError, NotFoundError } from '../../common/errors.js'
import { updateInstance } from '../../db/repositories/compute/instances.js'
import { checkLock, checkState } from './actions/instance-guard.js'
import type { ComputeContext } from './compute-context.js'
import { effectiveLimits } from './quotas.js'
import { visibleInstance } from './servers-lookup.js'
import { VmState } from './states.js'

type Meta = Record<string, string>

const WRITABLE = {
  vm: [VmState.ACTIVE, VmState.PAUSED, VmState.SUSPENDED, VmState.STOPPED],
  task: [null],
}

export async function serverMetadata(
  ctx: ComputeContext,
  auth: AuthContext,
  uuid: string,
): Promise<Meta> {
  const inst = await visibleInstance(ctx, auth, uuid)
  return JSON.parse(inst.metadata) as Meta
}

export async function serverMetadataItem(
  ctx: ComputeContext,
  auth: AuthContext,
  uuid: string,
  key: string,
): Promise<string> {
  const meta = await serverMetadata(ctx, auth, uuid)
  const v = Object.hasOwn(meta, key) ? meta[key] : undefined
  if (v === undefined) throw new NotFoundError('Metadata item was not found')
  return v
}

/**
 * Nova's update_instance_metadata: merges (or, with `replace`, replaces) the
 * metadata of an ACTIVE/PAUSED/SUSPENDED/STOPPED server without a task,
 * within the metadata_items quota; locked servers refuse non-admins.
 */
export async function writeServerMetadata(
  ctx: ComputeContext,
  auth: AuthContext,
  uuid: string,
  changes: Meta,
  replace: boolean,
  action = 'update metadata',
): Promise<Meta> {
  const inst = await visibleInstance(ctx, auth, uuid)
  checkLock(auth, inst)
  checkState(inst, action, WRITABLE)
  const next = replace ? { ...changes } : { ...(JSON.parse(inst.metadata) as Meta), ...changes }
  const limit = (await effectiveLimits(ctx, inst.project_id)).metadata_items
  if (limit >= 0 && Object.keys(next).length > limit)
    throw new ForbiddenError(`Maximum number of metadata items exceeds ${limit}`)
  await updateInstance(
    ctx.db,
    uuid,
    { metadata: JSON.stringify(next) },
    {
      expectedTaskState: [null],
    },
  )
  return next
}

export async function deleteServerMetadataItem(
  ctx: ComputeContext,
  auth: AuthContext,
  uuid: string,
  key: string,
): Promise<void> {
  const inst = await visibleInstance(ctx, auth, uuid)
  const meta = JSON.parse(inst.metadata) as Meta
  if (!Object.hasOwn(meta, key)) throw new NotFoundError('Metadata item was not found')
  checkLock(auth, inst)
  checkState(inst, 'delete metadata', WRITABLE)
  delete meta[key]
  await updateInstance(
    ctx.db,
    uuid,
    { metadata: JSON.stringify(meta) },
    {
      expectedTaskState: [null],
    },
  )
}
