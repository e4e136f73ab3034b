import type { FastifyPluginAsync, FastifyRequest } from 'fastify'
import { BadRequestError, NotFoundError } from '../../../common/errors.js'
import type { ComputeContext } from '../compute-context.js'
import { parseUsageTime, tenantUsages } from '../usage-service.js'
import { atLeast } from './microversion.js'
import { MAX_LIMIT, nextLinks } from './resource-links.js'
import { nonNegativeInt, queryValue, requireAdmin, requireAdminOrOwner } from './resource-policy.js'

type IdParams = { Params: { id: string } }

/** start/end (default now), stop clamped to now, detailed=1; limit/marker from 2.40. */
function period(request: FastifyRequest) {
  const q = request.query as Record<string, unknown>
  const now = new Date()
  const start = parseUsageTime(queryValue(q['start']), now)
  let stop = parseUsageTime(queryValue(q['end']), now)
  if (!(start < stop))
    throw new BadRequestError('Invalid start time. The start time cannot occur after the end time.')
  if (stop > now) stop = now
  const paged = atLeast(request, 40)
  return {
    start,
    stop,
    detailed: queryValue(q['detailed']) === '1',
    limit: paged
      ? Math.min(nonNegativeInt(q['limit'], 'limit') ?? MAX_LIMIT, MAX_LIMIT)
      : MAX_LIMIT,
    marker: paged ? queryValue(q['marker']) : undefined,
    paged,
  }
}

/** Nova's os-simple-tenant-usage: all projects (admin) or one project (admin or its members). */
export function usageRoutes(ctx: ComputeContext): FastifyPluginAsync {
  return async (app) => {
    app.get('/os-simple-tenant-usage', async (request) => {
      // `/os-simple-tenant-usage/` is a show with an empty tenant id: Nova answers 404.
      if (request.url.split('?')[0]!.endsWith('/'))
        throw new NotFoundError('The resource could not be found.')
      requireAdmin(request.auth, 'os_compute_api:os-simple-tenant-usage:list')
      const p = period(request)
      const { usages, servers } = await tenantUsages(ctx, p, p)
      const body: Record<string, unknown> = { tenant_usages: usages }
      if (p.paged) {
        const links = nextLinks(
          request,
          'os-simple-tenant-usage',
          servers.length,
          servers[servers.length - 1]?.instance_id,
        )
        if (links.length > 0) body['tenant_usages_links'] = links
      }
      return body
    })
    app.get<IdParams>('/os-simple-tenant-usage/:id', async (request) => {
      const tenantId = request.params.id
      requireAdminOrOwner(request.auth, tenantId, 'os_compute_api:os-simple-tenant-usage:show')
      const p = period(request)
      const { usages, servers } = await tenantUsages(ctx, p, { ...p, tenantId, detailed: true })
      const body: Record<string, unknown> = { tenant_usage: usages[0] ?? {} }
      if (p.paged) {
        const links = nextLinks(
          request,
          `os-simple-tenant-usage/${tenantId}`,
          servers.length,
          servers[servers.length - 1]?.instance_id,
        )
        if (links.length > 0) body['tenant_usage_links'] = links
      }
      return body
    })
  }
}
