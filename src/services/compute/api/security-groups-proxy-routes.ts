import type { FastifyPluginAsync, FastifyRequest } from 'fastify'
import { BadRequestError } from '../../../common/errors.js'
import type { ComputeContext } from '../compute-context.js'
import {
  createGroup,
  createGroupRule,
  deleteGroup,
  deleteGroupRule,
  listGroups,
  serverGroups,
  showGroup,
  updateGroup,
  type RuleBody,
} from '../security-groups-proxy-service.js'
import { nonNegativeInt, queryValue, versionNotFound } from './resource-policy.js'

type IdParams = { Params: { id: string } }

/** SecurityGroupControllerBase._from_body: a body, and the wrapped object in it. */
function fromBody(body: unknown, key: string): Record<string, unknown> {
  if (!body || typeof body !== 'object' || Object.keys(body).length === 0)
    throw new BadRequestError("The request body can't be empty")
  const v = (body as Record<string, unknown>)[key]
  if (v === undefined || v === null) throw new BadRequestError(`Missing parameter ${key}`)
  if (typeof v !== 'object') throw new BadRequestError(`Invalid input for field/attribute ${key}.`)
  return v as Record<string, unknown>
}

/** common.limited: offset and limit over the whole list. */
function limited<T>(request: FastifyRequest, items: T[]): T[] {
  const q = request.query as Record<string, unknown>
  const offset = nonNegativeInt(q['offset'], 'offset') ?? 0
  const limit = Math.min(1000, nonNegativeInt(q['limit'], 'limit') || 1000)
  return items.slice(offset, offset + limit)
}

/**
 * Nova's deprecated os-security-groups and os-security-group-rules proxies to
 * Neutron (until 2.35), and the server's groups (every microversion).
 */
export function securityGroupsProxyRoutes(ctx: ComputeContext): FastifyPluginAsync {
  return async (app) => {
    app.get<IdParams>('/servers/:id/os-security-groups', async (request) => ({
      security_groups: await serverGroups(ctx, request.auth, request.params.id),
    }))
    await app.register(proxyRoutes(ctx))
  }
}

function proxyRoutes(ctx: ComputeContext): FastifyPluginAsync {
  return async (app) => {
    app.addHook('preValidation', async (request) => {
      if (request.computeMicroversion > 35) versionNotFound()
    })
    app.get('/os-security-groups', async (request) => {
      const all =
        queryValue((request.query as Record<string, unknown>)['all_tenants']) !== undefined
      return { security_groups: limited(request, await listGroups(ctx, request.auth, all)) }
    })
    app.get<IdParams>('/os-security-groups/:id', async (request) => ({
      security_group: await showGroup(ctx, request.auth, request.params.id),
    }))
    app.post('/os-security-groups', async (request) => ({
      security_group: await createGroup(
        ctx,
        request.auth,
        fromBody(request.body, 'security_group'),
      ),
    }))
    app.put<IdParams>('/os-security-groups/:id', async (request) => ({
      security_group: await updateGroup(
        ctx,
        request.auth,
        request.params.id,
        fromBody(request.body, 'security_group'),
      ),
    }))
    app.delete<IdParams>('/os-security-groups/:id', async (request, reply) => {
      await deleteGroup(ctx, request.auth, request.params.id)
      return reply.status(202).send()
    })
    app.post('/os-security-group-rules', async (request) => ({
      security_group_rule: await createGroupRule(
        ctx,
        request.auth,
        fromBody(request.body, 'security_group_rule') as RuleBody,
      ),
    }))
    app.delete<IdParams>('/os-security-group-rules/:id', async (request, reply) => {
      await deleteGroupRule(ctx, request.auth, request.params.id)
      return reply.status(202).send()
    })
  }
}
