import type { FastifyRequest } from 'fastify'
import { isAdmin, type AuthContext } from '../../../common/auth-context.js'
import { BadRequestError } from '../../../common/errors.js'
import { callerProject, forbid } from '../policy.js'

// NOTE: reconstructed by the subnets/ports engineer after accidentally
// overwriting the original; same exports and behaviour as used by the
// security-groups and rbac-policies routes. Replace freely with the original.

const bad = (msg: string): BadRequestError => new BadRequestError(msg, { type: 'HTTPBadRequest' })

/**
 * The `{"<key>": {…}}` object of a POST or PUT, with Neutron's checks:
 * body present, the key present, no unrecognised attributes (project_id /
 * tenant_id are accepted on POST only).
 */
export function resourceBody(
  request: FastifyRequest,
  key: string,
  allowed: readonly string[],
  put = false,
): Record<string, unknown> {
  const body = request.body
  if (body === undefined || body === null || body === '') throw bad('Resource body required')
  if (typeof body !== 'object' || Array.isArray(body)) throw bad('Body contains invalid data')
  const inner = (body as Record<string, unknown>)[key]
  if (inner === undefined || inner === null) throw bad(`Unable to find '${key}' in request body`)
  if (typeof inner !== 'object' || Array.isArray(inner)) throw bad('Body contains invalid data')
  const r = inner as Record<string, unknown>
  const ok = put ? allowed : [...allowed, 'project_id', 'tenant_id']
  if (put) {
    const ro = Object.keys(r).find((k) => ['project_id', 'tenant_id', 'id'].includes(k))
    if (ro) throw bad(`Cannot update read-only attribute ${ro}`)
  }
  const unknown = Object.keys(r).filter((k) => !ok.includes(k))
  if (unknown.length) throw bad(`Unrecognized attribute(s) '${unknown.join(', ')}'`)
  return r
}

/** A string attribute if given (400 when not a string or longer than `max`). */
export function optString(r: Record<string, unknown>, attr: string, max = 255): string | undefined {
  const v = r[attr]
  if (v === undefined) return undefined
  if (typeof v !== 'string')
    throw bad(`Invalid input for ${attr}. Reason: '${JSON.stringify(v)}' is not a valid string.`)
  if (v.length > max)
    throw bad(`Invalid input for ${attr}. Reason: '${v}' exceeds maximum length of ${max}.`)
  return v
}

/** A boolean attribute if given (400 when not a JSON boolean). */
export function optBool(r: Record<string, unknown>, attr: string): boolean | undefined {
  const v = r[attr]
  if (v === undefined) return undefined
  if (typeof v !== 'boolean')
    throw bad(
      `Invalid input for ${attr}. Reason: '${JSON.stringify(v)}' is not a valid boolean value.`,
    )
  return v
}

/** The project a new resource belongs to: project_id / tenant_id (admin only for another project) or the caller's. */
export function createProject(auth: AuthContext, r: Record<string, unknown>): string {
  const given = optString(r, 'project_id') ?? optString(r, 'tenant_id')
  if (given === undefined) return callerProject(auth)
  if (!isAdmin(auth) && given !== auth.project?.id) forbid('create')
  return given
}
