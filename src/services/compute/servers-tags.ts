import type { AuthContext } from '../../common/auth-context.js'
import { BadRequestError, NotFoundError } from '../../common/errors.js'
import {
  addTag,
  deleteAllTags,
  deleteTag,
  hasTag,
  replaceTags,
  tagsOf,
} from '../../db/repositories/compute/instance-tags.js'
import { updateInstance } from '../../db/repositories/compute/instances.js'
import { checkState } from './actions/instance-guard.js'
import type { ComputeContext } from './compute-context.js'
import { visibleInstance } from './servers-lookup.js'
import { VmState } from './states.js'

/** nova/objects/instance.py MAX_TAG_COUNT. */
export const MAX_TAGS = 50

/** Tag changes need a settled server (Nova's _check_instance_in_valid_state). */
const TAGGABLE = {
  vm: [VmState.ACTIVE, VmState.PAUSED, VmState.SUSPENDED, VmState.STOPPED],
  task: 'any' as const,
  mustHaveLaunched: false,
}

export async function listServerTags(
  ctx: ComputeContext,
  auth: AuthContext,
  uuid: string,
): Promise<string[]> {
  await visibleInstance(ctx, auth, uuid)
  return tagsOf(ctx.db, uuid)
}

export async function serverHasTag(
  ctx: ComputeContext,
  auth: AuthContext,
  uuid: string,
  tag: string,
): Promise<void> {
  await visibleInstance(ctx, auth, uuid)
  if (!(await hasTag(ctx.db, uuid, tag)))
    throw new NotFoundError(`Server ${uuid} has no tag '${tag}'`)
}

async function touch(ctx: ComputeContext, uuid: string): Promise<void> {
  await updateInstance(ctx.db, uuid, {})
}

/** PUT /tags/{tag}: true when the tag was added (201), false when it was there (204). */
export async function addServerTag(
  ctx: ComputeContext,
  auth: AuthContext,
  uuid: string,
  tag: string,
): Promise<boolean> {
  const inst = await visibleInstance(ctx, auth, uuid)
  checkState(inst, 'update tag', TAGGABLE)
  if (tag.length === 0 || tag.length > 60 || /[,/]/.test(tag))
    throw new BadRequestError(
      `Tag '${tag}' is invalid. It must be a non empty string without characters '/' and ','. Validation error message: '${tag}' does not match '^[^,/]*$'`,
    )
  const tags = await tagsOf(ctx.db, uuid)
  if (tags.length >= MAX_TAGS)
    throw new BadRequestError(`The number of tags exceeded the per-server limit ${MAX_TAGS}`)
  if (tags.includes(tag)) return false
  await addTag(ctx.db, uuid, tag)
  await touch(ctx, uuid)
  return true
}

export async function replaceServerTags(
  ctx: ComputeContext,
  auth: AuthContext,
  uuid: string,
  tags: readonly string[],
): Promise<string[]> {
  const inst = await visibleInstance(ctx, auth, uuid)
  checkState(inst, 'update tags', TAGGABLE)
  await replaceTags(ctx.db, uuid, tags)
  await touch(ctx, uuid)
  return tagsOf(ctx.db, uuid)
}

export async function deleteServerTag(
  ctx: ComputeContext,
  auth: AuthContext,
  uuid: string,
  tag: string,
): Promise<void> {
  const inst = await visibleInstance(ctx, auth, uuid)
  checkState(inst, 'delete tag', TAGGABLE)
  if (!(await deleteTag(ctx.db, uuid, tag)))
    throw new NotFoundError(`Instance ${uuid} has no tag '${tag}'`)
  await touch(ctx, uuid)
}

export async function deleteServerTags(
  ctx: ComputeContext,
  auth: AuthContext,
  uuid: string,
): Promise<void> {
  const inst = await visibleInstance(ctx, auth, uuid)
  checkState(inst, 'delete tags', TAGGABLE)
  await deleteAllTags(ctx.db, uuid)
  await touch(ctx, uuid)
}
