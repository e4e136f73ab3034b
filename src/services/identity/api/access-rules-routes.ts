import type { FastifyPluginAsync } from 'fastify'
import type { AppCredService } from '../app-cred-service.js'
import { assertNotTrustDelegated } from '../delegation-guards.js'
import { enforce, rules } from '../policy.js'
import { accessRuleView } from './delegation-views.js'
import { collectionLinks, identityBase } from './links.js'

type UserParams = { user_id: string }
type RuleParams = UserParams & { access_rule_id: string }

/** /v3/users/{user_id}/access_rules: the rules a user's application credentials use. */
export function accessRulesRoutes(creds: AppCredService): FastifyPluginAsync {
  return async (app) => {
    const rulesBase = '/users/:user_id/access_rules'

    app.get<{
      Params: UserParams
      Querystring: { service?: string; path?: string; method?: string }
    }>(rulesBase, async (request) => {
      enforce(request.auth, 'identity:list_access_rules', rules.adminOrOwner, {
        userId: request.params.user_id,
      })
      assertNotTrustDelegated(request.auth)
      const { service, path, method } = request.query
      const filters = {
        ...(service !== undefined ? { service } : {}),
        ...(path !== undefined ? { path } : {}),
        ...(method !== undefined ? { method } : {}),
      }
      const list = await creds.listAccessRules(request.params.user_id, filters)
      const b = identityBase(request)
      return {
        access_rules: list.map((r) => accessRuleView(b, r)),
        links: collectionLinks(request),
      }
    })

    app.get<{ Params: RuleParams }>(`${rulesBase}/:access_rule_id`, async (request) => {
      enforce(request.auth, 'identity:get_access_rule', rules.adminOrOwner, {
        userId: request.params.user_id,
      })
      assertNotTrustDelegated(request.auth)
      const rule = await creds.getAccessRule(request.params.user_id, request.params.access_rule_id)
      return { access_rule: accessRuleView(identityBase(request), rule) }
    })

    app.delete<{ Params: RuleParams }>(`${rulesBase}/:access_rule_id`, async (request, reply) => {
      enforce(request.auth, 'identity:delete_access_rule', rules.adminOrOwner, {
        userId: request.params.user_id,
      })
      assertNotTrustDelegated(request.auth)
      await creds.deleteAccessRule(request.params.user_id, request.params.access_rule_id)
      return reply.status(204).send()
    })
  }
}
