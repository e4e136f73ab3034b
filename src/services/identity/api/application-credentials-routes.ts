import type { FastifyPluginAsync } from 'fastify'
import { AppCredService, notFound, type AppCredCreate } from '../app-cred-service.js'
import { assertNotTrustDelegated, assertUnrestricted } from '../delegation-guards.js'
import type { IdentityContext } from '../identity-context.js'
import { enforce, rules } from '../policy.js'
import { accessRulesRoutes } from './access-rules-routes.js'
import { appCredCreateBody } from './delegation-schemas.js'
import { appCredView } from './delegation-views.js'
import { collectionLinks, identityBase } from './links.js'

type UserParams = { user_id: string }
type CredParams = UserParams & { application_credential_id: string }

/** /v3/users/{user_id}/application_credentials (and, through accessRulesRoutes, …/access_rules). */
export function applicationCredentialsRoutes(ctx: IdentityContext): FastifyPluginAsync {
  const creds = new AppCredService(ctx)
  return async (app) => {
    const base = '/users/:user_id/application_credentials'

    app.post<{ Params: UserParams; Body: { application_credential: AppCredCreate } }>(
      base,
      { schema: { body: appCredCreateBody } },
      async (request, reply) => {
        const userId = request.params.user_id
        enforce(
          request.auth,
          'identity:create_application_credential',
          (c, t) => t.userId === c.userId,
          { userId },
        )
        assertNotTrustDelegated(request.auth)
        await assertUnrestricted(ctx.db, request.auth)
        const created = await creds.create(
          request.auth,
          userId,
          request.body.application_credential,
        )
        return reply
          .status(201)
          .send({ application_credential: appCredView(identityBase(request), created) })
      },
    )

    app.get<{ Params: UserParams; Querystring: { name?: string } }>(base, async (request) => {
      enforce(request.auth, 'identity:list_application_credentials', rules.adminOrOwner, {
        userId: request.params.user_id,
      })
      assertNotTrustDelegated(request.auth)
      const list = await creds.list(request.params.user_id, request.query.name)
      const b = identityBase(request)
      return {
        application_credentials: list.map((c) => appCredView(b, c)),
        links: collectionLinks(request),
      }
    })

    /** Keystone judges ownership by the credential's user, not the path's. */
    const load = async (p: CredParams, action: string, caller: Parameters<typeof enforce>[0]) => {
      const found = await creds.find(p.application_credential_id)
      enforce(caller, action, rules.adminOrOwner, { userId: found?.row.user_id ?? p.user_id })
      assertNotTrustDelegated(caller)
      if (!found || found.row.user_id !== p.user_id) throw notFound(p.application_credential_id)
      return found
    }

    app.get<{ Params: CredParams }>(`${base}/:application_credential_id`, async (request) => {
      const found = await load(request.params, 'identity:get_application_credential', request.auth)
      return { application_credential: appCredView(identityBase(request), found) }
    })

    app.delete<{ Params: CredParams }>(
      `${base}/:application_credential_id`,
      async (request, reply) => {
        const found = await load(
          request.params,
          'identity:delete_application_credential',
          request.auth,
        )
        await assertUnrestricted(ctx.db, request.auth)
        await creds.delete(found.row.id)
        return reply.status(204).send()
      },
    )

    await app.register(accessRulesRoutes(creds))
  }
}
