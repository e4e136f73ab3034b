/**
 * The expansion steps of Keystone's effective role assignment listing
 * (keystone/assignment/core.py `_expand_indirect_assignment`,
 * `add_implied_roles`, `_strip_domain_roles`), over plain refs.
 */
import type { Db } from '../../db/database.js'
import { getRoles } from '../../db/repositories/identity/assignments.js'
import {
  listDomainProjectIds,
  listGroupMemberIds,
  listSubtreeProjectIds,
  type AssignmentRow,
} from '../../db/repositories/identity/grants.js'
import { listImpliedRoles } from '../../db/repositories/identity/roles.js'
import { AssignmentType } from '../../db/schema.js'

/** Where an expanded assignment came from. */
export interface Indirect {
  groupId?: string
  projectId?: string
  domainId?: string
  roleId?: string
}

/** One assignment, direct or derived: one actor, one target, one role. */
export interface AssignmentRef {
  userId?: string
  groupId?: string
  projectId?: string
  domainId?: string
  system?: boolean
  roleId: string
  inheritedToProjects?: boolean
  indirect?: Indirect
}

export function refFromRow(r: AssignmentRow): AssignmentRef {
  const ref: AssignmentRef = { roleId: r.role_id }
  if (
    r.type === AssignmentType.UserProject ||
    r.type === AssignmentType.UserDomain ||
    r.type === AssignmentType.UserSystem
  ) {
    ref.userId = r.actor_id
  } else {
    ref.groupId = r.actor_id
  }
  if (r.type === AssignmentType.UserProject || r.type === AssignmentType.GroupProject)
    ref.projectId = r.target_id
  else if (r.type === AssignmentType.UserDomain || r.type === AssignmentType.GroupDomain)
    ref.domainId = r.target_id
  else ref.system = true
  if (r.inherited === 1) ref.inheritedToProjects = true
  return ref
}

const clone = (r: AssignmentRef): AssignmentRef => ({
  ...r,
  ...(r.indirect ? { indirect: { ...r.indirect } } : {}),
})

/** A group ref becomes one ref per member (or only for `userId` when filtering on a user). */
async function expandGroup(
  db: Db,
  ref: AssignmentRef,
  userId: string | undefined,
): Promise<AssignmentRef[]> {
  const groupId = ref.groupId as string
  const users = userId ? [userId] : await listGroupMemberIds(db, groupId)
  return users.map((u) => {
    const out = clone(ref)
    delete out.groupId
    out.userId = u
    out.indirect = { ...out.indirect, groupId }
    return out
  })
}

function onProject(ref: AssignmentRef, projectId: string): AssignmentRef {
  const out = clone(ref)
  const indirect: Indirect = { ...out.indirect }
  if (out.projectId) indirect.projectId = out.projectId
  else if (out.domainId) indirect.domainId = out.domainId
  delete out.domainId
  delete out.inheritedToProjects
  out.projectId = projectId
  out.indirect = indirect
  return out
}

/** Group refs to their members, inherited refs to the projects they reach (restricted to the filter). */
export async function expandIndirect(
  db: Db,
  ref: AssignmentRef,
  userId: string | undefined,
  projectId: string | undefined,
  subtreeIds: readonly string[] | undefined,
): Promise<AssignmentRef[]> {
  if (ref.inheritedToProjects) {
    let projectIds: string[]
    if (projectId) {
      projectIds = [projectId]
      if (subtreeIds && subtreeIds.length > 0) {
        projectIds.push(...subtreeIds)
        // Granted inside the subtree: only the part below the grant point gets it.
        if (ref.projectId && projectIds.includes(ref.projectId))
          projectIds = await listSubtreeProjectIds(db, ref.projectId)
      }
    } else if (ref.domainId) {
      projectIds = await listDomainProjectIds(db, ref.domainId)
    } else {
      projectIds = await listSubtreeProjectIds(db, ref.projectId as string)
    }
    const actors = ref.groupId ? await expandGroup(db, ref, userId) : [ref]
    return actors.flatMap((a) => projectIds.map((p) => onProject(a, p)))
  }
  if (ref.groupId) return expandGroup(db, ref, userId)
  return [ref]
}

function refKey(r: AssignmentRef): string {
  const i = r.indirect ?? {}
  return JSON.stringify([
    r.userId,
    r.groupId,
    r.projectId,
    r.domainId,
    r.system,
    r.roleId,
    r.inheritedToProjects,
    i.groupId,
    i.projectId,
    i.domainId,
    i.roleId,
  ])
}

/** Adds one ref per implied role (transitively), recording the prior role as indirect.roleId. */
export async function addImpliedRoles(
  db: Db,
  refs: readonly AssignmentRef[],
): Promise<AssignmentRef[]> {
  const cache = new Map<string, string[]>()
  const results = [...refs]
  const toCheck = [...refs]
  const checked = new Set<string>()
  for (let next = toCheck.pop(); next; next = toCheck.pop()) {
    checked.add(refKey(next))
    let implied = cache.get(next.roleId)
    if (!implied) {
      implied = (await listImpliedRoles(db, next.roleId)).map((r) => r.implied_role_id)
      cache.set(next.roleId, implied)
    }
    for (const roleId of implied) {
      const copy: AssignmentRef = {
        ...clone(next),
        roleId,
        indirect: { ...next.indirect, roleId: next.roleId },
      }
      if (checked.has(refKey(copy))) continue // a cycle in the inference rules
      results.push(copy)
      toCheck.push(copy)
    }
  }
  return results
}

/** Domain-specific roles only serve to imply others: they never appear in effective lists or tokens. */
export async function stripDomainRoles(
  db: Db,
  refs: readonly AssignmentRef[],
): Promise<AssignmentRef[]> {
  const roles = await getRoles(db, new Set(refs.map((r) => r.roleId)))
  const global = new Set(roles.filter((r) => r.domain_id === '').map((r) => r.id))
  return refs.filter((r) => global.has(r.roleId))
}
