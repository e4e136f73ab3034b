import type { FastifyPluginAsync } from 'fastify'
import { NotFoundError } from '../../../common/errors.js'
import type { ImageApi } from '../image-api.js'

type Id = { Params: { image_id: string } }

/** /v2/info/*, /v2/schemas/* and the cache API (/v2/cache, Image API 2.14). */
export function cacheRoutes(api: ImageApi): FastifyPluginAsync {
  return async (app) => {
    app.get('/info/import', async () => api.importInfo())
    app.get('/info/stores', async (request) => api.storesInfo(request.auth, false))
    app.get('/info/stores/detail', async (request) => api.storesInfo(request.auth, true))
    app.get('/info/usage', async (request) => api.usage(request.auth))

    app.get<{ Params: { '*': string } }>('/schemas/*', async (request) => {
      const schema = api.schema(request.params['*'])
      if (schema === undefined) throw new NotFoundError('The resource could not be found.')
      return schema
    })

    app.get('/cache', async (request) => api.cacheState(request.auth))

    app.delete('/cache', async (request, reply) => {
      const target = request.headers['x-image-cache-clear-target']
      await api.cacheClear(request.auth, typeof target === 'string' ? target : '')
      return reply.status(204).send()
    })

    app.put<Id>('/cache/:image_id', async (request, reply) => {
      await api.cacheQueue(request.auth, request.params.image_id)
      return reply.status(202).send()
    })

    app.delete<Id>('/cache/:image_id', async (request, reply) => {
      await api.cacheDelete(request.auth, request.params.image_id)
      return reply.status(204).send()
    })
  }
}
