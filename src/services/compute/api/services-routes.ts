import type { FastifyPluginAsync, FastifyRequest } from 'fastify'
import { BadRequestError, NotFoundError } from '../../../common/errors.js'
import { serviceIsUp, type ZonedService } from '../availability-zones-service.js'
import type { ComputeContext } from '../compute-context.js'
import { parseBool } from '../flavors-service.js'
import {
  deleteService,
  listServices,
  updateByHostBinary,
  updateByUuid,
  type ServiceChanges,
} from '../services-service.js'
import { booleanSchema } from './flavors-schemas.js'
import { atLeast } from './microversion.js'
import { queryValue, requireAdmin } from './resource-policy.js'

type IdParams = { Params: { id: string } }
type LegacyBody = {
  host: string
  binary: string
  disabled_reason?: string
  forced_down?: boolean | string
}
type UuidBody = {
  status?: 'enabled' | 'disabled'
  disabled_reason?: string
  forced_down?: boolean | string
}

const UUID_RE = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i
const reason = { type: 'string', minLength: 1, maxLength: 255 }

/** One body schema for both PUT forms; the handler tells them apart by microversion. */
const updateBody = {
  type: 'object',
  properties: {
    host: { type: 'string', minLength: 1, maxLength: 255, pattern: '^[a-zA-Z0-9-._]*$' },
    binary: { type: 'string', minLength: 1, maxLength: 255 },
    disabled_reason: reason,
    forced_down: booleanSchema,
    status: { type: 'string', enum: ['enabled', 'disabled'] },
  },
  additionalProperties: false,
}

function detail(
  ctx: ComputeContext,
  request: FastifyRequest,
  s: ZonedService,
  forcedDown: boolean,
) {
  return {
    binary: s.binary,
    host: s.host,
    id: atLeast(request, 53) ? s.uuid : s.id,
    zone: s.availability_zone,
    status: s.disabled === 1 ? 'disabled' : 'enabled',
    state: serviceIsUp(ctx, s) ? 'up' : 'down',
    updated_at: s.last_seen_up ?? s.updated_at,
    disabled_reason: s.disabled_reason,
    ...(forcedDown ? { forced_down: s.forced_down === 1 } : {}),
  }
}

function unexpected(key: string): BadRequestError {
  return new BadRequestError(
    `Invalid input for field/attribute body. Additional properties are not allowed ('${key}' was unexpected)`,
  )
}

/** The pre-2.53 PUT /os-services/{action} with host and binary in the body. */
async function legacyUpdate(ctx: ComputeContext, request: FastifyRequest, action: string) {
  const body = request.body as LegacyBody & UuidBody
  if ('status' in body) throw unexpected('status')
  if (!atLeast(request, 11) && 'forced_down' in body) throw unexpected('forced_down')
  if (typeof body.host !== 'string' || typeof body.binary !== 'string')
    throw new BadRequestError(
      "Invalid input for field/attribute body. 'host' and 'binary' are required properties",
    )
  const { host, binary } = body
  let changes: ServiceChanges
  let answer: Record<string, unknown>
  switch (action) {
    case 'enable':
      changes = { disabled: false, disabled_reason: null }
      answer = { host, binary, status: 'enabled' }
      break
    case 'disable':
      changes = { disabled: true, disabled_reason: null }
      answer = { host, binary, status: 'disabled' }
      break
    case 'disable-log-reason':
      if (body.disabled_reason === undefined)
        throw new BadRequestError('Missing disabled reason field')
      changes = { disabled: true, disabled_reason: body.disabled_reason }
      answer = { host, binary, status: 'disabled', disabled_reason: body.disabled_reason }
      break
    case 'force-down': {
      if (!atLeast(request, 11)) throw new NotFoundError('Unknown action')
      if (body.forced_down === undefined) throw new BadRequestError('Missing forced_down field')
      const forced = parseBool(body.forced_down, 'forced_down')
      changes = { forced_down: forced }
      answer = { host, binary, forced_down: forced }
      break
    }
    default:
      throw new NotFoundError('Unknown action')
  }
  await updateByHostBinary(ctx, host, binary, changes)
  return { service: answer }
}

async function uuidUpdate(ctx: ComputeContext, request: FastifyRequest, id: string) {
  const body = request.body as LegacyBody & UuidBody
  for (const k of ['host', 'binary'] as const) if (k in body) throw unexpected(k)
  if (!UUID_RE.test(id)) throw new BadRequestError(`Invalid uuid ${id}`)
  const changes: ServiceChanges = {}
  if (body.status === 'enabled') {
    if (body.disabled_reason)
      throw new BadRequestError("Specifying 'disabled_reason' with status 'enabled' is invalid.")
    changes.disabled = false
    changes.disabled_reason = null
  } else if (body.status === 'disabled') {
    changes.disabled = true
    changes.disabled_reason = body.disabled_reason ?? null
  }
  if (body.forced_down !== undefined)
    changes.forced_down = parseBool(body.forced_down, 'forced_down')
  if (Object.keys(changes).length === 0)
    throw new BadRequestError(
      "No updates were requested. Fields 'status' or 'forced_down' should be specified.",
    )
  return { service: detail(ctx, request, await updateByUuid(ctx, id, changes), true) }
}

/** Nova's os-services API (admin only). */
export function servicesRoutes(ctx: ComputeContext): FastifyPluginAsync {
  return async (app) => {
    app.get('/os-services', async (request) => {
      requireAdmin(request.auth, 'os_compute_api:os-services:list')
      const q = request.query as Record<string, unknown>
      const services = await listServices(ctx, {
        host: queryValue(q['host']),
        binary: queryValue(q['binary']),
      })
      return { services: services.map((s) => detail(ctx, request, s, atLeast(request, 11))) }
    })

    app.put<IdParams>('/os-services/:id', { schema: { body: updateBody } }, async (request) => {
      requireAdmin(request.auth, 'os_compute_api:os-services:update')
      return atLeast(request, 53)
        ? uuidUpdate(ctx, request, request.params.id)
        : legacyUpdate(ctx, request, request.params.id)
    })

    app.delete<IdParams>('/os-services/:id', async (request, reply) => {
      requireAdmin(request.auth, 'os_compute_api:os-services:delete')
      const { id } = request.params
      const uuid = atLeast(request, 53)
      if (uuid && !UUID_RE.test(id)) throw new BadRequestError(`Invalid uuid ${id}`)
      if (!uuid && !/^\s*-?[0-9]+\s*$/.test(id))
        throw new BadRequestError('Invalid input received: id must be an integer')
      await deleteService(ctx, id, uuid)
      return reply.status(204).send()
    })
  }
}
