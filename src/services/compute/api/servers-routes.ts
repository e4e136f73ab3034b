import type { Static } from '@sinclair/typebox'
import type { FastifyPluginAsync, FastifyRequest } from 'fastify'
import { isAdmin } from '../../../common/auth-context.js'
import type { ComputeContext } from '../compute-context.js'
import { serverBasicView, serverDetailView, serverLinks, serverUpdateView } from '../server-view.js'
import type { DiskConfig } from '../disk-config.js'
import { createServers } from '../servers-create.js'
import { deleteServer } from '../servers-delete.js'
import { listServers, type ServerPage } from '../servers-list.js'
import type { RawQuery } from '../servers-list-query.js'
import { visibleInstance } from '../servers-lookup.js'
import { updateServer } from '../servers-update.js'
import { loadServerViewData, viewOptions } from '../servers-view-data.js'
import { checkDescription, checkIp, checkName } from './servers-formats.js'
import { parseCreateBody, unexpected } from './servers-create-input.js'
import { serverCreateSchema, serverUpdateSchema } from './servers-schemas.js'

type IdParams = { Params: { id: string } }

/** Nova's _get_collection_links: a next link when the page is full. */
function nextLinks(
  request: FastifyRequest,
  computeUrl: string,
  path: string,
  page: ServerPage,
): { rel: string; href: string }[] | undefined {
  const last = page.rows.at(-1)
  if (!last || page.limit === 0 || page.rows.length !== page.limit) return undefined
  const q = { ...(request.query as RawQuery) }
  const params = new URLSearchParams()
  for (const key of Object.keys(q).sort()) {
    if (key === 'marker') continue
    const v = q[key]
    const one = Array.isArray(v) ? v.at(-1) : v
    if (one !== undefined) params.set(key, one)
  }
  params.set('marker', last.uuid)
  return [{ rel: 'next', href: `${computeUrl}/v2.1/${path}?${params.toString()}` }]
}

/** POST/GET/PUT/DELETE /servers (Nova's ServersController minus the actions). */
export function serversRoutes(ctx: ComputeContext): FastifyPluginAsync {
  return async (app) => {
    app.post<{ Body: Static<typeof serverCreateSchema> }>(
      '/servers',
      { schema: { body: serverCreateSchema } },
      async (request, reply) => {
        const req = parseCreateBody(request.body, request.computeMicroversion)
        const result = await createServers(
          ctx,
          { auth: request.auth, requestId: request.id, microversion: request.computeMicroversion },
          req,
        )
        reply.status(202)
        if (req.returnReservationId) return { reservation_id: result.reservationId }
        const id = result.uuids[0] as string
        const links = serverLinks(viewOptions(ctx, 1, false).computeUrl, id)
        reply.header('location', links[0]?.href)
        return {
          server: {
            id,
            links,
            'OS-DCF:diskConfig': result.diskConfig,
            // Nova echoes the requested groups (the ports do not exist yet).
            security_groups: request.body.server.security_groups ?? [{ name: 'default' }],
            adminPass: req.adminPass,
          },
        }
      },
    )

    const list = (detail: boolean) => async (request: FastifyRequest) => {
      const mv = request.computeMicroversion
      const admin = isAdmin(request.auth)
      const o = viewOptions(ctx, mv, admin)
      const page = await listServers(ctx, request.auth, mv, request.query as RawQuery, detail)
      const servers = detail
        ? await (async () => {
            const data = await loadServerViewData(ctx, page.rows, o)
            return page.rows.map((r) => serverDetailView(r, data, o))
          })()
        : page.rows.map((r) => serverBasicView(r, o))
      const links = nextLinks(request, o.computeUrl, detail ? 'servers/detail' : 'servers', page)
      return links ? { servers, servers_links: links } : { servers }
    }
    app.get('/servers', list(false))
    app.get('/servers/detail', list(true))

    app.get<IdParams>('/servers/:id', async (request) => {
      const o = viewOptions(ctx, request.computeMicroversion, isAdmin(request.auth))
      const row = await visibleInstance(ctx, request.auth, request.params.id)
      const data = await loadServerViewData(ctx, [row], o, { serverGroups: true })
      return { server: serverDetailView(row, data, o) }
    })

    app.put<IdParams & { Body: Static<typeof serverUpdateSchema> }>(
      '/servers/:id',
      { schema: { body: serverUpdateSchema } },
      async (request) => {
        const mv = request.computeMicroversion
        const s = request.body.server
        if (s.description !== undefined && mv < 19) throw unexpected('description')
        if (s.name !== undefined) checkName('name', s.name)
        if (typeof s.description === 'string') checkDescription('description', s.description)
        if (s.accessIPv4 !== undefined) checkIp('accessIPv4', s.accessIPv4, 4)
        if (s.accessIPv6 !== undefined) checkIp('accessIPv6', s.accessIPv6, 6)
        const row = await updateServer(ctx, request.auth, request.params.id, {
          ...(s.name !== undefined ? { name: s.name } : {}),
          ...(s.description !== undefined ? { description: s.description } : {}),
          ...(s.accessIPv4 !== undefined ? { accessIPv4: s.accessIPv4 } : {}),
          ...(s.accessIPv6 !== undefined ? { accessIPv6: s.accessIPv6 } : {}),
          ...(s['OS-DCF:diskConfig'] !== undefined
            ? { diskConfig: s['OS-DCF:diskConfig'] as DiskConfig }
            : {}),
        })
        const o = viewOptions(ctx, mv, isAdmin(request.auth))
        const data = await loadServerViewData(ctx, [row], o, { serverGroups: true })
        return { server: serverUpdateView(row, data, o) }
      },
    )

    app.delete<IdParams>('/servers/:id', async (request, reply) => {
      await deleteServer(ctx, request.auth, request.params.id, request.id)
      return reply.status(204).send()
    })
  }
}
