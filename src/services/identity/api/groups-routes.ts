import type { FastifyPluginAsync } from 'fastify'
import { GroupsService } from '../groups-service.js'
import type { IdentityContext } from '../identity-context.js'
import { enforce, rules } from '../policy.js'
import { listUsersFiltered } from '../users-list.js'
import { UsersService } from '../users-service.js'
import { collectionLinks, identityBase } from './links.js'
import { bodyMember, type Query } from './list-query.js'
import { groupCreateSchema, groupUpdateSchema } from './users-schemas.js'
import { groupView, userView } from './users-views.js'

type ById = { Params: { group_id: string } }
type Member = { Params: { group_id: string; user_id: string } }

const parseCreate = bodyMember('group', groupCreateSchema)
const parseUpdate = bodyMember('group', groupUpdateSchema)

/** Keystone v3 /groups, their members, and GET /users/{id}/groups. */
export function groupsRoutes(ctx: IdentityContext): FastifyPluginAsync {
  const groups = new GroupsService(ctx)
  const users = new UsersService(ctx)
  return async (app) => {
    app.post('/groups', async (request, reply) => {
      enforce(request.auth, 'identity:create_group', rules.admin)
      const row = await groups.create(request.auth, parseCreate(request.body))
      return reply.status(201).send({ group: groupView(row, identityBase(request)) })
    })

    app.get<{ Querystring: Query }>('/groups', async (request) => {
      enforce(request.auth, 'identity:list_groups', rules.admin)
      const base = identityBase(request)
      const rows = await groups.list(request.auth, request.query)
      return { groups: rows.map((g) => groupView(g, base)), links: collectionLinks(request) }
    })

    app.get<ById>('/groups/:group_id', async (request) => {
      enforce(request.auth, 'identity:get_group', rules.admin)
      return { group: groupView(await groups.get(request.params.group_id), identityBase(request)) }
    })

    app.patch<ById>('/groups/:group_id', async (request) => {
      enforce(request.auth, 'identity:update_group', rules.admin)
      const row = await groups.update(request.params.group_id, parseUpdate(request.body))
      return { group: groupView(row, identityBase(request)) }
    })

    app.delete<ById>('/groups/:group_id', async (request, reply) => {
      enforce(request.auth, 'identity:delete_group', rules.admin)
      await groups.delete(request.params.group_id)
      return reply.status(204).send()
    })

    app.get<ById & { Querystring: Query }>('/groups/:group_id/users', async (request) => {
      enforce(request.auth, 'identity:list_users_in_group', rules.admin)
      await groups.get(request.params.group_id)
      const supported = ['domain_id', 'enabled', 'name', 'password_expires_at']
      const rows = await listUsersFiltered(
        ctx,
        request.auth,
        request.query,
        supported,
        request.params.group_id,
      )
      const base = identityBase(request)
      return { users: rows.map((u) => userView(u, base)), links: collectionLinks(request) }
    })

    // GET (and the HEAD Fastify derives from it) answers 204 when the user is a member.
    app.get<Member>('/groups/:group_id/users/:user_id', async (request, reply) => {
      enforce(request.auth, 'identity:check_user_in_group', rules.admin)
      await groups.checkUser(request.params.group_id, request.params.user_id)
      return reply.status(204).send()
    })

    app.put<Member>('/groups/:group_id/users/:user_id', async (request, reply) => {
      enforce(request.auth, 'identity:add_user_to_group', rules.admin)
      await groups.addUser(request.params.group_id, request.params.user_id)
      return reply.status(204).send()
    })

    app.delete<Member>('/groups/:group_id/users/:user_id', async (request, reply) => {
      enforce(request.auth, 'identity:remove_user_from_group', rules.admin)
      await groups.removeUser(request.params.group_id, request.params.user_id)
      return reply.status(204).send()
    })

    app.get<{ Params: { user_id: string }; Querystring: Query }>(
      '/users/:user_id/groups',
      async (request) => {
        enforce(request.auth, 'identity:list_groups_for_user', rules.adminOrOwner, {
          userId: request.params.user_id,
        })
        await users.get(request.params.user_id)
        const base = identityBase(request)
        const rows = await groups.list(request.auth, request.query, request.params.user_id)
        return {
          groups: rows.map((g) => ({ ...groupView(g, base), membership_expires_at: null })),
          links: collectionLinks(request),
        }
      },
    )
  }
}
