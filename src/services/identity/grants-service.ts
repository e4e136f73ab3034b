import { BadRequestError, ForbiddenError, NotFoundError } from '../../common/errors.js'
import { getRoles } from '../../db/repositories/identity/assignments.js'
import { getDomain } from '../../db/repositories/identity/domains.js'
import { getGroup } from '../../db/repositories/identity/groups.js'
import {
  deleteGrant,
  grantExists,
  insertGrant,
  listGrantRoleIds,
  type GrantKey,
} from '../../db/repositories/identity/grants.js'
import { getProject, type ProjectRow } from '../../db/repositories/identity/projects.js'
import { getUser } from '../../db/repositories/identity/users.js'
import { AssignmentType } from '../../db/schema.js'
import type { IdentityContext } from './identity-context.js'
import { getRoleOr404, type RoleRow } from './roles-service.js'

/** Who gets a grant, on what, and whether it is OS-INHERIT's inherited_to_projects form. */
export interface GrantSpec {
  readonly actor: 'user' | 'group'
  readonly actorId: string
  readonly target: 'project' | 'domain' | 'system'
  /** Ignored for the system target. */
  readonly targetId: string
  readonly inherited: boolean
}

const TYPES = {
  user: {
    project: AssignmentType.UserProject,
    domain: AssignmentType.UserDomain,
    system: AssignmentType.UserSystem,
  },
  group: {
    project: AssignmentType.GroupProject,
    domain: AssignmentType.GroupDomain,
    system: AssignmentType.GroupSystem,
  },
} as const

function keyOf(s: GrantSpec): GrantKey {
  return {
    type: TYPES[s.actor][s.target],
    actorId: s.actorId,
    targetId: s.target === 'system' ? 'system' : s.targetId,
    inherited: s.inherited,
  }
}

/**
 * Looks the parts up in Keystone's order (role, actor, target), each a 404
 * when missing. Revoking may name a vanished actor, as in Keystone.
 */
async function resolve(
  ctx: IdentityContext,
  s: GrantSpec,
  roleId: string | undefined,
  allowMissingActor = false,
): Promise<{ role: RoleRow | undefined; project: ProjectRow | undefined }> {
  const role = roleId === undefined ? undefined : await getRoleOr404(ctx.db, roleId)
  if (!allowMissingActor) {
    if (s.actor === 'user' && !(await getUser(ctx.db, s.actorId)))
      throw new NotFoundError(`Could not find user: ${s.actorId}.`)
    if (s.actor === 'group' && !(await getGroup(ctx.db, s.actorId)))
      throw new NotFoundError(`Could not find group: ${s.actorId}.`)
  }
  let project: ProjectRow | undefined
  if (s.target === 'domain' && !(await getDomain(ctx.db, s.targetId)))
    throw new NotFoundError(`Could not find domain: ${s.targetId}.`)
  if (s.target === 'project') {
    project = await getProject(ctx.db, s.targetId)
    if (!project) throw new NotFoundError(`Could not find project: ${s.targetId}.`)
  }
  return { role, project }
}

function notFound(s: GrantSpec, roleId: string): NotFoundError {
  const target = s.target === 'system' ? 'system' : s.targetId
  return new NotFoundError(
    `Could not find role assignment with role: ${roleId}, user or group: ${s.actorId}, project, domain, or system: ${target}.`,
  )
}

/** PUT: idempotent; a domain-specific role only on projects of its domain and never on the system. */
export async function createGrant(
  ctx: IdentityContext,
  s: GrantSpec,
  roleId: string,
): Promise<void> {
  const { role, project } = await resolve(ctx, s, roleId)
  if (role && role.domain_id !== '') {
    if (s.target === 'system') {
      throw new BadRequestError(
        `Role ${roleId} is a domain-specific role. Unable to use a domain-specific role in a system assignment.`,
      )
    }
    if (project && project.domain_id !== role.domain_id) {
      throw new ForbiddenError(
        `Project ${project.id} must be in the same domain as the role ${roleId} being assigned.`,
      )
    }
  }
  await insertGrant(ctx.db, keyOf(s), roleId)
  ctx.changed()
}

/** GET/HEAD on one grant: resolves or throws 404. */
export async function checkGrant(
  ctx: IdentityContext,
  s: GrantSpec,
  roleId: string,
): Promise<void> {
  await resolve(ctx, s, roleId)
  if (!(await grantExists(ctx.db, keyOf(s), roleId))) throw notFound(s, roleId)
}

/**
 * DELETE. Tokens are not revoked, as in Keystone: each validation
 * recomputes the roles (changed() drops the cached validations), so the
 * role leaves the user's tokens at once and a token left with no role on
 * its scope stops validating.
 */
export async function revokeGrant(
  ctx: IdentityContext,
  s: GrantSpec,
  roleId: string,
): Promise<void> {
  await resolve(ctx, s, roleId, true)
  if (!(await deleteGrant(ctx.db, keyOf(s), roleId))) throw notFound(s, roleId)
  ctx.changed()
}

/** The roles granted to the actor on the target (direct grants only, no implication). */
export async function listGrants(ctx: IdentityContext, s: GrantSpec): Promise<RoleRow[]> {
  await resolve(ctx, s, undefined)
  return getRoles(ctx.db, await listGrantRoleIds(ctx.db, keyOf(s)))
}
