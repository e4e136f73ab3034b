import type { FastifyPluginAsync, FastifyRequest } from 'fastify'

function v3(request: FastifyRequest): Record<string, unknown> {
  return {
    id: 'v3.14',
    status: 'stable',
    updated: '2020-04-07T00:00:00Z',
    links: [{ rel: 'self', href: `${request.protocol}://${request.host}/identity/v3/` }],
    'media-types': [
      { base: 'application/json', type: 'application/vnd.openstack.identity-v3+json' },
    ],
  }
}

/** GET /identity (300 Multiple Choices, as Keystone) and GET /identity/v3. */
export function versionRoutes(): FastifyPluginAsync {
  return async (app) => {
    app.get('/', { config: { public: true } }, async (request, reply) =>
      reply.status(300).send({ versions: { values: [v3(request)] } }),
    )
    app.get('/v3', { config: { public: true } }, async (request) => ({ version: v3(request) }))
  }
}
