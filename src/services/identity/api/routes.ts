import type { FastifyPluginAsync } from 'fastify'
import type { AuthService } from '../auth-service.js'
import type { IdentityContext } from '../identity-context.js'
import { applicationCredentialsRoutes } from './application-credentials-routes.js'
import { assignmentsRoutes } from './assignments-routes.js'
import { authRoutes } from './auth-routes.js'
import { catalogRoutes } from './catalog-routes.js'
import { credentialsRoutes } from './credentials-routes.js'
import { domainConfigsRoutes } from './domain-configs-routes.js'
import { domainsRoutes } from './domains-routes.js'
import { groupsRoutes } from './groups-routes.js'
import { oauthConsumersRoutes } from './oauth-consumers-routes.js'
import { policiesRoutes } from './policies-routes.js'
import { projectsRoutes } from './projects-routes.js'
import { rolesRoutes } from './roles-routes.js'
import { trustsRoutes } from './trusts-routes.js'
import { usersRoutes } from './users-routes.js'
import { versionRoutes } from './version-routes.js'

/** Everything under /identity: the version documents and /v3. */
export function identityRoutes(ctx: IdentityContext, auth: AuthService): FastifyPluginAsync {
  return async (app) => {
    await app.register(versionRoutes())
    const v3: FastifyPluginAsync[] = [
      authRoutes(ctx, auth),
      domainsRoutes(ctx),
      projectsRoutes(ctx),
      domainConfigsRoutes(ctx),
      usersRoutes(ctx),
      groupsRoutes(ctx),
      credentialsRoutes(ctx),
      rolesRoutes(ctx),
      assignmentsRoutes(ctx),
      catalogRoutes(ctx),
      policiesRoutes(ctx),
      oauthConsumersRoutes(ctx),
      applicationCredentialsRoutes(ctx),
      trustsRoutes(ctx),
    ]
    for (const plugin of v3) await app.register(plugin, { prefix: '/v3' })
  }
}
