import { isAdmin, type AuthContext } from '../../common/auth-context.js'
import { ForbiddenError } from '../../common/errors.js'

/**
 * Neutron's default policy in short: admin does everything; otherwise a
 * resource is visible and changeable only by its project (plus what is
 * shared with the caller: shared networks, RBAC grants). Resources another
 * project cannot see answer 404, never 403, so their existence does not leak.
 */
export function callerProject(ctx: AuthContext): string {
  const p = ctx.project?.id
  if (!p) throw new ForbiddenError('A project-scoped token is required.')
  return p
}

export function ownsOrAdmin(ctx: AuthContext, projectId: string): boolean {
  return isAdmin(ctx) || ctx.project?.id === projectId
}

/** 403 with Neutron's message for an action on an attribute or resource the caller may not use. */
export function forbid(action: string): never {
  throw new ForbiddenError(`(rule:${action}) is disallowed by policy`)
}
