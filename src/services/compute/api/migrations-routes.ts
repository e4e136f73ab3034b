import type { FastifyPluginAsync, FastifyRequest } from 'fastify'
import { BadRequestError } from '../../../common/errors.js'
import type { ComputeContext } from '../compute-context.js'
import { flavorRowIds, listMigrations, type MigrationRow } from '../migrations-service.js'
import { atLeast } from './microversion.js'
import { MAX_LIMIT, nextLinks, resourceLinks } from './resource-links.js'
import { nonNegativeInt, queryValue, requireAdmin } from './resource-policy.js'

const LIVE_IN_PROGRESS = new Set(['queued', 'preparing', 'running', 'post-migrating'])
const ALLOWED_259 = new Set([
  'hidden',
  'host',
  'instance_uuid',
  'source_compute',
  'status',
  'migration_type',
  'limit',
  'marker',
  'changes-since',
])

function flavorId(ids: Map<string, number>, flavorid: string | null): number | null {
  if (flavorid === null) return null
  return ids.get(flavorid) ?? (/^[0-9]+$/.test(flavorid) ? Number(flavorid) : null)
}

function view(request: FastifyRequest, m: MigrationRow, ids: Map<string, number>) {
  const out: Record<string, unknown> = {
    created_at: m.created_at,
    updated_at: m.updated_at,
    id: m.id,
    ...(atLeast(request, 59) ? { uuid: m.uuid } : {}),
    source_compute: m.source_compute,
    dest_compute: m.dest_compute,
    source_node: m.source_node,
    dest_node: m.dest_node,
    dest_host: m.dest_host,
    old_instance_type_id: flavorId(ids, m.old_flavor_id),
    new_instance_type_id: flavorId(ids, m.new_flavor_id),
    instance_uuid: m.instance_uuid,
    status: m.status,
  }
  if (atLeast(request, 23)) {
    out['migration_type'] = m.migration_type
    if (m.migration_type === 'live-migration' && LIVE_IN_PROGRESS.has(m.status))
      out['links'] = resourceLinks(request, `servers/${m.instance_uuid}/migrations`, String(m.id))
  }
  return out
}

/** An ISO 8601 time query parameter as UTC ISO text, or undefined when absent. */
function timeParam(q: Record<string, unknown>, key: string): string | undefined {
  const raw = queryValue(q[key])
  if (raw === undefined) return undefined
  const d = new Date(raw)
  if (!/^\d{4}-\d{2}-\d{2}T/.test(raw) || Number.isNaN(d.getTime()))
    throw new BadRequestError(`Invalid input for query parameters ${key}. Value: ${raw}.`)
  return d.toISOString()
}

/** Nova's os-migrations (admin): filters, 2.23 type and links, 2.59 uuid, paging, changes-since. */
export function migrationsRoutes(ctx: ComputeContext): FastifyPluginAsync {
  return async (app) => {
    app.get('/os-migrations', async (request) => {
      const q = request.query as Record<string, unknown>
      const paged = atLeast(request, 59)
      if (paged)
        for (const k of Object.keys(q))
          if (!ALLOWED_259.has(k) && !(k === 'changes-before' && atLeast(request, 66)))
            throw new BadRequestError(
              `Invalid input for query parameters ${k}. Additional properties are not allowed`,
            )
      const changesSince = paged ? timeParam(q, 'changes-since') : undefined
      const changesBefore = atLeast(request, 66) ? timeParam(q, 'changes-before') : undefined
      if (changesSince && changesBefore && changesBefore < changesSince)
        throw new BadRequestError(
          'The value of changes-since must be less than or equal to changes-before.',
        )
      const limit = paged
        ? Math.min(nonNegativeInt(q['limit'], 'limit') ?? MAX_LIMIT, MAX_LIMIT)
        : undefined
      const page = limit === undefined ? undefined : { limit, marker: queryValue(q['marker']) }
      requireAdmin(request.auth, 'os_compute_api:os-migrations:index')
      const rows = await listMigrations(
        ctx,
        {
          host: queryValue(q['host']),
          status: queryValue(q['status']),
          instance_uuid: queryValue(q['instance_uuid']),
          source_compute: queryValue(q['source_compute']),
          migration_type: queryValue(q['migration_type']),
          changesSince,
          changesBefore,
        },
        page,
      )
      const ids = await flavorRowIds(ctx)
      const body: Record<string, unknown> = { migrations: rows.map((m) => view(request, m, ids)) }
      if (paged) {
        const links = nextLinks(request, 'os-migrations', rows.length, rows[rows.length - 1]?.uuid)
        if (links.length > 0) body['migrations_links'] = links
      }
      return body
    })
  }
}
