import type { FastifyPluginAsync } from 'fastify'
import { isAdmin } from '../../../common/auth-context.js'
import type { NetworkContext } from '../network-context.js'
import { deleteNetwork } from '../networks-delete.js'
import { createNetworks, listNetworkRecords, showNetworkRecord } from '../networks-service.js'
import { updateNetwork } from '../networks-update.js'
import { applyListQuery, listBody, showFields } from './list-query.js'
import { createItems, parseNetworkBody, updateItem } from './networks-input.js'
import { networkView } from './networks-views.js'

type IdParams = { Params: { id: string } }

/** Neutron v2.0 networks API: CRUD, bulk create, list filters/sort/pagination/fields. */
export function networksRoutes(ctx: NetworkContext): FastifyPluginAsync {
  return async (app) => {
    app.get('/networks', async (request) => {
      const admin = isAdmin(request.auth)
      const views = (await listNetworkRecords(ctx, request.auth)).map((r) => networkView(r, admin))
      return listBody('networks', applyListQuery(request, views, { collection: 'networks' }))
    })

    app.get<IdParams>('/networks/:id', async (request) => {
      const rec = await showNetworkRecord(ctx, request.auth, request.params.id)
      return { network: showFields(request, networkView(rec, isAdmin(request.auth))) }
    })

    app.post('/networks', async (request, reply) => {
      const { items, bulk } = createItems(request.body)
      const inputs = items.map((x) => parseNetworkBody(x, true))
      const admin = isAdmin(request.auth)
      const created = (await createNetworks(ctx, request.auth, inputs)).map((r) =>
        networkView(r, admin),
      )
      reply.status(201)
      return bulk ? { networks: created } : { network: created[0] }
    })

    app.put<IdParams>('/networks/:id', async (request) => {
      const input = parseNetworkBody(updateItem(request.body), false)
      const rec = await updateNetwork(ctx, request.auth, request.params.id, input)
      return { network: networkView(rec, isAdmin(request.auth)) }
    })

    app.delete<IdParams>('/networks/:id', async (request, reply) => {
      await deleteNetwork(ctx, request.auth, request.params.id)
      return reply.status(204).send()
    })
  }
}
