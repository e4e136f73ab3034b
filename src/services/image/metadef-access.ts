import type { AuthContext } from '../../common/auth-context.js'
import { ForbiddenError, NotFoundError } from '../../common/errors.js'
import * as repo from '../../db/repositories/image/metadefs.js'
import type { NamespaceRecord } from '../../db/repositories/image/metadefs.js'
import type { ImageContext } from './image-context.js'
import { isAdmin, projectOf } from './image-policy.js'

/** Request bodies of the metadef API. */
export type Body = Record<string, unknown>

/** Metadef writes are admin-only in Glance's default policy (metadef_admin). */
export function enforceMetadefAdmin(auth: AuthContext): void {
  if (!isAdmin(auth)) throw new ForbiddenError('You are not authorized to complete this action.')
}

export function nsNotFound(name: string): NotFoundError {
  return new NotFoundError(`Metadata definition namespace=${name} was not found.`)
}

/** A namespace the caller may see: public ones, their project's, everything for admins. */
export async function visibleNamespace(
  ctx: ImageContext,
  auth: AuthContext,
  name: string,
): Promise<NamespaceRecord> {
  const ns = await repo.getNamespace(ctx.db, name)
  if (
    !ns ||
    !(
      ns.visibility === 'public' ||
      isAdmin(auth) ||
      (ns.owner !== null && ns.owner === projectOf(auth))
    )
  ) {
    throw nsNotFound(name)
  }
  return ns
}
