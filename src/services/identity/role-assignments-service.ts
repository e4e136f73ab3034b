import { BadRequestError, NotFoundError } from '../../common/errors.js'
import type { Db } from '../../db/database.js'
import {
  listSubtreeProjectIds,
  queryAssignments,
  querySystemAssignments,
  type AssignmentRow,
} from '../../db/repositories/identity/grants.js'
import { getProject, listAncestors } from '../../db/repositories/identity/projects.js'
import { listUserGroupIds } from '../../db/repositories/identity/users.js'
import { AssignmentType } from '../../db/schema.js'
import {
  addImpliedRoles,
  expandIndirect,
  refFromRow,
  stripDomainRoles,
  type AssignmentRef,
} from './role-assignments-expand.js'

/** The filters of GET /v3/role_assignments, already parsed. */
export interface AssignmentFilters {
  readonly roleId?: string | undefined
  readonly userId?: string | undefined
  readonly groupId?: string | undefined
  readonly system?: string | undefined
  readonly domainId?: string | undefined
  readonly projectId?: string | undefined
  readonly includeSubtree: boolean
  /** scope.OS-INHERIT:inherited_to: true for 'projects', false for anything else, undefined when absent. */
  readonly inherited?: boolean | undefined
  readonly effective: boolean
}

/** Keystone's checks on filter combinations that can never match (400). */
export function assertFilters(f: AssignmentFilters): void {
  if (f.domainId && f.projectId) throw new BadRequestError('Specify a domain or project, not both')
  if (f.domainId && f.system) throw new BadRequestError('Specify system or domain, not both')
  if (f.projectId && f.system) throw new BadRequestError('Specify system or project, not both')
  if (f.userId && f.groupId) throw new BadRequestError('Specify a user or group, not both')
  if (f.effective && f.groupId) {
    throw new BadRequestError(
      'Combining effective and group filter will always result in an empty list.',
    )
  }
  if (f.effective && f.inherited && f.domainId) {
    throw new BadRequestError(
      'Combining effective, domain and inherited filters will always result in an empty list.',
    )
  }
}

/**
 * Keystone's `list_role_assignments`: the grants matching the filters, or in
 * effective mode what actually reaches users (groups expanded to members,
 * inherited grants to the projects below, implied roles added, domain
 * roles dropped). System grants appear only in the direct listing.
 */
export async function listRoleAssignments(db: Db, f: AssignmentFilters): Promise<AssignmentRef[]> {
  let subtreeIds: string[] | undefined
  if (f.projectId && f.includeSubtree) {
    if (!(await getProject(db, f.projectId)))
      throw new NotFoundError(`Could not find project: ${f.projectId}.`)
    subtreeIds = await listSubtreeProjectIds(db, f.projectId)
  }
  return f.effective ? listEffective(db, f, subtreeIds) : listDirect(db, f, subtreeIds)
}

async function listDirect(
  db: Db,
  f: AssignmentFilters,
  subtreeIds: string[] | undefined,
): Promise<AssignmentRef[]> {
  const system = f.system === 'all'
  const projectIds = f.projectId ? [...(subtreeIds ?? []), f.projectId] : undefined
  const rows: AssignmentRow[] = []
  if (!system) {
    rows.push(
      ...(await queryAssignments(db, {
        roleId: f.roleId,
        userId: f.userId,
        groupIds: f.groupId ? [f.groupId] : undefined,
        domainId: f.domainId,
        projectIds,
        inherited: f.inherited,
      })),
    )
  }
  if (system || (!f.projectId && !f.domainId)) {
    const q = f.userId
      ? { type: AssignmentType.UserSystem, actorId: f.userId }
      : f.groupId
        ? { type: AssignmentType.GroupSystem, actorId: f.groupId }
        : {}
    rows.push(
      ...(await querySystemAssignments(db, q)).filter((r) => !f.roleId || r.role_id === f.roleId),
    )
  }
  return rows.map(refFromRow)
}

async function listEffective(
  db: Db,
  f: AssignmentFilters,
  subtreeIds: string[] | undefined,
): Promise<AssignmentRef[]> {
  if (f.groupId || (f.domainId && f.inherited)) return []
  // Domains inherit nothing, so a domain filter only ever wants direct grants.
  const inherited = f.domainId ? false : f.inherited
  const scope = { projectId: f.projectId, subtreeIds, domainId: f.domainId, inherited }
  const rows = await forActor(db, { ...scope, userId: f.userId })
  if (f.userId) {
    const groupIds = await listUserGroupIds(db, f.userId)
    if (groupIds.length > 0) rows.push(...(await forActor(db, { ...scope, groupIds })))
  }
  let refs: AssignmentRef[] = []
  for (const row of rows)
    refs.push(...(await expandIndirect(db, refFromRow(row), f.userId, f.projectId, subtreeIds)))
  refs = await stripDomainRoles(db, await addImpliedRoles(db, refs))
  return f.roleId ? refs.filter((r) => r.roleId === f.roleId) : refs
}

/**
 * The grants of one actor (or of everybody) that can affect the target:
 * direct ones on it, plus inherited ones from the project's domain and
 * ancestors (or, with a subtree, from inside it too).
 */
async function forActor(
  db: Db,
  a: {
    userId?: string | undefined
    groupIds?: string[] | undefined
    projectId?: string | undefined
    subtreeIds?: string[] | undefined
    domainId?: string | undefined
    inherited?: boolean | undefined
  },
): Promise<AssignmentRow[]> {
  const actor = { userId: a.userId, groupIds: a.groupIds }
  const withSubtree = a.subtreeIds !== undefined && a.subtreeIds.length > 0
  const ofInterest = a.projectId
    ? [...(withSubtree ? (a.subtreeIds ?? []) : []), a.projectId]
    : undefined
  const out: AssignmentRow[] = []
  if (a.inherited !== true) {
    out.push(
      ...(await queryAssignments(db, {
        ...actor,
        domainId: a.domainId,
        projectIds: ofInterest,
        inherited: false,
      })),
    )
  }
  if (a.inherited === false) return out
  if (!a.projectId) {
    out.push(...(await queryAssignments(db, { ...actor, inherited: true })))
    return out
  }
  const project = await getProject(db, a.projectId)
  if (!project) throw new NotFoundError(`Could not find project: ${a.projectId}.`)
  out.push(
    ...(await queryAssignments(db, { ...actor, domainId: project.domain_id, inherited: true })),
  )
  const sources = (await listAncestors(db, project)).map((p) => p.id)
  if (withSubtree) sources.push(...(ofInterest ?? []))
  if (sources.length > 0)
    out.push(...(await queryAssignments(db, { ...actor, projectIds: sources, inherited: true })))
  return out
}

/** Keeps the assignments on the domain or on its projects (for a domain-scoped caller). */
export async function restrictToDomain(
  db: Db,
  refs: readonly AssignmentRef[],
  domainId: string,
): Promise<AssignmentRef[]> {
  const projectDomain = new Map<string, string | undefined>()
  const out: AssignmentRef[] = []
  for (const r of refs) {
    if (r.domainId === domainId) out.push(r)
    else if (r.projectId) {
      if (!projectDomain.has(r.projectId))
        projectDomain.set(r.projectId, (await getProject(db, r.projectId))?.domain_id)
      if (projectDomain.get(r.projectId) === domainId) out.push(r)
    }
  }
  return out
}
