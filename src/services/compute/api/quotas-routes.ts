import type { FastifyPluginAsync, FastifyRequest } from 'fastify'
import { BadRequestError, ForbiddenError } from '../../../common/errors.js'
import type { ComputeContext } from '../compute-context.js'
import {
  canReadProject,
  classLimits,
  quotaDetails,
  resetQuotas,
  updateClassLimits,
  updateQuotas,
  verifyProject,
} from '../quota-sets-service.js'
import {
  defaultLimits,
  effectiveLimits,
  isQuotaResource,
  QUOTA_RESOURCES,
  visibleResources,
  type QuotaResource,
} from '../quotas.js'
import { parseBool } from '../flavors-service.js'
import { booleanSchema } from './flavors-schemas.js'
import { queryValue, requireAdmin } from './resource-policy.js'

type IdParams = { Params: { id: string } }

const quotaValue = {
  type: ['integer', 'string'],
  pattern: '^-?[0-9]+$',
  minimum: -1,
  maximum: 0x7fffffff,
}

/** Body schema: every resource Nova ever accepted; the handler narrows by microversion. */
function quotaBody(wrapper: string, extra: Record<string, unknown>) {
  const props: Record<string, unknown> = { networks: quotaValue, ...extra }
  for (const r of QUOTA_RESOURCES) props[r] = quotaValue
  return {
    type: 'object',
    properties: {
      [wrapper]: { type: 'object', properties: props, additionalProperties: false },
    },
    required: [wrapper],
    additionalProperties: false,
  }
}
const quotaSetBody = quotaBody('quota_set', { force: booleanSchema })
const quotaClassBody = quotaBody('quota_class_set', {})

function pickVisible<T>(
  values: Record<QuotaResource, T>,
  shown: QuotaResource[],
): Record<string, T> {
  const out: Record<string, T> = {}
  for (const r of shown) out[r] = values[r]
  return out
}

function userIdOf(request: FastifyRequest): string | undefined {
  const v = (request.query as Record<string, unknown>)['user_id']
  return Array.isArray(v) ? (v[0] as string | undefined) : queryValue(v)
}

/** Resources an update may name at this microversion (older ones answer 400 as unknown). */
function parseUpdate(
  request: FastifyRequest,
  body: Record<string, unknown>,
  shown: QuotaResource[],
  field: string,
): Partial<Record<QuotaResource, number>> {
  const values: Partial<Record<QuotaResource, number>> = {}
  for (const [k, v] of Object.entries(body)) {
    if (k === 'force') continue
    if (k === 'networks') {
      if (request.computeMicroversion < 36)
        throw new BadRequestError('The networks quota has been removed')
      throw unexpected(field, k)
    }
    if (!isQuotaResource(k) || !shown.includes(k)) throw unexpected(field, k)
    const n = Number(v)
    if (!Number.isInteger(n) || n < -1 || n > 0x7fffffff)
      throw new BadRequestError(`Invalid input for field/attribute ${k}. Value: ${String(v)}.`)
    values[k] = n
  }
  return values
}

function unexpected(field: string, key: string): BadRequestError {
  return new BadRequestError(
    `Invalid input for field/attribute ${field}. Additional properties are not allowed ('${key}' was unexpected)`,
  )
}

function checkRead(request: FastifyRequest, projectId: string, action: string): void {
  if (!canReadProject(request.auth, projectId))
    throw new ForbiddenError(
      `Policy doesn't allow os_compute_api:os-quota-sets:${action} to be performed.`,
    )
}

/** Nova's os-quota-sets (show, defaults, detail, update, delete) and os-quota-class-sets. */
export function quotasRoutes(ctx: ComputeContext): FastifyPluginAsync {
  return async (app) => {
    app.get<IdParams>('/os-quota-sets/:id', async (request) => {
      const projectId = request.params.id
      checkRead(request, projectId, 'show')
      await verifyProject(ctx, projectId)
      const limits = await effectiveLimits(ctx, projectId, userIdOf(request))
      const shown = visibleResources(request.computeMicroversion)
      return { quota_set: { id: projectId, ...pickVisible(limits, shown) } }
    })

    app.get<IdParams>('/os-quota-sets/:id/defaults', async (request) => {
      await verifyProject(ctx, request.params.id)
      const shown = visibleResources(request.computeMicroversion)
      return {
        quota_set: { id: request.params.id, ...pickVisible(await defaultLimits(ctx), shown) },
      }
    })

    app.get<IdParams>('/os-quota-sets/:id/detail', async (request) => {
      const projectId = request.params.id
      checkRead(request, projectId, 'detail')
      await verifyProject(ctx, projectId)
      const details = await quotaDetails(ctx, projectId, userIdOf(request))
      const shown = visibleResources(request.computeMicroversion)
      return { quota_set: { id: projectId, ...pickVisible(details, shown) } }
    })

    app.put<IdParams & { Body: { quota_set: Record<string, unknown> } }>(
      '/os-quota-sets/:id',
      { schema: { body: quotaSetBody } },
      async (request) => {
        const projectId = request.params.id
        const shown = visibleResources(request.computeMicroversion)
        const body = request.body.quota_set
        const values = parseUpdate(request, body, shown, 'quota_set')
        requireAdmin(request.auth, 'os_compute_api:os-quota-sets:update')
        await verifyProject(ctx, projectId)
        const force =
          body['force'] === undefined ? false : parseBool(body['force'] as string, 'force')
        const limits = await updateQuotas(ctx, projectId, userIdOf(request), values, force)
        return { quota_set: pickVisible(limits, shown) }
      },
    )

    app.delete<IdParams>('/os-quota-sets/:id', async (request, reply) => {
      requireAdmin(request.auth, 'os_compute_api:os-quota-sets:delete')
      await resetQuotas(ctx, request.params.id, userIdOf(request))
      return reply.status(202).send()
    })

    app.get<IdParams>('/os-quota-class-sets/:id', async (request) => {
      requireAdmin(request.auth, 'os_compute_api:os-quota-class-sets:show')
      const limits = await classLimits(ctx, request.params.id)
      return {
        quota_class_set: { id: request.params.id, ...pickVisible(limits, classResources(request)) },
      }
    })

    app.put<IdParams & { Body: { quota_class_set: Record<string, unknown> } }>(
      '/os-quota-class-sets/:id',
      { schema: { body: quotaClassBody } },
      async (request) => {
        const shown = classResources(request)
        const values = parseUpdate(request, request.body.quota_class_set, shown, 'quota_class_set')
        requireAdmin(request.auth, 'os_compute_api:os-quota-class-sets:update')
        if (request.params.id.length > 255)
          throw new BadRequestError(
            'Invalid input received: quota_class_name has more than 255 characters.',
          )
        const limits = await updateClassLimits(ctx, request.params.id, values)
        return { quota_class_set: pickVisible(limits, shown) }
      },
    )
  }
}

/**
 * Quota class resources: before 2.50 without the server group quotas (and
 * with the network ones); 2.50 drops the network ones; 2.57 the personality ones.
 */
function classResources(request: FastifyRequest): QuotaResource[] {
  const mv = request.computeMicroversion
  if (mv < 50)
    return QUOTA_RESOURCES.filter((r) => r !== 'server_groups' && r !== 'server_group_members')
  return visibleResources(mv >= 57 ? 57 : 36)
}
