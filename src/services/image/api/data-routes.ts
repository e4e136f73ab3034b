import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify'
import type { ImageApi } from '../image-api.js'
import { bodyStream } from './routes.js'

type Id = { Params: { image_id: string } }

/** Image data never counts against the JSON body limit: it streams (Glance's image_size_cap applies instead). */
const STREAM = { bodyLimit: Number.MAX_SAFE_INTEGER }

/**
 * Runs an upload; when it fails before the body was read to the end (quota,
 * size cap, bad state), the answer says `Connection: close` and the socket is
 * dropped once it is sent, so the client stops sending and no server waits
 * on a half-read body.
 */
async function receiving(
  request: FastifyRequest,
  reply: FastifyReply,
  upload: () => Promise<void>,
): Promise<void> {
  try {
    await upload()
  } catch (err) {
    if (!request.raw.complete) {
      reply.header('connection', 'close')
      reply.raw.once('finish', () => request.raw.destroy())
    }
    throw err
  }
}

/** PUT/GET /v2/images/{id}/file, PUT /stage and POST /import. */
export function dataRoutes(api: ImageApi): FastifyPluginAsync {
  return async (app) => {
    app.put<Id>('/images/:image_id/file', STREAM, async (request, reply) => {
      const store = request.headers['x-image-meta-store']
      const storeId = typeof store === 'string' ? store : undefined
      await receiving(request, reply, () =>
        api.upload(request.auth, request.params.image_id, bodyStream(request), storeId),
      )
      return reply.status(204).send()
    })

    app.get<Id>('/images/:image_id/file', async (request, reply) => {
      const range = request.headers['range']
      const d = await api.download(
        request.auth,
        request.params.image_id,
        typeof range === 'string' ? range : undefined,
      )
      if (d.kind === 'empty') return reply.status(204).send()
      reply
        .status(d.status)
        .header('content-type', 'application/octet-stream')
        .header('content-length', String(d.length))
      if (d.checksum) reply.header('content-md5', d.checksum)
      if (d.contentRange) reply.header('content-range', d.contentRange)
      return reply.send(d.stream)
    })

    app.put<Id>('/images/:image_id/stage', STREAM, async (request, reply) => {
      await receiving(request, reply, () =>
        api.stage(request.auth, request.params.image_id, bodyStream(request)),
      )
      return reply.status(204).send()
    })

    app.post<Id>('/images/:image_id/import', async (request, reply) => {
      await api.import(request.auth, request.params.image_id, request.body, {
        requestId: request.id,
        token: request.authToken,
      })
      return reply.status(202).send()
    })
  }
}
