import type { FastifyPluginAsync } from 'fastify'
import { isAdmin } from '../../../common/auth-context.js'
import { listSubnetPools } from '../../../db/repositories/network/subnetpools.js'
import type { NetworkContext } from '../network-context.js'
import {
  createSubnetPool,
  deleteSubnetPool,
  getVisibleSubnetPool,
  updateSubnetPool,
} from '../subnetpools-service.js'
import { resourceTags, resourcesTags } from '../tags-service.js'
import { applyListQuery, listBody, showFields } from './list-query.js'
import { createBodies, updateBody } from './ipam-body.js'
import { subnetPoolView } from './subnets-views.js'

type IdParams = { Params: { id: string } }

/** Neutron v2.0 subnetpools API (extension subnet_allocation). */
export function subnetpoolsRoutes(ctx: NetworkContext): FastifyPluginAsync {
  return async (app) => {
    app.get('/subnetpools', async (request) => {
      const auth = request.auth
      const rows = (await listSubnetPools(ctx.db)).filter(
        (p) => isAdmin(auth) || p.shared || p.project_id === auth.project?.id,
      )
      const tags = await resourcesTags(
        ctx.db,
        'subnetpool',
        rows.map((r) => r.id),
      )
      const views = rows.map((r) => subnetPoolView(r, tags.get(r.id) ?? []))
      return listBody('subnetpools', applyListQuery(request, views, { collection: 'subnetpools' }))
    })

    app.get<IdParams>('/subnetpools/:id', async (request) => {
      const row = await getVisibleSubnetPool(ctx.db, request.auth, request.params.id)
      return {
        subnetpool: showFields(
          request,
          subnetPoolView(row, await resourceTags(ctx.db, 'subnetpool', row.id)),
        ),
      }
    })

    app.post('/subnetpools', async (request, reply) => {
      const { items, bulk } = createBodies(request.body, 'subnetpool', 'subnetpools')
      const created = []
      for (const item of items) created.push(await createSubnetPool(ctx, request.auth, item))
      reply.status(201)
      const views = created.map((p) => subnetPoolView(p, []))
      return bulk ? { subnetpools: views } : { subnetpool: views[0] }
    })

    app.put<IdParams>('/subnetpools/:id', async (request) => {
      const row = await updateSubnetPool(
        ctx,
        request.auth,
        request.params.id,
        updateBody(request.body, 'subnetpool'),
      )
      return { subnetpool: subnetPoolView(row, await resourceTags(ctx.db, 'subnetpool', row.id)) }
    })

    app.delete<IdParams>('/subnetpools/:id', async (request, reply) => {
      await deleteSubnetPool(ctx, request.auth, request.params.id)
      return reply.status(204).send()
    })
  }
}
