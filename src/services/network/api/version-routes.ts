import type { FastifyPluginAsync, FastifyRequest } from 'fastify'

const base = (request: FastifyRequest): string => `${request.protocol}://${request.host}/networking`

/** The collections listed by GET /v2.0 (Neutron's API root). */
const RESOURCES = [
  ['network', 'networks'],
  ['subnet', 'subnets'],
  ['subnetpool', 'subnetpools'],
  ['port', 'ports'],
  ['security_group', 'security-groups'],
  ['security_group_rule', 'security-group-rules'],
  ['router', 'routers'],
  ['floatingip', 'floatingips'],
  ['quota', 'quotas'],
  ['rbac_policy', 'rbac-policies'],
  ['network_ip_availability', 'network-ip-availabilities'],
] as const

/** GET /networking/ (the version list, 200 as Neutron answers) and GET /networking/v2.0. */
export function versionRoutes(): FastifyPluginAsync {
  return async (app) => {
    app.get('/', { config: { public: true } }, async (request) => ({
      versions: [
        { id: 'v2.0', status: 'CURRENT', links: [{ href: `${base(request)}/v2.0/`, rel: 'self' }] },
      ],
    }))
    app.get('/v2.0', { config: { public: true } }, async (request) => ({
      resources: RESOURCES.map(([name, collection]) => ({
        name,
        collection,
        links: [{ href: `${base(request)}/v2.0/${collection}`, rel: 'self' }],
      })),
    }))
  }
}
