import type { FastifyPluginAsync } from 'fastify'
import { BadRequestError } from '../../../common/errors.js'
import type { IdentityContext } from '../identity-context.js'
import { enforce, rules } from '../policy.js'
import { assignmentNames } from '../role-assignments-names.js'
import {
  assertFilters,
  listRoleAssignments,
  restrictToDomain,
  type AssignmentFilters,
} from '../role-assignments-service.js'
import { grantsRoutes } from './grants-routes.js'
import { roleAssignmentsView } from './role-assignments-views.js'

type Query = Record<string, string | string[] | undefined>

/** First value of a query parameter; '' when given without a value. */
function param(q: Query, key: string): string | undefined {
  const v = q[key]
  return Array.isArray(v) ? v[0] : v
}

/** Keystone's query_filter_is_true: present and not '0' (so `?effective` alone is true). */
function flag(q: Query, key: string): boolean {
  const v = param(q, key)
  return v !== undefined && v !== '0'
}

function filtersOf(q: Query): AssignmentFilters {
  const inheritedTo = param(q, 'scope.OS-INHERIT:inherited_to')
  return {
    roleId: param(q, 'role.id') || undefined,
    userId: param(q, 'user.id') || undefined,
    groupId: param(q, 'group.id') || undefined,
    system: param(q, 'scope.system') || undefined,
    domainId: param(q, 'scope.domain.id') || undefined,
    projectId: param(q, 'scope.project.id') || undefined,
    includeSubtree: flag(q, 'include_subtree'),
    inherited: inheritedTo === undefined ? undefined : inheritedTo === 'projects',
    effective: flag(q, 'effective'),
  }
}

/** Grants (see grants-routes.ts) and GET /v3/role_assignments. */
export function assignmentsRoutes(ctx: IdentityContext): FastifyPluginAsync {
  return async (app) => {
    await app.register(grantsRoutes(ctx))

    app.get<{ Querystring: Query }>('/role_assignments', async (request) => {
      const q = request.query
      const f = filtersOf(q)
      if (f.includeSubtree) {
        enforce(request.auth, 'identity:list_role_assignments_for_tree', rules.admin)
        if (!f.projectId)
          throw new BadRequestError(
            'scope.project.id must be specified if include_subtree is also specified',
          )
      } else {
        enforce(request.auth, 'identity:list_role_assignments', rules.admin)
      }
      assertFilters(f)
      let refs = await listRoleAssignments(ctx.db, f)
      // A domain-scoped caller sees only what lies in that domain (Keystone does the same).
      const scoped = request.auth.domain?.id
      if (scoped && !f.includeSubtree) refs = await restrictToDomain(ctx.db, refs, scoped)
      const names = flag(q, 'include_names') ? await assignmentNames(ctx.db, refs) : undefined
      return roleAssignmentsView(request, refs, names)
    })
  }
}
