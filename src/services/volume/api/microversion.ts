import type { FastifyReply, FastifyRequest } from 'fastify'
import { BadRequestError, NotAcceptableError } from '../../../common/errors.js'

/** Lowest and highest block storage microversion implemented (Cinder 21 Zed: 3.70). */
export const MIN_VOLUME_VERSION = '3.0'
export const MAX_VOLUME_VERSION = '3.70'
const MAX_MINOR = 70

declare module 'fastify' {
  interface FastifyRequest {
    /** Block storage microversion of this request as its minor number (3.x → x). */
    volumeMicroversion: number
  }
}

/**
 * Reads `OpenStack-API-Version: volume 3.x`; none → 3.0, `latest` → the
 * maximum, outside 3.0…3.70 → 406 with Cinder's InvalidGlobalAPIVersion text.
 * Echoes the version chosen and Vary.
 */
export function negotiateVolumeMicroversion(request: FastifyRequest, reply: FastifyReply): void {
  let requested: string | undefined
  const header = request.headers['openstack-api-version']
  if (typeof header === 'string') {
    for (const part of header.split(',')) {
      const [svc, ver] = part.trim().split(/\s+/)
      if (svc?.toLowerCase() === 'volume' && ver) requested = ver
    }
  }
  let minor = 0
  if (requested !== undefined) {
    if (requested.toLowerCase() === 'latest') minor = MAX_MINOR
    else {
      const m = /^(\d+)\.(\d+)$/.exec(requested)
      if (!m)
        throw new BadRequestError(
          `API Version String ${requested} is of invalid format. Must be of format MajorNum.MinorNum.`,
        )
      minor = Number(m[2])
      if (Number(m[1]) !== 3 || minor > MAX_MINOR)
        throw new NotAcceptableError(
          `Version ${requested} is not supported by the API. Minimum is ${MIN_VOLUME_VERSION} and maximum is ${MAX_VOLUME_VERSION}.`,
        )
    }
  }
  request.volumeMicroversion = minor
  reply.header('openstack-api-version', `volume 3.${minor}`)
  reply.header('vary', 'OpenStack-API-Version')
}

/** True when the request's microversion is at least 3.`minor`. */
export function mv(request: FastifyRequest, minor: number): boolean {
  return request.volumeMicroversion >= minor
}
