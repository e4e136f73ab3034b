import type { FastifyPluginAsync, FastifyRequest } from 'fastify'
import { MAX_VOLUME_VERSION, MIN_VOLUME_VERSION } from './microversion.js'

function versionDoc(request: FastifyRequest) {
  return {
    id: 'v3.0',
    status: 'CURRENT',
    version: MAX_VOLUME_VERSION,
    min_version: MIN_VOLUME_VERSION,
    updated: '2022-08-31T00:00:00Z',
    links: [
      { rel: 'describedby', type: 'text/html', href: 'https://docs.openstack.org/' },
      { rel: 'self', href: `${request.protocol}://${request.host}/volume/v3/` },
    ],
    'media-types': [
      { base: 'application/json', type: 'application/vnd.openstack.volume+json;version=3' },
    ],
  }
}

/** GET /volume/ (300, every version) and GET /volume/v3/ (200, this one); no token needed. */
export function versionRoutes(): FastifyPluginAsync {
  return async (app) => {
    app.get('/', { config: { public: true } }, async (request, reply) =>
      reply.status(300).send({ versions: [versionDoc(request)] }),
    )
    app.get('/v3', { config: { public: true } }, async (request) => ({
      versions: [versionDoc(request)],
    }))
  }
}
