import type { FastifyPluginAsync } from 'fastify'
import { isAdmin } from '../../../common/auth-context.js'
import type { NetworkContext } from '../network-context.js'
import {
  createPortFromApi,
  deletePortFromApi,
  updatePortFromApi,
  visiblePorts,
} from '../ports-api.js'
import { deletePortById, getVisiblePort, type PortRecord } from '../ports-service.js'
import { resourceTags, resourcesTags } from '../tags-service.js'
import { applyListQuery, listBody, showFields, type Query } from './list-query.js'
import { fixedIpsFilter } from './ports-filters.js'
import { portView } from './ports-views.js'
import { createBodies, updateBody } from './ipam-body.js'

type IdParams = { Params: { id: string } }

/** Neutron v2.0 ports API with binding, port security, address pairs and extra DHCP options. */
export function portsRoutes(ctx: NetworkContext): FastifyPluginAsync {
  return async (app) => {
    app.get('/ports', async (request) => {
      const admin = isAdmin(request.auth)
      const recs = await visiblePorts(ctx.db, request.auth, request.query as Query)
      const tags = await resourcesTags(
        ctx.db,
        'port',
        recs.map((r) => r.row.id),
      )
      const views = recs.map((r) => portView(r, tags.get(r.row.id) ?? [], admin))
      return listBody(
        'ports',
        applyListQuery(request, views, {
          collection: 'ports',
          custom: { fixed_ips: fixedIpsFilter },
        }),
      )
    })

    app.get<IdParams>('/ports/:id', async (request) => {
      const rec = await getVisiblePort(ctx.db, request.auth, request.params.id)
      const view = portView(
        rec,
        await resourceTags(ctx.db, 'port', rec.row.id),
        isAdmin(request.auth),
      )
      return { port: showFields(request, view) }
    })

    app.post('/ports', async (request, reply) => {
      const { items, bulk } = createBodies(request.body, 'port', 'ports')
      const created: PortRecord[] = []
      try {
        for (const item of items) created.push(await createPortFromApi(ctx, request.auth, item))
      } catch (err) {
        // Neutron's bulk create is all or nothing.
        for (const p of created) await deletePortById(ctx, p).catch(() => undefined)
        throw err
      }
      reply.status(201)
      const views = created.map((p) => portView(p, [], isAdmin(request.auth)))
      return bulk ? { ports: views } : { port: views[0] }
    })

    app.put<IdParams>('/ports/:id', async (request) => {
      const rec = await updatePortFromApi(
        ctx,
        request.auth,
        request.params.id,
        updateBody(request.body, 'port'),
      )
      return {
        port: portView(rec, await resourceTags(ctx.db, 'port', rec.row.id), isAdmin(request.auth)),
      }
    })

    app.delete<IdParams>('/ports/:id', async (request, reply) => {
      await deletePortFromApi(ctx, request.auth, request.params.id)
      return reply.status(204).send()
    })
  }
}
