import { Type } from '@sinclair/typebox'
import type { FastifyPluginAsync } from 'fastify'
import type { IdentityContext } from '../identity-context.js'
import {
  createImpliedRole,
  deleteImpliedRoleRule,
  getImpliedRoleOr404,
  listImpliedRolesOf,
  listRoleInferences,
} from '../implied-roles-service.js'
import { enforce, rules } from '../policy.js'
import {
  createRole,
  deleteRole,
  findRoles,
  getRoleOr404,
  updateRole,
  type RoleBody,
} from '../roles-service.js'
import {
  impliedRoleView,
  impliedRolesView,
  roleInferencesView,
  roleView,
  rolesView,
} from './roles-views.js'

// Keystone's parameter_types.name: 1..255 characters, at least one of them not blank.
const name = Type.String({ minLength: 1, maxLength: 255, pattern: '\\S' })
// NOTE: nullable fields use a type list, not a union: with Ajv's type coercion a union would
// turn null into false or ''.
const nullable = <T>(type: string) => Type.Unsafe<T | null>({ type: [type, 'null'] })
const roleFields = {
  description: Type.Optional(Type.String()),
  domain_id: Type.Optional(nullable<string>('string')),
  options: Type.Optional(
    Type.Object(
      { immutable: Type.Optional(nullable<boolean>('boolean')) },
      { additionalProperties: false },
    ),
  ),
}
const createBody = Type.Object({
  role: Type.Object({ name, ...roleFields }, { additionalProperties: true }),
})
const updateBody = Type.Object({
  role: Type.Object(
    { name: Type.Optional(name), ...roleFields },
    { additionalProperties: true, minProperties: 1 },
  ),
})
const listQuery = Type.Object(
  { name: Type.Optional(Type.String()), domain_id: Type.Optional(Type.String()) },
  { additionalProperties: true },
)

type RoleParams = { Params: { role_id: string } }
type RuleParams = { Params: { role_id: string; implied_role_id: string } }

/** /v3/roles (global and domain-specific), /v3/roles/{id}/implies…, /v3/role_inferences. */
export function rolesRoutes(ctx: IdentityContext): FastifyPluginAsync {
  return async (app) => {
    app.post<{ Body: { role: RoleBody } }>(
      '/roles',
      { schema: { body: createBody } },
      async (request, reply) => {
        const domainRole =
          typeof request.body.role.domain_id === 'string' && request.body.role.domain_id !== ''
        enforce(
          request.auth,
          domainRole ? 'identity:create_domain_role' : 'identity:create_role',
          rules.admin,
        )
        const role = await createRole(ctx, request.body.role)
        return reply.status(201).send({ role: roleView(request, role) })
      },
    )

    app.get<{ Querystring: { name?: string; domain_id?: string } }>(
      '/roles',
      { schema: { querystring: listQuery } },
      async (request) => {
        const domainId = request.query.domain_id || undefined
        enforce(
          request.auth,
          domainId ? 'identity:list_domain_roles' : 'identity:list_roles',
          rules.admin,
        )
        return rolesView(request, await findRoles(ctx.db, { name: request.query.name, domainId }))
      },
    )

    app.get<RoleParams>('/roles/:role_id', async (request) => {
      enforce(request.auth, 'identity:get_role', rules.admin)
      return { role: roleView(request, await getRoleOr404(ctx.db, request.params.role_id)) }
    })

    app.patch<RoleParams & { Body: { role: RoleBody } }>(
      '/roles/:role_id',
      { schema: { body: updateBody } },
      async (request) => {
        enforce(request.auth, 'identity:update_role', rules.admin)
        return {
          role: roleView(request, await updateRole(ctx, request.params.role_id, request.body.role)),
        }
      },
    )

    app.delete<RoleParams>('/roles/:role_id', async (request, reply) => {
      enforce(request.auth, 'identity:delete_role', rules.admin)
      await deleteRole(ctx, request.params.role_id)
      return reply.status(204).send()
    })

    app.get<RoleParams>('/roles/:role_id/implies', async (request) => {
      enforce(request.auth, 'identity:list_implied_roles', rules.admin)
      return impliedRolesView(request, await listImpliedRolesOf(ctx.db, request.params.role_id))
    })

    app.put<RuleParams>('/roles/:role_id/implies/:implied_role_id', async (request, reply) => {
      enforce(request.auth, 'identity:create_implied_role', rules.admin)
      const inf = await createImpliedRole(
        ctx,
        request.params.role_id,
        request.params.implied_role_id,
      )
      return reply.status(201).send(impliedRoleView(request, inf))
    })

    // NOTE: Keystone answers HEAD on a rule with 204 while GET gives 200 and a body.
    app.get<RuleParams>(
      '/roles/:role_id/implies/:implied_role_id',
      { exposeHeadRoute: false },
      async (request) => {
        enforce(request.auth, 'identity:get_implied_role', rules.admin)
        return impliedRoleView(
          request,
          await getImpliedRoleOr404(ctx.db, request.params.role_id, request.params.implied_role_id),
        )
      },
    )
    app.head<RuleParams>('/roles/:role_id/implies/:implied_role_id', async (request, reply) => {
      enforce(request.auth, 'identity:check_implied_role', rules.admin)
      await getImpliedRoleOr404(ctx.db, request.params.role_id, request.params.implied_role_id)
      return reply.status(204).send()
    })

    app.delete<RuleParams>('/roles/:role_id/implies/:implied_role_id', async (request, reply) => {
      enforce(request.auth, 'identity:delete_implied_role', rules.admin)
      await deleteImpliedRoleRule(ctx, request.params.role_id, request.params.implied_role_id)
      return reply.status(204).send()
    })

    app.get('/role_inferences', async (request) => {
      enforce(request.auth, 'identity:list_role_inference_rules', rules.admin)
      return roleInferencesView(request, await listRoleInferences(ctx.db))
    })
  }
}
