import { Type } from '@sinclair/typebox'
import type { FastifyPluginAsync } from 'fastify'
import { NotFoundError } from '../../../common/errors.js'
import { consoleToken, remoteConsoleUrl } from '../actions/consoles.js'
import { requireAdmin } from '../actions/instance-guard.js'
import type { ComputeContext } from '../compute-context.js'
import { atLeast } from './microversion.js'
import { callerOf, perVersion } from './server-action-types.js'
import { validateActionValue } from './server-action-validate.js'

const CREATE = perVersion((mv) =>
  Type.Object(
    {
      protocol: Type.Union(
        ['vnc', 'spice', 'rdp', 'serial', ...(mv >= 8 ? ['mks'] : [])].map((p) => Type.Literal(p)),
      ),
      type: Type.Union(
        [
          'novnc',
          'xvpvnc',
          'rdp-html5',
          'spice-html5',
          'serial',
          ...(mv >= 8 ? ['webmks'] : []),
        ].map((t) => Type.Literal(t)),
      ),
    },
    { additionalProperties: false },
  ),
)

const notFound = () => new NotFoundError('The resource could not be found.')

/**
 * POST /servers/{id}/remote-consoles (2.6), GET /os-console-auth-tokens/{token}
 * (2.31, admin) and GET /console?token=… — where console URLs point (answers
 * what the token opens; a proxy to the hypervisor's console is not served).
 */
export function remoteConsolesRoutes(ctx: ComputeContext): FastifyPluginAsync {
  return async (app) => {
    app.post<{ Params: { id: string } }>('/servers/:id/remote-consoles', async (request) => {
      if (!atLeast(request, 6)) throw notFound()
      const body = request.body as { remote_console?: unknown } | null
      if (!body || typeof body !== 'object' || !('remote_console' in body))
        validateActionValue('remote_console', CREATE(request.computeMicroversion), undefined)
      const rc = body?.remote_console
      validateActionValue('remote_console', CREATE(request.computeMicroversion), rc)
      const { protocol, type } = rc as { protocol: string; type: string }
      const url = await remoteConsoleUrl(ctx, callerOf(request), request.params.id, protocol, type)
      return { remote_console: { protocol, type, url } }
    })

    app.get<{ Params: { token: string } }>('/os-console-auth-tokens/:token', async (request) => {
      if (!atLeast(request, 31)) throw notFound()
      requireAdmin(request.auth, 'os_compute_api:os-console-auth-tokens')
      const t = consoleToken(request.params.token)
      if (!t) throw new NotFoundError('The token could not be found.')
      return {
        console: {
          instance_uuid: t.instanceUuid,
          host: t.host,
          port: t.port,
          internal_access_path: t.internalAccessPath,
        },
      }
    })

    app.get<{ Querystring: { token?: string } }>(
      '/console',
      { config: { public: true } },
      async (request) => {
        const t = request.query.token ? consoleToken(request.query.token) : undefined
        if (!t) throw new NotFoundError('The token could not be found.')
        return {
          console: { instance_uuid: t.instanceUuid, protocol: t.protocol, type: t.type },
        }
      },
    )
  }
}
