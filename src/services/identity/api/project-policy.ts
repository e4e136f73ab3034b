import { isAdmin, type AuthContext } from '../../../common/auth-context.js'
import type { IdentityContext } from '../identity-context.js'
import type { PolicyTarget, Rule } from '../policy.js'
import { getProject } from '../projects-service.js'

/**
 * Keystone's get_project rule: admin, a token scoped to the project, or a
 * token scoped to the project's domain.
 */
export const projectReader: Rule = (c, t) =>
  isAdmin(c) ||
  (t.projectId !== undefined && c.project?.id === t.projectId) ||
  (t.domainId !== undefined && c.domain?.id === t.domainId)

/** The policy target of /projects/{id}…; a missing project leaves the domain unknown (Keystone defers the 404). */
export async function projectTarget(
  ctx: IdentityContext,
  auth: AuthContext,
  id: string,
): Promise<PolicyTarget> {
  if (isAdmin(auth) || auth.domain === undefined) return { projectId: id }
  try {
    return { projectId: id, domainId: (await getProject(ctx, id)).domainId ?? undefined }
  } catch {
    return { projectId: id }
  }
}
