import { Type, type Static } from '@sinclair/typebox'
import type { FastifyPluginAsync, FastifyRequest } from 'fastify'
import { ForbiddenError, NotFoundError, PayloadTooLargeError } from '../../../common/errors.js'
import type { VolumeComputeApi } from '../../volume/index.js'
import type { ComputeContext } from '../compute-context.js'
import { booleanSchema } from './flavors-schemas.js'
import { nonNegativeInt, versionNotFound } from './resource-policy.js'
import { validateActionValue } from './server-action-validate.js'

const TRUE = new Set([true, 'True', 'TRUE', 'true', '1', 'ON', 'On', 'on', 'YES', 'Yes', 'yes'])

const CREATE = Type.Object(
  {
    snapshot: Type.Object(
      {
        volume_id: Type.String(),
        force: Type.Optional(Type.Unsafe<boolean | string>(booleanSchema)),
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
 * Nova's deprecated os-snapshots proxy (until 2.35) over the in-process
 * block storage service: list/detail/show/create/delete of volume snapshots
 * in Nova's camelCase view.
 */
export function snapshotsProxyRoutes(ctx: ComputeContext): FastifyPluginAsync {
  const cinder = (): VolumeComputeApi => {
    if (!ctx.volume) throw new NotFoundError('The resource could not be found.')
    return ctx.volume
  }
  /** Cinder's "not found" in Nova's words. */
  const notFound = async <T>(id: string, fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn()
    } catch (err) {
      if (err instanceof NotFoundError)
        throw new NotFoundError(`Snapshot ${id} could not be found.`)
      throw err
    }
  }
  return async (app) => {
    app.addHook('preValidation', async (request) => {
      if (request.computeMicroversion > 35) versionNotFound()
      // The app ignores trailing slashes; for Nova `os-snapshots/` is an empty id, no route.
      if ((request.url.split('?')[0] ?? '').endsWith('/'))
        throw new NotFoundError('The resource could not be found.')
    })
    const list = async (request: FastifyRequest) => {
      const q = request.query as Record<string, unknown>
      const offset = nonNegativeInt(q['offset'], 'offset') ?? 0
      const limit = nonNegativeInt(q['limit'], 'limit')
      const all = await cinder().proxySnapshots(request.auth)
      return { snapshots: all.slice(offset, limit === undefined ? undefined : offset + limit) }
    }
    app.get('/os-snapshots', async (request) => list(request))
    app.get('/os-snapshots/detail', async (request) => list(request))
    app.get<Id>('/os-snapshots/:id', async (request) => ({
      snapshot: await notFound(request.params.id, () =>
        cinder().proxySnapshot(request.auth, request.params.id),
      ),
    }))
    app.post('/os-snapshots', async (request) => {
      validateActionValue('body', CREATE, request.body)
      const s = (request.body as Static<typeof CREATE>).snapshot
      try {
        return {
          snapshot: await cinder().proxySnapshotCreate(request.auth, {
            volumeId: s.volume_id,
            force: TRUE.has(s.force ?? false),
            ...(s.display_name !== undefined ? { name: s.display_name } : {}),
            ...(s.display_description !== undefined ? { description: s.display_description } : {}),
          }),
        }
      } catch (err) {
        if (err instanceof NotFoundError)
          throw new NotFoundError(`Volume ${s.volume_id} could not be found.`)
        // Nova turns Cinder's over-quota into 403.
        if (err instanceof PayloadTooLargeError) throw new ForbiddenError(err.message)
        throw err
      }
    })
    app.delete<Id>('/os-snapshots/:id', async (request, reply) => {
      await notFound(request.params.id, () =>
        cinder().proxySnapshotDelete(request.auth, request.params.id),
      )
      return reply.status(202).send()
    })
  }
}
