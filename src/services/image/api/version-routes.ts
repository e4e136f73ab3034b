import type { FastifyPluginAsync, FastifyRequest } from 'fastify'

/** Image API versions Glance 25 reports with multiple stores and the cache enabled. */
const VERSIONS: readonly (readonly [string, string])[] = [
  ['2.16', 'CURRENT'],
  ['2.15', 'SUPPORTED'],
  ['2.14', 'SUPPORTED'],
  ['2.13', 'SUPPORTED'],
  ['2.12', 'SUPPORTED'],
  ['2.11', 'SUPPORTED'],
  ['2.10', 'SUPPORTED'],
  ['2.9', 'SUPPORTED'],
  ['2.8', 'SUPPORTED'],
  ['2.7', 'SUPPORTED'],
  ['2.6', 'SUPPORTED'],
  ['2.5', 'SUPPORTED'],
  ['2.4', 'SUPPORTED'],
  ['2.3', 'SUPPORTED'],
  ['2.2', 'SUPPORTED'],
  ['2.1', 'SUPPORTED'],
  ['2.0', 'SUPPORTED'],
]

function versions(request: FastifyRequest): { versions: unknown[] } {
  const href = `${request.protocol}://${request.host}/image/v2/`
  return {
    versions: VERSIONS.map(([v, status]) => ({
      id: `v${v}`,
      status,
      links: [{ rel: 'self', href }],
    })),
  }
}

/** GET /image/ and /image/v2/ (300, as Glance's version negotiation) and GET /image/versions (200). */
export function versionRoutes(): FastifyPluginAsync {
  return async (app) => {
    const pub = { config: { public: true } }
    app.get('/', pub, async (request, reply) => reply.status(300).send(versions(request)))
    app.get('/v2', pub, async (request, reply) => reply.status(300).send(versions(request)))
    app.get('/versions', pub, async (request) => versions(request))
  }
}
