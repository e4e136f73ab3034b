import type { FastifyPluginAsync } from 'fastify'
import type { IdentityContext } from '../identity-context.js'
import * as policies from '../policies-service.js'
import { enforce, rules } from '../policy.js'
import { PolicyCreate, PolicyUpdate, strictValidatorCompiler } from './catalog-schemas.js'
import { collectionLinks, identityBase } from './links.js'
import { policyView } from './policies-views.js'

type Params = { Params: { policy_id: string } }
type Body = Record<string, unknown>

/** Keystone v3 /policies (stored blobs; admin only). */
export function policiesRoutes(ctx: IdentityContext): FastifyPluginAsync {
  return async (app) => {
    app.setValidatorCompiler(strictValidatorCompiler)
    app.get<{ Querystring: { type?: string } }>('/policies', async (request) => {
      enforce(request.auth, 'identity:list_policies', rules.admin)
      const type = request.query.type
      const rows = await policies.listPolicies(ctx, type === undefined ? {} : { type })
      const base = identityBase(request)
      return { policies: rows.map((p) => policyView(p, base)), links: collectionLinks(request) }
    })

    app.get<Params>('/policies/:policy_id', async (request) => {
      enforce(request.auth, 'identity:get_policy', rules.admin)
      return {
        policy: policyView(
          await policies.getPolicy(ctx, request.params.policy_id),
          identityBase(request),
        ),
      }
    })

    app.post<{ Body: { policy: Body } }>(
      '/policies',
      { schema: { body: PolicyCreate } },
      async (request, reply) => {
        enforce(request.auth, 'identity:create_policy', rules.admin)
        const row = await policies.createPolicy(ctx, request.body.policy)
        return reply.status(201).send({ policy: policyView(row, identityBase(request)) })
      },
    )

    app.patch<Params & { Body: { policy: Body } }>(
      '/policies/:policy_id',
      { schema: { body: PolicyUpdate } },
      async (request) => {
        enforce(request.auth, 'identity:update_policy', rules.admin)
        const row = await policies.updatePolicy(ctx, request.params.policy_id, request.body.policy)
        return { policy: policyView(row, identityBase(request)) }
      },
    )

    app.delete<Params>('/policies/:policy_id', async (request, reply) => {
      enforce(request.auth, 'identity:delete_policy', rules.admin)
      await policies.deletePolicy(ctx, request.params.policy_id)
      return reply.status(204).send()
    })
  }
}
