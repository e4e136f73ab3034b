import { isAdmin, type AuthContext } from '../../common/auth-context.js'
import { NotFoundError } from '../../common/errors.js'
import { getInstance, type InstanceRow } from '../../db/repositories/compute/instances.js'
import type { ComputeContext } from './compute-context.js'

/**
 * An instance the caller may see: admins see every project, others only
 * their own project's (another project's server is a 404, as Nova's
 * project-only query makes it). Deleted instances only when asked.
 */
export async function visibleInstance(
  ctx: ComputeContext,
  auth: AuthContext,
  uuid: string,
  options: { includeDeleted?: boolean } = {},
): Promise<InstanceRow> {
  const row = await getInstance(ctx.db, uuid)
  if (
    !row ||
    (row.deleted === 1 && !options.includeDeleted) ||
    (!isAdmin(auth) && row.project_id !== auth.project?.id)
  )
    throw new NotFoundError(`Instance ${uuid} could not be found.`)
  return row
}
