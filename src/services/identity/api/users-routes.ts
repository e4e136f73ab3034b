import type { FastifyPluginAsync } from 'fastify'
import { MethodNotAllowedError } from '../../../common/errors.js'
import type { IdentityContext } from '../identity-context.js'
import { PasswordChange } from '../password-change.js'
import { enforce, rules } from '../policy.js'
import { listUsersFiltered } from '../users-list.js'
import { UsersService } from '../users-service.js'
import { collectionLinks, identityBase } from './links.js'
import { bodyMember, type Query } from './list-query.js'
import { passwordChangeSchema, userCreateSchema, userUpdateSchema } from './users-schemas.js'
import { userView } from './users-views.js'

type ById = { Params: { user_id: string } }

const parseCreate = bodyMember('user', userCreateSchema)
const parseUpdate = bodyMember('user', userUpdateSchema)
const parsePassword = bodyMember('user', passwordChangeSchema)

/** Keystone v3 /users: CRUD and the self-service password change. */
export function usersRoutes(ctx: IdentityContext): FastifyPluginAsync {
  const users = new UsersService(ctx)
  const passwords = new PasswordChange(ctx)
  return async (app) => {
    app.post('/users', async (request, reply) => {
      enforce(request.auth, 'identity:create_user', rules.admin)
      const row = await users.create(request.auth, parseCreate(request.body))
      return reply.status(201).send({ user: userView(row, identityBase(request)) })
    })

    app.get<{ Querystring: Query }>('/users', async (request) => {
      enforce(request.auth, 'identity:list_users', rules.admin)
      const supported = [
        'domain_id',
        'enabled',
        'idp_id',
        'name',
        'protocol_id',
        'unique_id',
        'password_expires_at',
      ]
      const rows = await listUsersFiltered(ctx, request.auth, request.query, supported)
      const base = identityBase(request)
      return { users: rows.map((r) => userView(r, base)), links: collectionLinks(request) }
    })

    app.get<ById>('/users/:user_id', async (request) => {
      enforce(request.auth, 'identity:get_user', rules.adminOrOwner, {
        userId: request.params.user_id,
      })
      return { user: userView(await users.get(request.params.user_id), identityBase(request)) }
    })

    app.patch<ById>('/users/:user_id', async (request) => {
      enforce(request.auth, 'identity:update_user', rules.admin, { userId: request.params.user_id })
      const row = await users.update(request.params.user_id, parseUpdate(request.body))
      return { user: userView(row, identityBase(request)) }
    })

    app.delete<ById>('/users/:user_id', async (request, reply) => {
      enforce(request.auth, 'identity:delete_user', rules.admin, { userId: request.params.user_id })
      await users.delete(request.params.user_id)
      return reply.status(204).send()
    })

    // NOTE: public as in Keystone: the original password authenticates the call,
    // so a user whose password expired (and who cannot get a token) can still change it.
    app.post<ById>(
      '/users/:user_id/password',
      { config: { public: true } },
      async (request, reply) => {
        const body = parsePassword(request.body)
        await passwords.change(request.params.user_id, body.original_password, body.password)
        return reply.status(204).send()
      },
    )

    app.get<ById>('/users/:user_id/password', { config: { public: true } }, async () => {
      throw new MethodNotAllowedError('The method is not allowed for the requested URL.')
    })
  }
}
