import type { FastifyPluginAsync, FastifyRequest } from 'fastify'
import { isAdmin } from '../../../common/auth-context.js'
import { BadRequestError, ForbiddenError } from '../../../common/errors.js'
import {
  associateQos,
  createQosSpecs,
  deleteQosKeys,
  deleteQosSpecs,
  disassociateAllQos,
  disassociateQos,
  getQosSpecs,
  listQosSpecs,
  qosAssociations,
  setQosKeys,
  type QosSpecs,
} from '../qos-specs-service.js'
import type { VolumeContext } from '../volume-context.js'
import { boolParam, nextLinks, paginate, q1, selfLinks, type Query } from './common.js'

type Id = { Params: { id: string } }

function requireAdmin(r: FastifyRequest, action: string): void {
  if (!isAdmin(r.auth))
    throw new ForbiddenError(
      `Policy does not allow volume_extension:qos_specs_manage:${action} to be performed.`,
    )
}

const view = (q: QosSpecs) => ({ id: q.id, name: q.name, consumer: q.consumer, specs: q.specs })

/** An object body member, else Cinder's schema 400. */
function member(body: unknown, key: string): Record<string, unknown> {
  const b = body as Record<string, unknown> | null | undefined
  const v = b?.[key]
  if (!b || typeof b !== 'object' || !v || typeof v !== 'object' || Array.isArray(v))
    throw new BadRequestError(
      `Invalid input for field/attribute ${key}. '${key}' is a required property`,
    )
  const extra = Object.keys(b).filter((k) => k !== key)
  if (extra.length)
    throw new BadRequestError(
      `Additional properties are not allowed (${extra.map((k) => `'${k}'`).join(', ')} were unexpected)`,
    )
  return v as Record<string, unknown>
}

function volTypeId(r: FastifyRequest): string {
  const id = q1(r.query as Query, 'vol_type_id')
  if (!id) throw new BadRequestError('Volume Type id must not be None.')
  return id
}

/** Cinder's qos-specs (admin): CRUD, keys, and association with volume types. */
export function qosSpecsRoutes(ctx: VolumeContext): FastifyPluginAsync {
  return async (app) => {
    app.get('/qos-specs', async (r) => {
      requireAdmin(r, 'get_all')
      const query = r.query as Query
      let rows = await listQosSpecs(ctx)
      for (const k of ['id', 'name', 'consumer'] as const) {
        const v = q1(query, k)
        if (v !== undefined) rows = rows.filter((q) => q[k] === v)
      }
      const page = paginate(
        query,
        rows.map((q) => ({ ...q, created_at: q.createdAt })),
        (q, k) => (q as unknown as Record<string, unknown>)[k],
        [
          ['created_at', 'desc'],
          ['id', 'desc'],
        ],
      )
      const links = nextLinks(r, page, 'qos-specs')
      return { qos_specs: page.items.map(view), ...(links ? { qos_specs_links: links } : {}) }
    })
    app.post('/qos-specs', async (r) => {
      requireAdmin(r, 'create')
      const { name, ...rest } = member(r.body, 'qos_specs')
      if (typeof name !== 'string' || name.trim() === '' || name.trim().length > 255)
        throw new BadRequestError(
          'Invalid input for field/attribute name. Name must be a non-empty string of at most 255 characters.',
        )
      const q = await createQosSpecs(ctx, name.trim(), rest)
      return { qos_specs: view(q), links: selfLinks(r, 'qos-specs', q.id) }
    })
    app.get<Id>('/qos-specs/:id', async (r) => {
      requireAdmin(r, 'get')
      const q = await getQosSpecs(ctx.db, r.params.id)
      return { qos_specs: view(q), links: selfLinks(r, 'qos-specs', q.id) }
    })
    app.put<Id>('/qos-specs/:id', async (r) => {
      requireAdmin(r, 'update')
      const specs = member(r.body, 'qos_specs')
      await setQosKeys(ctx, r.params.id, specs)
      return { qos_specs: specs }
    })
    app.put<Id>('/qos-specs/:id/delete_keys', async (r, reply) => {
      requireAdmin(r, 'delete')
      const b = r.body as { keys?: unknown } | null | undefined
      const keys = b?.keys
      if (
        !Array.isArray(keys) ||
        keys.some((k) => typeof k !== 'string' || k.length < 1 || k.length > 255) ||
        new Set(keys).size !== keys.length
      )
        throw new BadRequestError(
          "Invalid input for field/attribute keys. 'keys' must be a list of unique strings",
        )
      await deleteQosKeys(ctx, r.params.id, keys as string[])
      return reply.status(202).send()
    })
    app.delete<Id>('/qos-specs/:id', async (r, reply) => {
      requireAdmin(r, 'delete')
      const raw = q1(r.query as Query, 'force')
      const force = raw === undefined ? false : boolParam(raw)
      if (force === undefined) throw new BadRequestError(`Invalid value '${raw}' for force.`)
      await deleteQosSpecs(ctx, r.params.id, force)
      return reply.status(202).send()
    })
    app.get<Id>('/qos-specs/:id/associations', async (r) => {
      requireAdmin(r, 'get_all')
      return { qos_associations: await qosAssociations(ctx, r.params.id) }
    })
    app.get<Id>('/qos-specs/:id/associate', async (r, reply) => {
      requireAdmin(r, 'update')
      await associateQos(ctx, r.params.id, volTypeId(r))
      return reply.status(202).send()
    })
    app.get<Id>('/qos-specs/:id/disassociate', async (r, reply) => {
      requireAdmin(r, 'update')
      await disassociateQos(ctx, r.params.id, volTypeId(r))
      return reply.status(202).send()
    })
    app.get<Id>('/qos-specs/:id/disassociate_all', async (r, reply) => {
      requireAdmin(r, 'update')
      await disassociateAllQos(ctx, r.params.id)
      return reply.status(202).send()
    })
  }
}
