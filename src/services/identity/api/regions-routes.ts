import type { FastifyPluginAsync } from 'fastify'
import type { IdentityContext } from '../identity-context.js'
import { enforce, rules } from '../policy.js'
import * as regions from '../regions-service.js'
import { RegionCreate, RegionUpdate } from './catalog-schemas.js'
import { regionView } from './catalog-views.js'
import { collectionLinks, identityBase } from './links.js'

type Params = { Params: { region_id: string } }
type Body = Record<string, unknown>

/** /v3/regions. Anyone with a token may read regions; only admins change them. */
export function regionsRoutes(ctx: IdentityContext): FastifyPluginAsync {
  return async (app) => {
    app.get<{ Querystring: { parent_region_id?: string } }>('/regions', async (request) => {
      enforce(request.auth, 'identity:list_regions', rules.authenticated)
      const q = request.query.parent_region_id
      const rows = await regions.listRegions(ctx, q === undefined ? {} : { parentRegionId: q })
      const base = identityBase(request)
      return { regions: rows.map((r) => regionView(r, base)), links: collectionLinks(request) }
    })

    app.get<Params>('/regions/:region_id', async (request) => {
      enforce(request.auth, 'identity:get_region', rules.authenticated)
      return {
        region: regionView(
          await regions.getRegion(ctx, request.params.region_id),
          identityBase(request),
        ),
      }
    })

    app.post<{ Body: { region: Body } }>(
      '/regions',
      { schema: { body: RegionCreate } },
      async (request, reply) => {
        enforce(request.auth, 'identity:create_region', rules.admin)
        const row = await regions.createRegion(ctx, request.body.region)
        return reply.status(201).send({ region: regionView(row, identityBase(request)) })
      },
    )

    app.put<Params & { Body: { region: Body } }>(
      '/regions/:region_id',
      { schema: { body: RegionCreate } },
      async (request, reply) => {
        enforce(request.auth, 'identity:create_region', rules.admin)
        const row = await regions.createRegion(ctx, request.body.region, request.params.region_id)
        return reply.status(201).send({ region: regionView(row, identityBase(request)) })
      },
    )

    app.patch<Params & { Body: { region: Body } }>(
      '/regions/:region_id',
      { schema: { body: RegionUpdate } },
      async (request) => {
        enforce(request.auth, 'identity:update_region', rules.admin)
        const row = await regions.updateRegion(ctx, request.params.region_id, request.body.region)
        return { region: regionView(row, identityBase(request)) }
      },
    )

    app.delete<Params>('/regions/:region_id', async (request, reply) => {
      enforce(request.auth, 'identity:delete_region', rules.admin)
      await regions.deleteRegion(ctx, request.params.region_id)
      return reply.status(204).send()
    })
  }
}
