import { isAdmin, type AuthContext } from '../../common/auth-context.js'
import { ForbiddenError, NotFoundError } from '../../common/errors.js'
import { newUuid } from '../../common/ids.js'
import {
  countServerGroups,
  deleteServerGroup,
  getServerGroup,
  insertServerGroup,
  listServerGroups,
  liveMembersOf,
  type ServerGroupRow,
} from '../../db/repositories/compute/server-groups.js'
import type { ComputeContext } from './compute-context.js'
import { effectiveLimits } from './quotas.js'
import { lockProjectQuota } from './servers-quota.js'

export interface ServerGroupRecord {
  readonly row: ServerGroupRow
  /** Live members (deleted servers are hidden, as Nova does). */
  readonly members: readonly string[]
}

async function withMembers(
  ctx: ComputeContext,
  rows: ServerGroupRow[],
): Promise<ServerGroupRecord[]> {
  const members = await liveMembersOf(
    ctx.db,
    rows.map((r) => r.uuid),
  )
  return rows.map((row) => ({ row, members: members.get(row.uuid) ?? [] }))
}

/** Creates a group under the server_groups quota (count and insert under the project lock). */
export async function createServerGroup(
  ctx: ComputeContext,
  auth: AuthContext,
  name: string,
  policy: string,
  rules: Readonly<Record<string, number>> = {},
): Promise<ServerGroupRecord> {
  const projectId = auth.project?.id
  if (!projectId) throw new ForbiddenError('Server groups need a project-scoped token.')
  const limit = (await effectiveLimits(ctx, projectId, auth.userId)).server_groups
  const uuid = newUuid()
  await ctx.db.transaction().execute(async (tx) => {
    await lockProjectQuota(tx, projectId)
    if (limit >= 0 && (await countServerGroups(tx, projectId)) + 1 > limit)
      throw new ForbiddenError('Quota exceeded, too many server groups.')
    await insertServerGroup(
      tx,
      { uuid, name, projectId, userId: auth.userId, policy, rules },
      new Date().toISOString(),
    )
  })
  return showServerGroup(ctx, auth, uuid)
}

/** Nova's show policy (admin or owner); a group of another project is a 403, a missing one 404. */
async function visibleGroup(ctx: ComputeContext, auth: AuthContext, uuid: string, rule: string) {
  const row = await getServerGroup(ctx.db, uuid)
  if (!row) throw new NotFoundError(`Instance group ${uuid} could not be found.`)
  if (!isAdmin(auth) && row.project_id !== auth.project?.id)
    throw new ForbiddenError(
      `Policy doesn't allow os_compute_api:os-server-groups:${rule} to be performed.`,
    )
  return row
}

export async function showServerGroup(
  ctx: ComputeContext,
  auth: AuthContext,
  uuid: string,
): Promise<ServerGroupRecord> {
  const row = await visibleGroup(ctx, auth, uuid, 'show')
  const [rec] = await withMembers(ctx, [row])
  return rec as ServerGroupRecord
}

/** The caller's project's groups, or every group for an admin asking all_projects. */
export async function listServerGroupsFor(
  ctx: ComputeContext,
  auth: AuthContext,
  allProjects: boolean,
  offset: number,
  limit: number,
): Promise<ServerGroupRecord[]> {
  const rows =
    allProjects && isAdmin(auth)
      ? await listServerGroups(ctx.db)
      : await listServerGroups(ctx.db, auth.project?.id ?? '')
  return withMembers(ctx, rows.slice(offset, offset + limit))
}

export async function deleteServerGroupFor(
  ctx: ComputeContext,
  auth: AuthContext,
  uuid: string,
): Promise<void> {
  await visibleGroup(ctx, auth, uuid, 'delete')
  if (!(await deleteServerGroup(ctx.db, uuid)))
    throw new NotFoundError(`Instance group ${uuid} could not be found.`)
}
