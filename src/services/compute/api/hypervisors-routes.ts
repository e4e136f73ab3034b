import type { FastifyPluginAsync, FastifyRequest } from 'fastify'
import { BadRequestError, NotFoundError } from '../../../common/errors.js'
import type { ComputeContext } from '../compute-context.js'
import { parseBool } from '../flavors-service.js'
import {
  currentWorkload,
  getHypervisor,
  hypervisorStatistics,
  hypervisorUptime,
  listHypervisors,
  searchHypervisors,
  withServers,
  type Hypervisor,
} from '../hypervisors-service.js'
import { atLeast } from './microversion.js'
import { MAX_LIMIT, nextLinks } from './resource-links.js'
import { nonNegativeInt, queryValue, requireAdmin, versionNotFound } from './resource-policy.js'

type IdParams = { Params: { id: string } }
const UUID_RE = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i

async function view(
  ctx: ComputeContext,
  request: FastifyRequest,
  h: Hypervisor,
  detail: boolean,
): Promise<Record<string, unknown>> {
  const uuidIds = atLeast(request, 53)
  const n = h.node
  const out: Record<string, unknown> = {
    id: uuidIds ? n.uuid : n.id,
    hypervisor_hostname: n.hypervisor_hostname,
    state: h.up ? 'up' : 'down',
    status: h.service.disabled === 1 ? 'disabled' : 'enabled',
  }
  if (detail) {
    Object.assign(out, {
      hypervisor_type: n.hypervisor_type,
      hypervisor_version: n.hypervisor_version,
      host_ip: n.host_ip === '' ? null : n.host_ip,
      service: {
        id: uuidIds ? h.service.uuid : h.service.id,
        host: n.host,
        disabled_reason: h.service.disabled_reason,
      },
      vcpus: n.vcpus,
      memory_mb: n.memory_mb,
      local_gb: n.local_gb,
      vcpus_used: n.vcpus_used,
      memory_mb_used: n.memory_mb_used,
      local_gb_used: n.local_gb_used,
      free_ram_mb: n.memory_mb - n.memory_mb_used,
      free_disk_gb: n.local_gb - n.local_gb_used,
      current_workload: await currentWorkload(ctx, [n.host]),
      running_vms: n.running_vms,
      disk_available_least: n.local_gb - n.local_gb_used,
      cpu_info: atLeast(request, 28) ? parseCpuInfo(n.cpu_info) : n.cpu_info,
    })
  }
  // Asked for (with_servers): before 2.75 an empty list is left out, from 2.75 shown.
  if (h.servers && (h.servers.length > 0 || atLeast(request, 75))) out['servers'] = h.servers
  return out
}

function parseCpuInfo(text: string): unknown {
  try {
    return text ? JSON.parse(text) : {}
  } catch {
    return {}
  }
}

function strictBool(raw: unknown, name: string): boolean {
  const v = queryValue(raw)
  if (v === undefined) return false
  try {
    return parseBool(v, name)
  } catch {
    throw new BadRequestError(`Invalid input for query parameters ${name}. Value: ${v}.`)
  }
}

/** Nova's os-hypervisors API (admin only) with its 2.28, 2.33 and 2.53 changes. */
export function hypervisorsRoutes(ctx: ComputeContext): FastifyPluginAsync {
  return async (app) => {
    const list = (detail: boolean) => async (request: FastifyRequest) => {
      requireAdmin(request.auth, `os_compute_api:os-hypervisors:${detail ? 'list-detail' : 'list'}`)
      const q = request.query as Record<string, unknown>
      const paged = atLeast(request, 33)
      const v253 = atLeast(request, 53)
      const pattern = v253 ? queryValue(q['hypervisor_hostname_pattern']) : undefined
      const servers = v253 ? strictBool(q['with_servers'], 'with_servers') : false
      const limit = paged
        ? Math.min(nonNegativeInt(q['limit'], 'limit') ?? MAX_LIMIT, MAX_LIMIT)
        : undefined
      const marker = paged ? queryValue(q['marker']) : undefined
      let hs: Hypervisor[]
      if (pattern !== undefined) {
        if (q['limit'] !== undefined || marker)
          throw new BadRequestError(
            'Paging over hypervisors with the hypervisor_hostname_pattern query parameter is not supported.',
          )
        hs = await searchHypervisors(ctx, pattern)
      } else {
        hs = await listHypervisors(ctx, { limit, marker, byUuid: v253 })
      }
      if (servers) await withServers(ctx, hs)
      const views = []
      for (const h of hs) views.push(await view(ctx, request, h, detail))
      const body: Record<string, unknown> = { hypervisors: views }
      if (paged && pattern === undefined) {
        const last = views[views.length - 1]?.['id']
        const links = nextLinks(
          request,
          detail ? 'os-hypervisors/detail' : 'os-hypervisors',
          views.length,
          typeof last === 'string' || typeof last === 'number' ? String(last) : undefined,
        )
        if (links.length > 0) body['hypervisors_links'] = links
      }
      return body
    }
    app.get('/os-hypervisors', list(false))
    app.get('/os-hypervisors/detail', list(true))

    app.get('/os-hypervisors/statistics', async (request) => {
      requireAdmin(request.auth, 'os_compute_api:os-hypervisors:statistics')
      return { hypervisor_statistics: await hypervisorStatistics(ctx) }
    })

    /** <2.53 ids are integers (else 404); from 2.53 UUIDs (else 400). */
    const lookup = async (request: FastifyRequest, id: string) => {
      const v253 = atLeast(request, 53)
      if (v253 && !UUID_RE.test(id)) throw new BadRequestError(`Invalid uuid ${id}`)
      if (!v253 && !/^\s*-?[0-9]+\s*$/.test(id))
        throw new NotFoundError(`Hypervisor with ID '${id}' could not be found.`)
      return getHypervisor(ctx, id, v253)
    }

    app.get<IdParams>('/os-hypervisors/:id', async (request) => {
      requireAdmin(request.auth, 'os_compute_api:os-hypervisors:show')
      const servers = atLeast(request, 53)
        ? strictBool((request.query as Record<string, unknown>)['with_servers'], 'with_servers')
        : false
      const h = await lookup(request, request.params.id)
      if (servers) await withServers(ctx, [h])
      return { hypervisor: await view(ctx, request, h, true) }
    })

    app.get<IdParams>('/os-hypervisors/:id/uptime', async (request) => {
      requireAdmin(request.auth, 'os_compute_api:os-hypervisors:uptime')
      const h = await lookup(request, request.params.id)
      return {
        hypervisor: { ...(await view(ctx, request, h, false)), uptime: hypervisorUptime(h) },
      }
    })

    app.get<IdParams>('/os-hypervisors/:id/search', async (request) => {
      if (atLeast(request, 53)) versionNotFound()
      requireAdmin(request.auth, 'os_compute_api:os-hypervisors:search')
      const hs = await searchHypervisors(ctx, request.params.id)
      const views = []
      for (const h of hs) views.push(await view(ctx, request, h, false))
      return { hypervisors: views }
    })

    app.get<IdParams>('/os-hypervisors/:id/servers', async (request) => {
      if (atLeast(request, 53)) versionNotFound()
      requireAdmin(request.auth, 'os_compute_api:os-hypervisors:servers')
      const hs = await searchHypervisors(ctx, request.params.id)
      await withServers(ctx, hs)
      const views = []
      for (const h of hs) views.push(await view(ctx, request, h, false))
      return { hypervisors: views }
    })
  }
}
