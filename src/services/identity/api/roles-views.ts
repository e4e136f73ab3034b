import type { FastifyRequest } from 'fastify'
import { parseJson } from '../../../db/repositories/identity/rows.js'
import type { RoleInference } from '../implied-roles-service.js'
import type { RoleRow } from '../roles-service.js'
import { collectionLinks, identityBase } from './links.js'

/**
 * Keystone's role: extra attributes at top level, `domain_id` null for a
 * global role, `description` null when never set (we store that as '').
 */
export function roleView(request: FastifyRequest, r: RoleRow): Record<string, unknown> {
  return {
    ...parseJson(r.extra, {}),
    id: r.id,
    name: r.name,
    domain_id: r.domain_id === '' ? null : r.domain_id,
    description: r.description === '' ? null : r.description,
    options: parseJson(r.options, {}),
    links: { self: `${identityBase(request)}/roles/${r.id}` },
  }
}

export function rolesView(
  request: FastifyRequest,
  roles: readonly RoleRow[],
): Record<string, unknown> {
  return { roles: roles.map((r) => roleView(request, r)), links: collectionLinks(request) }
}

/** The short role form inference rules use: id, name, self link. */
function inferenceRoleView(request: FastifyRequest, r: RoleRow): Record<string, unknown> {
  return { id: r.id, links: { self: `${identityBase(request)}/roles/${r.id}` }, name: r.name }
}

/** One rule (PUT/GET .../implies/{implied}): `implies` is a single role. */
export function impliedRoleView(
  request: FastifyRequest,
  inf: RoleInference,
): Record<string, unknown> {
  const implied = inf.implies[0]
  return {
    role_inference: {
      prior_role: inferenceRoleView(request, inf.prior),
      implies: implied ? inferenceRoleView(request, implied) : null,
    },
    links: { self: `${identityBase(request)}/roles/${inf.prior.id}/implies/${implied?.id ?? ''}` },
  }
}

/** GET /v3/roles/{prior}/implies: `implies` is a list. */
export function impliedRolesView(
  request: FastifyRequest,
  inf: RoleInference,
): Record<string, unknown> {
  return {
    role_inference: {
      prior_role: inferenceRoleView(request, inf.prior),
      implies: inf.implies.map((r) => inferenceRoleView(request, r)),
    },
    links: { self: `${identityBase(request)}/roles/${inf.prior.id}/implies` },
  }
}

/** GET /v3/role_inferences (Keystone sends no collection links here). */
export function roleInferencesView(
  request: FastifyRequest,
  infs: readonly RoleInference[],
): Record<string, unknown> {
  return {
    role_inferences: infs.map((inf) => ({
      prior_role: inferenceRoleView(request, inf.prior),
      implies: inf.implies.map((r) => inferenceRoleView(request, r)),
    })),
  }
}
