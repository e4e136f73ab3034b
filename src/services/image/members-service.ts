import type { AuthContext } from '../../common/auth-context.js'
import {
  BadRequestError,
  ConflictError,
  ForbiddenError,
  NotFoundError,
  PayloadTooLargeError,
} from '../../common/errors.js'
import * as members from '../../db/repositories/image/members.js'
import type { MemberRecord } from '../../db/repositories/image/members.js'
import type { ImageRecord } from '../../db/repositories/image/rows.js'
import type { ImageContext } from './image-context.js'
import { isAdmin, isOwner, projectOf } from './image-policy.js'
import { loadVisible } from './images-service.js'

const STATUSES = ['pending', 'accepted', 'rejected']

function sharedOnly(image: ImageRecord): void {
  if (image.visibility !== 'shared') throw new ForbiddenError('Only shared images have members.')
}

/** The image for a members call: "Image %s not found." when invisible (Glance's _lookup_image). */
async function lookup(ctx: ImageContext, auth: AuthContext, imageId: string): Promise<ImageRecord> {
  try {
    return await loadVisible(ctx, auth, imageId)
  } catch (err) {
    if (err instanceof NotFoundError) throw new NotFoundError(`Image ${imageId} not found.`)
    throw err
  }
}

/** A member sees only its own membership; owner and admin see all (get_member policy). */
function mayRead(auth: AuthContext, image: ImageRecord, memberId: string): boolean {
  return isAdmin(auth) || isOwner(auth, image) || projectOf(auth) === memberId
}

function memberNotFound(memberId: string, imageId: string): NotFoundError {
  return new NotFoundError(`${memberId} not found in the member list of the image ${imageId}.`)
}

/** POST /v2/images/{id}/members: the owner shares with a project (status pending). */
export async function addMember(
  ctx: ImageContext,
  auth: AuthContext,
  imageId: string,
  memberId: unknown,
): Promise<MemberRecord> {
  if (memberId === undefined) throw new BadRequestError('Member to be added not specified')
  if (typeof memberId !== 'string')
    throw new BadRequestError('Expected a member in the form: {"member": "image_id"}')
  if (memberId === '') throw new BadRequestError("Member can't be empty")
  const image = await lookup(ctx, auth, imageId)
  sharedOnly(image)
  if (!isAdmin(auth) && !isOwner(auth, image))
    throw new ForbiddenError(`Not allowed to create members for image ${imageId}.`)
  const quota = ctx.config.image.image_member_quota
  if (quota >= 0 && (await members.countMembers(ctx.db, imageId)) >= quota) {
    throw new PayloadTooLargeError(
      `Image member limit exceeded for image ${imageId}: The limit has been exceeded on the number of allowed image members for this image. Attempted: ${quota + 1}, Maximum: ${quota}`,
    )
  }
  const m = await members.addMember(ctx.db, imageId, memberId)
  if (!m) throw new ConflictError(`Member ${memberId} is duplicated for image ${imageId}`)
  return m
}

/** GET /v2/images/{id}/members. */
export async function listMembers(
  ctx: ImageContext,
  auth: AuthContext,
  imageId: string,
): Promise<MemberRecord[]> {
  const image = await lookup(ctx, auth, imageId)
  sharedOnly(image)
  const all = await members.listMembers(ctx.db, imageId)
  return all.filter((m) => mayRead(auth, image, m.memberId))
}

/** GET /v2/images/{id}/members/{member}: any failure reads as 404, as in Glance. */
export async function showMember(
  ctx: ImageContext,
  auth: AuthContext,
  imageId: string,
  memberId: string,
): Promise<MemberRecord> {
  const image = await lookup(ctx, auth, imageId)
  if (image.visibility !== 'shared') throw new NotFoundError('Only shared images have members.')
  const m = await members.getMember(ctx.db, imageId, memberId)
  if (!m || !mayRead(auth, image, memberId)) throw memberNotFound(memberId, imageId)
  return m
}

/** PUT /v2/images/{id}/members/{member}: only the member itself accepts or rejects. */
export async function updateMember(
  ctx: ImageContext,
  auth: AuthContext,
  imageId: string,
  memberId: string,
  body: unknown,
): Promise<MemberRecord> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new BadRequestError('Expected a status in the form: {"status": "status"}')
  }
  const status = (body as Record<string, unknown>)['status']
  if (status === undefined) throw new BadRequestError('Status not specified')
  const image = await lookup(ctx, auth, imageId)
  sharedOnly(image)
  const m = await members.getMember(ctx.db, imageId, memberId)
  if (!m || !mayRead(auth, image, memberId)) throw memberNotFound(memberId, imageId)
  if (projectOf(auth) !== memberId && !isAdmin(auth))
    throw new ForbiddenError(`Not allowed to update members for image ${imageId}.`)
  if (typeof status !== 'string' || !STATUSES.includes(status)) {
    throw new BadRequestError(
      `Incorrect request: Status must be one of ${STATUSES.join(', ')}: ${JSON.stringify(status)}`,
    )
  }
  return (await members.setMemberStatus(ctx.db, imageId, memberId, status))!
}

/** DELETE /v2/images/{id}/members/{member}: the owner stops sharing. */
export async function removeMember(
  ctx: ImageContext,
  auth: AuthContext,
  imageId: string,
  memberId: string,
): Promise<void> {
  const image = await lookup(ctx, auth, imageId)
  sharedOnly(image)
  const m = await members.getMember(ctx.db, imageId, memberId)
  if (!m || !mayRead(auth, image, memberId)) throw memberNotFound(memberId, imageId)
  if (!isAdmin(auth) && !isOwner(auth, image))
    throw new ForbiddenError(`Not allowed to delete members for image ${imageId}.`)
  await members.removeMember(ctx.db, imageId, memberId)
}
