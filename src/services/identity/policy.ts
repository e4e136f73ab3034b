import { isAdmin, type AuthContext } from '../../common/auth-context.js'
import { ForbiddenError } from '../../common/errors.js'

/**
 * Keystone's default policy, reduced to the three roles we ship:
 * `admin` may do everything; everybody else may read and manage only what
 * is theirs (their user, their token, their project). A rule gets the caller
 * and facts about the target; it never reads the database itself.
 */
export interface PolicyTarget {
  readonly userId?: string | undefined
  readonly projectId?: string | undefined
  readonly domainId?: string | undefined
  readonly subjectToken?: { readonly userId: string } | undefined
}

export type Rule = (ctx: AuthContext, target: PolicyTarget) => boolean

export const rules = {
  admin: ((ctx) => isAdmin(ctx)) as Rule,
  /** The caller is the target user (e.g. list own projects, change own password). */
  adminOrOwner: ((ctx, t) =>
    isAdmin(ctx) || (t.userId !== undefined && t.userId === ctx.userId)) as Rule,
  /** The caller's token is scoped to the target project. */
  adminOrProjectMember: ((ctx, t) =>
    isAdmin(ctx) || (t.projectId !== undefined && ctx.project?.id === t.projectId)) as Rule,
  /** The caller's token is scoped to the target domain, or to a project in it. */
  adminOrDomainMember: ((ctx, t) =>
    isAdmin(ctx) ||
    (t.domainId !== undefined &&
      (ctx.domain?.id === t.domainId || ctx.project?.domainId === t.domainId))) as Rule,
  /** Any authenticated caller. */
  authenticated: (() => true) as Rule,
}

/** Throws Keystone's 403 unless the rule allows the action. */
export function enforce(
  ctx: AuthContext,
  action: string,
  rule: Rule,
  target: PolicyTarget = {},
): void {
  if (!rule(ctx, target))
    throw new ForbiddenError(`You are not authorized to perform the requested action: ${action}.`)
}
