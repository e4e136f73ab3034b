import type { FastifyPluginAsync, FastifyRequest } from 'fastify'
import type { FlavorRow } from '../../../db/repositories/compute/flavors.js'
import { isAdmin } from '../../../common/auth-context.js'
import { BadRequestError } from '../../../common/errors.js'
import type { ComputeContext } from '../compute-context.js'
import {
  createFlavor,
  deleteFlavor,
  listFlavors,
  parseBool,
  updateFlavorDescription,
  visibleFlavor,
  type FlavorCreateInput,
  type FlavorListQuery,
} from '../flavors-service.js'
import { flavorCreateBody255, flavorUpdateBody } from './flavors-schemas.js'
import { extraSpecsFor, flavorDetail, flavorList } from './flavors-views.js'
import { atLeast } from './microversion.js'
import { MAX_LIMIT } from './resource-links.js'
import { nonNegativeInt, queryValue, requireAdmin, versionNotFound } from './resource-policy.js'

type IdParams = { Params: { id: string } }

const SORT_KEYS = new Set([
  'created_at',
  'description',
  'disabled',
  'ephemeral_gb',
  'flavorid',
  'id',
  'is_public',
  'memory_mb',
  'name',
  'root_gb',
  'rxtx_factor',
  'swap',
  'updated_at',
  'vcpu_weight',
  'vcpus',
])

function intFilter(raw: unknown, name: string): number | undefined {
  const v = queryValue(raw)
  if (v === undefined) return undefined
  if (!/^\s*[-+]?[0-9]+\s*$/.test(v)) throw new BadRequestError(`Invalid ${name} filter [${v}]`)
  return Number(v)
}

function listQuery(request: FastifyRequest): FlavorListQuery {
  const q = request.query as Record<string, unknown>
  const sortKey = queryValue(q['sort_key']) || 'flavorid'
  const sortDir = queryValue(q['sort_dir']) || 'asc'
  if (!SORT_KEYS.has(sortKey))
    throw new BadRequestError(`Invalid input for query parameters sort_key. Value: ${sortKey}.`)
  if (sortDir !== 'asc' && sortDir !== 'desc')
    throw new BadRequestError(`Invalid input for query parameters sort_dir. Value: ${sortDir}.`)
  let isPublic: boolean | null = true
  const rawPublic = queryValue(q['is_public'])
  if (isAdmin(request.auth) && rawPublic !== undefined) {
    if (rawPublic.toLowerCase() === 'none') isPublic = null
    else {
      try {
        isPublic = parseBool(rawPublic, 'is_public')
      } catch {
        throw new BadRequestError(`Invalid is_public filter [${rawPublic}]`)
      }
    }
  }
  return {
    isPublic,
    minRam: intFilter(q['minRam'], 'minRam'),
    minDisk: intFilter(q['minDisk'], 'minDisk'),
    sortKey,
    sortDir,
    limit: Math.min(nonNegativeInt(q['limit'], 'limit') ?? MAX_LIMIT, MAX_LIMIT),
    marker: queryValue(q['marker']),
  }
}

/** Nova's flavors API: list/detail/show, and admin create/update (2.55)/delete. */
export function flavorsRoutes(ctx: ComputeContext): FastifyPluginAsync {
  const detailWithSpecs = async (request: FastifyRequest, row: FlavorRow) =>
    flavorDetail(request, row, (await extraSpecsFor(ctx.db, request, [row])).get(row.flavorid))
  return async (app) => {
    app.get('/flavors', async (request) =>
      flavorList(request, await listFlavors(ctx, request.auth, listQuery(request)), false),
    )
    app.get('/flavors/detail', async (request) => {
      const rows = await listFlavors(ctx, request.auth, listQuery(request))
      return flavorList(request, rows, true, await extraSpecsFor(ctx.db, request, rows))
    })
    app.get<IdParams>('/flavors/:id', async (request) => ({
      flavor: await detailWithSpecs(
        request,
        await visibleFlavor(ctx, request.auth, request.params.id),
      ),
    }))

    app.post<{ Body: { flavor: FlavorCreateInput } }>(
      '/flavors',
      // The 2.55 schema is the older one plus description, refused below 2.55.
      { schema: { body: flavorCreateBody255 } },
      async (request) => {
        requireAdmin(request.auth, 'os_compute_api:os-flavor-manage:create')
        const withDescription = atLeast(request, 55)
        if (!withDescription && 'description' in request.body.flavor)
          throw new BadRequestError(
            "Invalid input for field/attribute flavor. Additional properties are not allowed ('description' was unexpected)",
          )
        const row = await createFlavor(ctx, request.body.flavor, withDescription)
        return { flavor: await detailWithSpecs(request, row) }
      },
    )

    app.put<IdParams & { Body: { flavor: { description: string | null } } }>(
      '/flavors/:id',
      {
        preValidation: async (request) => {
          if (!atLeast(request, 55)) versionNotFound()
        },
        schema: { body: flavorUpdateBody },
      },
      async (request) => {
        requireAdmin(request.auth, 'os_compute_api:os-flavor-manage:update')
        const row = await updateFlavorDescription(
          ctx,
          request.params.id,
          request.body.flavor.description,
        )
        return { flavor: await detailWithSpecs(request, row) }
      },
    )

    app.delete<IdParams>('/flavors/:id', async (request, reply) => {
      requireAdmin(request.auth, 'os_compute_api:os-flavor-manage:delete')
      await deleteFlavor(ctx, request.params.id)
      return reply.status(202).send()
    })
  }
}
