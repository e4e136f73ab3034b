import { Type, type Static } from '@sinclair/typebox'
import type { FastifyPluginAsync, FastifyRequest } from 'fastify'
import { BadRequestError, NotFoundError } from '../../../common/errors.js'
import type { VolumeComputeApi } from '../../volume/index.js'
import type { ComputeContext } from '../compute-context.js'
import { nonNegativeInt, versionNotFound } from './resource-policy.js'
import { validateActionValue } from './server-action-validate.js'
import { isUuidLike } from './servers-formats.js'

const CREATE = Type.Object(
  {
    volume: Type.Object(
      {
        volume_type: Type.Optional(Type.String()),
        metadata: Type.Optional(Type.Record(Type.String(), Type.String())),
        snapshot_id: Type.Optional(Type.String()),
        size: Type.Union([Type.Integer({ minimum: 1 }), Type.String({ pattern: '^[0-9]+$' })]),
        availability_zone: Type.Optional(Type.String()),
        display_name: Type.Optional(Type.String()),
        display_description: Type.Optional(Type.String()),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
)

type Id = { Params: { id: string } }

/**
 * Nova's deprecated os-volumes proxy (until 2.35) over the in-process block
 * storage service: list/detail/show/create/delete with Nova's view and codes.
 */
export function volumesProxyRoutes(ctx: ComputeContext): FastifyPluginAsync {
  const cinder = (): VolumeComputeApi => {
    if (!ctx.volume) throw new NotFoundError('The resource could not be found.')
    return ctx.volume
  }
  return async (app) => {
    app.addHook('preValidation', async (request) => {
      if (request.computeMicroversion > 35) versionNotFound()
      // The app ignores trailing slashes; for Nova `os-volumes/` is an empty id, no route.
      if ((request.url.split('?')[0] ?? '').endsWith('/'))
        throw new NotFoundError('The resource could not be found.')
    })
    const list = async (request: FastifyRequest) => {
      const q = request.query as Record<string, unknown>
      const offset = nonNegativeInt(q['offset'], 'offset') ?? 0
      const limit = nonNegativeInt(q['limit'], 'limit')
      const all = await cinder().proxyList(request.auth)
      return { volumes: all.slice(offset, limit === undefined ? undefined : offset + limit) }
    }
    app.get('/os-volumes', async (request) => list(request))
    app.get('/os-volumes/detail', async (request) => list(request))
    app.get<Id>('/os-volumes/:id', async (request) => {
      try {
        return { volume: await cinder().proxyShow(request.auth, request.params.id) }
      } catch (err) {
        if (err instanceof NotFoundError)
          throw new NotFoundError(`Volume ${request.params.id} could not be found.`)
        throw err
      }
    })
    app.post('/os-volumes', async (request) => {
      validateActionValue('body', CREATE, request.body)
      const v = (request.body as Static<typeof CREATE>).volume
      const size = Number(v.size)
      if (size < 1)
        throw new BadRequestError(`Invalid input for field/attribute size. Value: ${size}.`)
      if (v.snapshot_id !== undefined && !isUuidLike(v.snapshot_id))
        throw new NotFoundError(`Snapshot ${v.snapshot_id} could not be found.`)
      return {
        volume: await cinder().proxyCreate(request.auth, {
          size,
          ...(v.volume_type !== undefined ? { volumeType: v.volume_type } : {}),
          ...(v.metadata !== undefined ? { metadata: v.metadata } : {}),
          ...(v.snapshot_id !== undefined ? { snapshotId: v.snapshot_id } : {}),
          ...(v.availability_zone !== undefined ? { availabilityZone: v.availability_zone } : {}),
          ...(v.display_name !== undefined ? { name: v.display_name } : {}),
          ...(v.display_description !== undefined ? { description: v.display_description } : {}),
        }),
      }
    })
    app.delete<Id>('/os-volumes/:id', async (request, reply) => {
      try {
        await cinder().delete(request.auth, request.params.id)
      } catch (err) {
        if (err instanceof NotFoundError)
          throw new NotFoundError(`Volume ${request.params.id} could not be found.`)
        throw err
      }
      return reply.status(202).send()
    })
  }
}
