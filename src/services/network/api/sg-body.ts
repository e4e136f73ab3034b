import type { FastifyRequest } from 'fastify'
import { BadRequestError } from '../../../common/errors.js'
import { isAdmin, type AuthContext } from '../../../common/auth-context.js'
import { callerProject } from '../policy.js'
import { shown } from '../sg-rule-rules.js'

/**
 * The resource object of a Neutron request body (`{"security_group": {…}}`),
 * with Neutron's checks: the wrapper must be there, unknown attributes → 400
 * "Unrecognized attribute(s)", project_id/tenant_id read-only on PUT.
 * Used by the security-group and RBAC routes.
 */
export function resourceBody(
  request: FastifyRequest,
  key: string,
  allowed: readonly string[],
  put = false,
): Record<string, unknown> {
  const body = request.body as Record<string, unknown> | undefined
  const res = body?.[key]
  if (typeof res !== 'object' || res === null || Array.isArray(res)) {
    throw new BadRequestError(
      body === undefined ? 'Resource body required' : `Unable to find '${key}' in request body`,
      {
        type: 'HTTPBadRequest',
      },
    )
  }
  const r = res as Record<string, unknown>
  const extra = Object.keys(r).filter(
    (k) => !allowed.includes(k) && !(k === 'project_id' || k === 'tenant_id'),
  )
  if (extra.length)
    throw new BadRequestError(`Unrecognized attribute(s) '${extra.join(', ')}'`, {
      type: 'HTTPBadRequest',
    })
  if (put && ('project_id' in r || 'tenant_id' in r)) {
    throw new BadRequestError(
      `Cannot update read-only attribute ${'project_id' in r ? 'project_id' : 'tenant_id'}`,
      {
        type: 'HTTPBadRequest',
      },
    )
  }
  return r
}

/** The project a created resource belongs to: the body's project_id/tenant_id (admin only when foreign) or the caller's. */
export function createProject(auth: AuthContext, r: Record<string, unknown>): string {
  const given = r['project_id'] ?? r['tenant_id']
  if (given === undefined) return callerProject(auth)
  if (typeof given !== 'string' || given === '') {
    throw new BadRequestError(
      `Invalid input for project_id. Reason: '${shown(given)}' is not a valid string.`,
    )
  }
  if (given !== auth.project?.id && !isAdmin(auth)) {
    throw new BadRequestError(
      "Specifying 'project_id' or 'tenant_id' other than the authenticated project in request requires admin or advsvc privileges",
    )
  }
  return given
}

/** A string attribute of at most `max` characters, or undefined when absent. */
export function optString(r: Record<string, unknown>, attr: string, max = 255): string | undefined {
  const v = r[attr]
  if (v === undefined) return undefined
  if (typeof v !== 'string')
    throw new BadRequestError(
      `Invalid input for ${attr}. Reason: '${shown(v)}' is not a valid string.`,
    )
  if (v.length > max)
    throw new BadRequestError(
      `Invalid input for ${attr}. Reason: '${v}' exceeds maximum length of ${max}.`,
    )
  return v
}

/** A boolean attribute (Neutron's convert_to_boolean also takes "true"/"false" strings). */
export function optBool(r: Record<string, unknown>, attr: string): boolean | undefined {
  const v = r[attr]
  if (v === undefined) return undefined
  if (typeof v === 'boolean') return v
  if (typeof v === 'string' && ['true', 'false'].includes(v.toLowerCase()))
    return v.toLowerCase() === 'true'
  throw new BadRequestError(
    `Invalid input for ${attr}. Reason: '${shown(v)}' cannot be converted to boolean.`,
  )
}
