/** OS-EP-FILTER project associations of endpoint groups. */
import { ConflictError, NotFoundError } from '../../common/errors.js'
import { isUniqueViolation } from '../../db/database.js'
import type { EndpointRow } from '../../db/repositories/identity/catalog.js'
import * as repo from '../../db/repositories/identity/endpoint-groups.js'
import type { EndpointGroupRow } from '../../db/repositories/identity/endpoint-groups.js'
import { getProject, type ProjectRow } from '../../db/repositories/identity/projects.js'
import { endpointsInGroup, getEndpointGroup } from './endpoint-groups-service.js'
import type { IdentityContext } from './identity-context.js'

async function requireProject(ctx: IdentityContext, projectId: string): Promise<ProjectRow> {
  const p = await getProject(ctx.db, projectId)
  if (!p) throw new NotFoundError(`Could not find project: ${projectId}.`)
  return p
}

const noAssociation = (): NotFoundError =>
  new NotFoundError('Endpoint Group Project Association not found')

/** PUT, GET/HEAD and DELETE of /endpoint_groups/{g}/projects/{p}: project, group, then the association. */
export async function projectAssociation(
  ctx: IdentityContext,
  op: 'add' | 'check' | 'remove',
  groupId: string,
  projectId: string,
): Promise<void> {
  await requireProject(ctx, projectId)
  await getEndpointGroup(ctx, groupId)
  const exists = await repo.hasProjectEndpointGroup(ctx.db, groupId, projectId)
  if (op === 'check') {
    if (!exists) throw noAssociation()
    return
  }
  if (op === 'add') {
    const conflict = new ConflictError(
      'Conflict occurred attempting to store project_endpoint_group - Duplicate entry.',
    )
    if (exists) throw conflict
    try {
      await repo.addProjectEndpointGroup(ctx.db, groupId, projectId)
    } catch (err) {
      throw isUniqueViolation(err) ? conflict : err
    }
  } else {
    if (!exists) throw noAssociation()
    await repo.removeProjectEndpointGroup(ctx.db, groupId, projectId)
  }
  ctx.changed()
}

/** Projects tied to a group (Keystone answers an empty list for an unknown group). */
export async function projectsForGroup(
  ctx: IdentityContext,
  groupId: string,
): Promise<ProjectRow[]> {
  const out: ProjectRow[] = []
  for (const id of await repo.listProjectIdsForEndpointGroup(ctx.db, groupId)) {
    const p = await getProject(ctx.db, id)
    if (p) out.push(p)
  }
  return out
}

export async function groupsForProject(
  ctx: IdentityContext,
  projectId: string,
): Promise<EndpointGroupRow[]> {
  await requireProject(ctx, projectId)
  return repo.listEndpointGroupsForProject(ctx.db, projectId)
}

/** Endpoints a project reaches through its endpoint groups. */
export async function endpointsForProject(
  ctx: IdentityContext,
  projectId: string,
): Promise<EndpointRow[]> {
  const seen = new Map<string, EndpointRow>()
  for (const g of await groupsForProject(ctx, projectId)) {
    for (const e of await endpointsInGroup(ctx, g)) seen.set(e.id, e)
  }
  return [...seen.values()]
}
