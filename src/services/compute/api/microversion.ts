import type { FastifyReply, FastifyRequest } from 'fastify'
import { BadRequestError, NotAcceptableError } from '../../../common/errors.js'

/**
 * Lowest and highest compute API microversion this server implements. Every
 * behaviour change up to the maximum is honoured; those after 2.60, and where:
 * 2.61 flavor extra_specs (flavors-views) · 2.62 event host/hostId
 * (servers-instance-actions) · 2.63 trusted_image_certificates
 * (trusted-certs) · 2.64 server group policy/rules (server-groups-routes) ·
 * 2.65 abort of queued/preparing live migrations (server-migrations) ·
 * 2.66 changes-before (servers-list, instance actions, os-migrations) ·
 * 2.67 BDM volume_type · 2.68 no `force` on evacuate/live migrate ·
 * 2.69 down-cell minimal views (Nubis has no cells: never triggered) ·
 * 2.70 device tags (interfaces, volume attachments) · 2.71 server_groups in
 * show/update/rebuild · 2.72 ports with resource requests (no API change) ·
 * 2.73 lock reason, locked filter/sort · 2.74 host/hypervisor_hostname on
 * create · 2.75 closed query schemas (strict-query), full PUT/rebuild views,
 * swap 0, hypervisor servers always · 2.76 power-update event ·
 * 2.77 unshelve to a zone · 2.78 server topology · 2.79 volume attachment
 * delete_on_termination.
 */
export const MIN_MICROVERSION = '2.1'
export const MAX_MICROVERSION = '2.79'

declare module 'fastify' {
  interface FastifyRequest {
    /** Compute API microversion of this request as its minor number (2.x → x). */
    computeMicroversion: number
  }
}

const MAX_MINOR = Number(MAX_MICROVERSION.split('.')[1])

/**
 * Reads `OpenStack-API-Version: compute 2.x` (or the legacy
 * `X-OpenStack-Nova-API-Version: 2.x`); none → 2.1, `latest` → the maximum,
 * above the maximum → 406 as Nova answers. Echoes the version chosen.
 */
export function negotiateMicroversion(request: FastifyRequest, reply: FastifyReply): void {
  let requested: string | undefined
  const modern = request.headers['openstack-api-version']
  if (typeof modern === 'string') {
    for (const part of modern.split(',')) {
      const [svc, ver] = part.trim().split(/\s+/)
      if (svc?.toLowerCase() === 'compute' && ver) requested = ver
    }
  }
  const legacy = request.headers['x-openstack-nova-api-version']
  if (requested === undefined && typeof legacy === 'string' && legacy.trim() !== '')
    requested = legacy.trim()
  let minor = 1
  if (requested !== undefined) {
    if (requested.toLowerCase() === 'latest') minor = MAX_MINOR
    else {
      const m = /^(\d+)\.(\d+)$/.exec(requested)
      if (!m) throw new BadRequestError(`Invalid API version request string: ${requested}`)
      const major = Number(m[1])
      minor = Number(m[2])
      if (major !== 2 || minor < 1 || minor > MAX_MINOR)
        throw new NotAcceptableError(
          `Version ${requested} is not supported by the API. Minimum is ${MIN_MICROVERSION} and maximum is ${MAX_MICROVERSION}.`,
        )
    }
  }
  request.computeMicroversion = minor
  reply.header('openstack-api-version', `compute 2.${minor}`)
  reply.header('x-openstack-nova-api-version', `2.${minor}`)
  reply.header('vary', 'OpenStack-API-Version, X-OpenStack-Nova-API-Version')
}

/** True when the request's microversion is at least 2.`minor`. */
export function atLeast(request: FastifyRequest, minor: number): boolean {
  return request.computeMicroversion >= minor
}
