import { Readable } from 'node:stream'
import type { FastifyError, FastifyInstance, FastifyPluginAsync, FastifyRequest } from 'fastify'
import {
  MethodNotAllowedError,
  NotFoundError,
  UnsupportedMediaTypeError,
} from '../../../common/errors.js'
import type { ImageApi } from '../image-api.js'
import { PATCH_TYPES } from '../image-patch.js'
import { cacheRoutes } from './cache-routes.js'
import { dataRoutes } from './data-routes.js'
import { imagesRoutes } from './images-routes.js'
import { membersRoutes } from './members-routes.js'
import { metadefsRoutes } from './metadefs-routes.js'
import { versionRoutes } from './version-routes.js'

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const

/** The raw request body of an octet-stream route; 415 for anything else (Glance's deserializer). */
export function bodyStream(request: FastifyRequest): Readable {
  if (request.body instanceof Readable) return request.body
  throw new UnsupportedMediaTypeError(
    'The request has a media type that is not supported: expected application/octet-stream',
  )
}

function jsonParser(
  _req: FastifyRequest,
  body: string | Buffer,
  done: (err: Error | null, body?: unknown) => void,
): void {
  const text = typeof body === 'string' ? body : body.toString('utf8')
  if (text.trim() === '') return done(null, undefined)
  try {
    done(null, JSON.parse(text))
  } catch {
    const err = new Error('Malformed JSON in request body.') as FastifyError
    err.statusCode = 400
    done(err)
  }
}

/** Every other method on a known path answers 405 with Allow, as Glance's router `reject` does. */
function rejectOtherMethods(app: FastifyInstance, seen: Map<string, Set<string>>): void {
  for (const [url, methods] of seen) {
    const others = METHODS.filter((m) => !methods.has(m))
    if (others.length === 0) continue
    const allow = [...methods].filter((m) => m !== 'HEAD').join(', ')
    app.route({
      method: others,
      url,
      handler: async (_request, reply) => {
        reply.header('allow', allow)
        throw new MethodNotAllowedError('The method specified is not allowed for this resource.')
      },
    })
  }
}

/**
 * Everything under /image: the version documents and /v2. Image data
 * routes get the raw request stream (no body limit, never buffered); PATCH
 * bodies use Glance's json-patch media types.
 */
export function imageRoutes(api: ImageApi): FastifyPluginAsync {
  return async (app) => {
    app.addContentTypeParser('application/octet-stream', (_req, payload, done) =>
      done(null, payload),
    )
    app.addContentTypeParser(Object.keys(PATCH_TYPES), { parseAs: 'string' }, jsonParser)
    // Glance's router has no trailing-slash aliases: /v2/images/ is not /v2/images.
    app.addHook('onRequest', async (request) => {
      const path = request.url.split('?')[0] ?? ''
      if (path.endsWith('/') && path.split('/').filter(Boolean).length > 2)
        throw new NotFoundError('The resource could not be found.')
    })
    app.addHook('onSend', async (request, reply) => {
      if (request.method === 'PATCH' && reply.statusCode === 415)
        reply.header('accept-patch', Object.keys(PATCH_TYPES).sort().join(', '))
    })
    const seen = new Map<string, Set<string>>()
    const prefix = app.prefix
    app.addHook('onRoute', (r) => {
      const url = r.url.startsWith(prefix) ? r.url.slice(prefix.length) || '/' : r.url
      const methods = seen.get(url) ?? seen.set(url, new Set()).get(url)!
      for (const m of [r.method].flat()) methods.add(m)
    })
    await app.register(versionRoutes())
    for (const plugin of [imagesRoutes, dataRoutes, membersRoutes, cacheRoutes, metadefsRoutes]) {
      await app.register(plugin(api), { prefix: '/v2' })
    }
    rejectOtherMethods(app, new Map([...seen].filter(([url]) => url.startsWith('/v2/'))))
  }
}
