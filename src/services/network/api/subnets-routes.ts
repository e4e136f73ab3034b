import type { FastifyPluginAsync } from 'fastify'
import { isAdmin } from '../../../common/auth-context.js'
import { listSubnets } from '../../../db/repositories/network/subnets.js'
import type { NetworkContext } from '../network-context.js'
import {
  createSubnet,
  deleteSubnet,
  getVisibleSubnet,
  subnetNetworkIds,
  updateSubnet,
} from '../subnets-service.js'
import { resourceTags, resourcesTags } from '../tags-service.js'
import { applyListQuery, listBody, showFields } from './list-query.js'
import { createBodies, updateBody } from './ipam-body.js'
import { subnetView } from './subnets-views.js'

type IdParams = { Params: { id: string } }

/** Neutron v2.0 subnets API: CRUD and bulk create, IPv4 and IPv6, pools from subnet pools. */
export function subnetsRoutes(ctx: NetworkContext): FastifyPluginAsync {
  return async (app) => {
    app.get('/subnets', async (request) => {
      const auth = request.auth
      let rows
      if (isAdmin(auth)) rows = await listSubnets(ctx.db)
      else {
        const project = auth.project?.id
        const nets = new Set(await subnetNetworkIds(ctx.db, auth))
        rows = (await listSubnets(ctx.db)).filter(
          (s) => nets.has(s.network_id) || s.project_id === project,
        )
      }
      const tags = await resourcesTags(
        ctx.db,
        'subnet',
        rows.map((r) => r.id),
      )
      const views = rows.map((r) => subnetView(r, tags.get(r.id) ?? []))
      return listBody('subnets', applyListQuery(request, views, { collection: 'subnets' }))
    })

    app.get<IdParams>('/subnets/:id', async (request) => {
      const row = await getVisibleSubnet(ctx.db, request.auth, request.params.id)
      return {
        subnet: showFields(request, subnetView(row, await resourceTags(ctx.db, 'subnet', row.id))),
      }
    })

    app.post('/subnets', async (request, reply) => {
      const { items, bulk } = createBodies(request.body, 'subnet', 'subnets')
      const created = []
      try {
        for (const item of items) created.push(await createSubnet(ctx, request.auth, item))
      } catch (err) {
        // Neutron's bulk create is all or nothing.
        for (const s of created) await deleteSubnet(ctx, request.auth, s.id).catch(() => undefined)
        throw err
      }
      reply.status(201)
      const views = created.map((s) => subnetView(s, []))
      return bulk ? { subnets: views } : { subnet: views[0] }
    })

    app.put<IdParams>('/subnets/:id', async (request) => {
      const row = await updateSubnet(
        ctx,
        request.auth,
        request.params.id,
        updateBody(request.body, 'subnet'),
      )
      return { subnet: subnetView(row, await resourceTags(ctx.db, 'subnet', row.id)) }
    })

    app.delete<IdParams>('/subnets/:id', async (request, reply) => {
      await deleteSubnet(ctx, request.auth, request.params.id)
      return reply.status(204).send()
    })
  }
}
