import type { FastifyPluginAsync, FastifyRequest } from 'fastify'
import { BadRequestError } from '../../../common/errors.js'
import type { AggregateRecord } from '../../../db/repositories/compute/aggregates.js'
import {
  addHost,
  aggregateId,
  createAggregate,
  deleteAggregate,
  getAggregate,
  listAggregates,
  removeHost,
  setAggregateMetadata,
  updateAggregate,
} from '../aggregates-service.js'
import type { ComputeContext } from '../compute-context.js'
import { nameSchema } from './flavors-schemas.js'
import { atLeast } from './microversion.js'
import { requireAdmin } from './resource-policy.js'

type IdParams = { Params: { id: string } }

/** Nova's az_name: a name without ':'. */
const zoneSchema = {
  oneOf: [
    { type: 'string', minLength: 1, maxLength: 255, allOf: [nameSchema, { pattern: '^[^:]*$' }] },
    { type: 'null' },
  ],
}
/** Update names may carry leading/trailing spaces (name_with_leading_trailing_spaces). */
const looseName = { type: 'string', minLength: 1, maxLength: 255, pattern: '\\S' }
const hostSchema = { type: 'string', minLength: 1, maxLength: 255, pattern: '^[a-zA-Z0-9-._]*$' }

const createBody = {
  type: 'object',
  properties: {
    aggregate: {
      type: 'object',
      properties: { name: nameSchema, availability_zone: zoneSchema },
      required: ['name'],
      additionalProperties: false,
    },
  },
  required: ['aggregate'],
  additionalProperties: false,
}
const updateBody = {
  type: 'object',
  properties: {
    aggregate: {
      type: 'object',
      properties: { name: looseName, availability_zone: zoneSchema },
      additionalProperties: false,
      anyOf: [{ required: ['name'] }, { required: ['availability_zone'] }],
    },
  },
  required: ['aggregate'],
  additionalProperties: false,
}
const hostAction = (action: string) => ({
  type: 'object',
  properties: {
    [action]: {
      type: 'object',
      properties: { host: hostSchema },
      required: ['host'],
      additionalProperties: false,
    },
  },
  required: [action],
  additionalProperties: false,
})
const setMetadataBody = {
  type: 'object',
  properties: {
    set_metadata: {
      type: 'object',
      properties: {
        metadata: {
          type: 'object',
          patternProperties: {
            '^[a-zA-Z0-9-_:. ]{1,255}$': { type: ['string', 'null'], maxLength: 255 },
          },
          additionalProperties: false,
        },
      },
      required: ['metadata'],
      additionalProperties: false,
    },
  },
  required: ['set_metadata'],
  additionalProperties: false,
}
const actionBody = { oneOf: [hostAction('add_host'), hostAction('remove_host'), setMetadataBody] }

/** Nova's aggregate view; uuid from 2.41; create answers without hosts and metadata. */
function aggregateView(
  request: FastifyRequest,
  a: AggregateRecord,
  full = true,
): Record<string, unknown> {
  return {
    id: a.id,
    ...(atLeast(request, 41) ? { uuid: a.uuid } : {}),
    name: a.name,
    ...(full ? { hosts: a.hosts, metadata: a.metadata } : {}),
    created_at: a.created_at,
    updated_at: a.updated_at,
    deleted_at: null,
    deleted: false,
    availability_zone: a.metadata['availability_zone'] ?? null,
  }
}

/** Names are stripped as Nova's normalize_name does. */
const trimName = (s: string) => s.trim()

/** Nova's os-aggregates API (admin only). */
export function aggregatesRoutes(ctx: ComputeContext): FastifyPluginAsync {
  return async (app) => {
    app.get('/os-aggregates', async (request) => {
      requireAdmin(request.auth, 'os_compute_api:os-aggregates:index')
      return { aggregates: (await listAggregates(ctx.db)).map((a) => aggregateView(request, a)) }
    })

    app.post<{ Body: { aggregate: { name: string; availability_zone?: string | null } } }>(
      '/os-aggregates',
      { schema: { body: createBody } },
      async (request) => {
        requireAdmin(request.auth, 'os_compute_api:os-aggregates:create')
        const { name, availability_zone } = request.body.aggregate
        const a = await createAggregate(ctx, trimName(name), availability_zone?.trim())
        return { aggregate: aggregateView(request, a, false) }
      },
    )

    app.get<IdParams>('/os-aggregates/:id', async (request) => {
      requireAdmin(request.auth, 'os_compute_api:os-aggregates:show')
      return {
        aggregate: aggregateView(request, await getAggregate(ctx, aggregateId(request.params.id))),
      }
    })

    app.put<
      IdParams & { Body: { aggregate: { name?: string; availability_zone?: string | null } } }
    >('/os-aggregates/:id', { schema: { body: updateBody } }, async (request) => {
      requireAdmin(request.auth, 'os_compute_api:os-aggregates:update')
      const updates = { ...request.body.aggregate }
      if (updates.name !== undefined) updates.name = trimName(updates.name)
      const a = await updateAggregate(ctx, aggregateId(request.params.id), updates)
      return { aggregate: aggregateView(request, a) }
    })

    app.delete<IdParams>('/os-aggregates/:id', async (request, reply) => {
      requireAdmin(request.auth, 'os_compute_api:os-aggregates:delete')
      await deleteAggregate(ctx, aggregateId(request.params.id))
      return reply.status(200).send()
    })

    app.post<IdParams & { Body: Record<string, unknown> }>(
      '/os-aggregates/:id/action',
      { schema: { body: actionBody } },
      async (request) => {
        const body = request.body as {
          add_host?: { host: string }
          remove_host?: { host: string }
          set_metadata?: { metadata: Record<string, string | null> }
        }
        const rule = Object.keys(body)[0]
        requireAdmin(request.auth, `os_compute_api:os-aggregates:${rule}`)
        const id = aggregateId(request.params.id)
        let a: AggregateRecord
        if (body.add_host) a = await addHost(ctx, id, body.add_host.host)
        else if (body.remove_host) a = await removeHost(ctx, id, body.remove_host.host)
        else if (body.set_metadata)
          a = await setAggregateMetadata(ctx, id, body.set_metadata.metadata)
        else throw new BadRequestError('There is no such action')
        return { aggregate: aggregateView(request, a) }
      },
    )
  }
}
