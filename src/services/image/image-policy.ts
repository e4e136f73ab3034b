import { hasRole, isAdmin, type AuthContext } from '../../common/auth-context.js'
import { ForbiddenError, NotFoundError } from '../../common/errors.js'
import type { ImageRecord } from '../../db/repositories/image/rows.js'

/**
 * Glance's default (secure RBAC) image policy: admins do anything; a
 * project's members manage the project's images; readers only read. What a
 * caller may not see is "not found", never "forbidden".
 */
export const projectOf = (auth: AuthContext): string | undefined => auth.project?.id

export { isAdmin }

/** add_image, and every write to an image the caller owns. */
export function canWrite(auth: AuthContext): boolean {
  return isAdmin(auth) || hasRole(auth, 'member')
}

export function isOwner(auth: AuthContext, image: ImageRecord): boolean {
  const p = projectOf(auth)
  return p !== undefined && image.owner === p
}

/**
 * get_image: admin, owner, public and community images, and shared images
 * the project is a member of (any member status: only lists hide pending ones).
 */
export function canSee(auth: AuthContext, image: ImageRecord, isMember: boolean): boolean {
  if (isAdmin(auth) || isOwner(auth, image)) return true
  if (image.visibility === 'public' || image.visibility === 'community') return true
  return image.visibility === 'shared' && isMember
}

/** 404 with Glance's text. */
export function imageNotFound(id: string): NotFoundError {
  return new NotFoundError(`No image found with ID ${id}`)
}

/** modify_image / delete_image / upload_image on an image the caller can see. */
export function enforceModify(
  auth: AuthContext,
  image: ImageRecord,
  action = 'modify_image',
): void {
  if (isAdmin(auth) || (isOwner(auth, image) && hasRole(auth, 'member'))) return
  throw new ForbiddenError(`You are not authorized to complete ${action} action.`)
}

/** Only admins publish images (publicize_image). */
export function enforceVisibility(auth: AuthContext, visibility: unknown): void {
  if (visibility === 'public' && !isAdmin(auth)) {
    throw new ForbiddenError('You are not authorized to complete publicize_image action.')
  }
}
