import type { FastifyPluginAsync, FastifyRequest } from 'fastify'
import type { ComputeContext } from '../compute-context.js'
import { MAX_MICROVERSION, MIN_MICROVERSION } from './microversion.js'
import { computeBase } from './resource-links.js'

const DESCRIBED_BY = { rel: 'describedby', type: 'text/html', href: 'http://docs.openstack.org/' }

/** Nova's two API versions; v2.0 is the legacy path /v2 (not served beyond its version document). */
function versions(request: FastifyRequest) {
  const base = computeBase(request)
  return [
    {
      id: 'v2.0',
      status: 'SUPPORTED',
      version: '',
      min_version: '',
      updated: '2011-01-21T11:33:21Z',
      path: 'v2',
      href: `${base}/v2/`,
      mediaType: 'application/vnd.openstack.compute+json;version=2',
    },
    {
      id: 'v2.1',
      status: 'CURRENT',
      version: MAX_MICROVERSION,
      min_version: MIN_MICROVERSION,
      updated: '2013-07-23T11:33:21Z',
      path: 'v2.1',
      href: `${base}/v2.1/`,
      mediaType: 'application/vnd.openstack.compute+json;version=2.1',
    },
  ] as const
}

/** GET /compute/ (the version list) and the version documents at /compute/v2/ and /compute/v2.1/; no token needed. */
export function versionRoutes(_ctx: ComputeContext): FastifyPluginAsync {
  return async (app) => {
    app.get('/', { config: { public: true } }, async (request) => ({
      versions: versions(request).map((v) => ({
        id: v.id,
        status: v.status,
        version: v.version,
        min_version: v.min_version,
        updated: v.updated,
        links: [{ rel: 'self', href: v.href }],
      })),
    }))
    for (const v of ['v2', 'v2.1'] as const)
      app.get(`/${v}`, { config: { public: true } }, async (request) => {
        const doc = versions(request).find((x) => x.path === v)!
        return {
          version: {
            id: doc.id,
            status: doc.status,
            version: doc.version,
            min_version: doc.min_version,
            updated: doc.updated,
            links: [{ rel: 'self', href: doc.href }, DESCRIBED_BY],
            'media-types': [{ base: 'application/json', type: doc.mediaType }],
          },
        }
      })
  }
}
