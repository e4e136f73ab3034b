import type { FastifyPluginAsync } from 'fastify'
import type { DomainBody } from '../domains-service.js'
import {
  createDomain,
  deleteDomain,
  getDomain,
  listDomains,
  updateDomain,
} from '../domains-service.js'
import type { IdentityContext } from '../identity-context.js'
import { enforce, rules } from '../policy.js'
import { queryBool } from '../projects-list.js'
import { domainCollectionView, domainView } from './domains-views.js'
import { domainCreateBody, domainUpdateBody, strictBody } from './resource-schemas.js'

type IdParams = { Params: { domain_id: string } }

/** Keystone v3 domains API: /v3/domains and /v3/domains/{domain_id}. */
export function domainsRoutes(ctx: IdentityContext): FastifyPluginAsync {
  return async (app) => {
    app.get<{ Querystring: { name?: string; enabled?: string } }>('/domains', async (request) => {
      enforce(request.auth, 'identity:list_domains', rules.admin)
      const { name, enabled } = request.query
      const list = await listDomains(ctx, {
        name,
        enabled: enabled === undefined ? undefined : queryBool(enabled),
      })
      return domainCollectionView(request, list)
    })

    app.post<{ Body: { domain: DomainBody } }>(
      '/domains',
      { schema: { body: domainCreateBody }, validatorCompiler: strictBody },
      async (request, reply) => {
        enforce(request.auth, 'identity:create_domain', rules.admin)
        const d = await createDomain(ctx, request.body.domain)
        return reply.status(201).send({ domain: domainView(request, d) })
      },
    )

    app.get<IdParams>('/domains/:domain_id', async (request) => {
      // A user may read the domain their token is scoped to, or that owns their project.
      enforce(request.auth, 'identity:get_domain', rules.adminOrDomainMember, {
        domainId: request.params.domain_id,
      })
      return { domain: domainView(request, await getDomain(ctx, request.params.domain_id)) }
    })

    app.patch<IdParams & { Body: { domain: DomainBody } }>(
      '/domains/:domain_id',
      { schema: { body: domainUpdateBody }, validatorCompiler: strictBody },
      async (request) => {
        enforce(request.auth, 'identity:update_domain', rules.admin)
        const d = await updateDomain(ctx, request.params.domain_id, request.body.domain)
        return { domain: domainView(request, d) }
      },
    )

    app.delete<IdParams>('/domains/:domain_id', async (request, reply) => {
      enforce(request.auth, 'identity:delete_domain', rules.admin)
      await deleteDomain(ctx, request.params.domain_id)
      return reply.status(204).send()
    })
  }
}
