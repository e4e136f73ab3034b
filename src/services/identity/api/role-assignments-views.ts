import type { FastifyRequest } from 'fastify'
import type { AssignmentRef } from '../role-assignments-expand.js'
import type { AssignmentNames } from '../role-assignments-names.js'
import { collectionLinks, identityBase } from './links.js'

type Json = Record<string, unknown>

/**
 * One entry of GET /v3/role_assignments, as Keystone's `_format_entity`
 * builds it: `links.assignment` points at the grant that produced the entry
 * (the group grant, the OS-INHERIT grant on the domain or parent project,
 * the prior role's grant), `links.membership` at the group membership,
 * `links.prior_role` at the inference rule.
 */
export function roleAssignmentView(
  request: FastifyRequest,
  r: AssignmentRef,
  names?: AssignmentNames,
): Json {
  const base = identityBase(request)
  const links: Json = {}
  const entity: Json = { links }
  let link = ''
  let inherited = r.inheritedToProjects === true
  let scope: Json = {}

  if (r.projectId) {
    const p = names?.project
    scope = {
      project: p
        ? { id: r.projectId, name: p.name, domain: { id: p.domainId, name: p.domainName } }
        : { id: r.projectId },
    }
    if (r.indirect?.domainId) {
      inherited = true
      link = `/domains/${r.indirect.domainId}`
    } else if (r.indirect?.projectId) {
      inherited = true
      link = `/projects/${r.indirect.projectId}`
    } else {
      link = `/projects/${r.projectId}`
    }
  } else if (r.domainId) {
    scope = {
      domain: names ? { id: r.domainId, name: names.domainName ?? '' } : { id: r.domainId },
    }
    link = `/domains/${r.domainId}`
  } else if (r.system) {
    scope = { system: { all: true } }
    link = '/system'
  }
  entity.scope = scope

  if (r.userId) {
    const u = names?.user
    entity.user = u
      ? { id: r.userId, name: u.name, domain: { id: u.domainId, name: u.domainName } }
      : { id: r.userId }
    if (r.indirect?.groupId) {
      links.membership = `${base}/groups/${r.indirect.groupId}/users/${r.userId}`
      link += `/groups/${r.indirect.groupId}`
    } else {
      link += `/users/${r.userId}`
    }
  } else if (r.groupId) {
    const g = names?.group
    entity.group = g
      ? { id: r.groupId, name: g.name, domain: { id: g.domainId, name: g.domainName } }
      : { id: r.groupId }
    link += `/groups/${r.groupId}`
  }

  entity.role = names?.role ? { id: r.roleId, ...names.role } : { id: r.roleId }
  let priorLink = ''
  if (r.indirect?.roleId) {
    link += `/roles/${r.indirect.roleId}`
    // NOTE: Keystone names the implied role "prior" in this link; kept as is for compatibility.
    priorLink = `/prior_role/${r.roleId}/implies/${r.indirect.roleId}`
  } else {
    link += `/roles/${r.roleId}`
  }
  if (inherited) {
    scope['OS-INHERIT:inherited_to'] = 'projects'
    link = `/OS-INHERIT${link}/inherited_to_projects`
  }
  links.assignment = `${base}${link}`
  if (priorLink) links.prior_role = `${base}${priorLink}`
  return entity
}

export function roleAssignmentsView(
  request: FastifyRequest,
  refs: readonly AssignmentRef[],
  names?: readonly AssignmentNames[],
): Json {
  return {
    role_assignments: refs.map((r, i) => roleAssignmentView(request, r, names?.[i])),
    links: collectionLinks(request),
  }
}
