import type { FastifyPluginAsync } from 'fastify'
import { CloudError, NotImplementedError } from '../../../common/errors.js'

/** Nova's HTTPGone: rendered as {"computeFault": {"code": 410, ...}} as Nova does. */
export class GoneError extends CloudError {
  readonly status = 410
  readonly code = 'NUBIS_GONE'
}

/** nova-network, cells v1, cloudpipe and friends: removed from Nova, they answer 410. */
const GONE = [
  'os-agents',
  'os-cells',
  'os-certificates',
  'os-cloudpipe',
  'os-fixed-ips',
  'os-floating-ip-dns',
  'os-floating-ips-bulk',
  'os-fping',
  'os-security-group-default-rules',
]

/**
 * Proxies Nubis does not provide: assisted volume snapshots and the Ironic
 * proxy (os-volumes and os-snapshots are in volumes-/snapshots-proxy-routes.ts).
 */
const NOT_IMPLEMENTED: ReadonlyArray<readonly [string, string]> = [
  ['os-assisted-volume-snapshots', 'Assisted volume snapshots are not implemented.'],
  ['os-baremetal-nodes', 'Ironic client unavailable, cannot access Ironic.'],
]

export function removedRoutes(): FastifyPluginAsync {
  return async (app) => {
    for (const path of GONE)
      for (const url of [`/${path}`, `/${path}/*`])
        app.all(url, async () => {
          throw new GoneError('Gone')
        })
    for (const [path, message] of NOT_IMPLEMENTED)
      for (const url of [`/${path}`, `/${path}/*`])
        app.all(url, async () => {
          throw new NotImplementedError(message)
        })
  }
}
