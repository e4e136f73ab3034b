import type { FastifyPluginAsync } from 'fastify'
import { BadRequestError, NotFoundError } from '../../../common/errors.js'
import type { ComputeContext } from '../compute-context.js'
import { atLeast } from './microversion.js'
import { adminActions } from './server-action-admin.js'
import { externalEventsRoutes } from './external-events-routes.js'
import { interfacesRoutes } from './interfaces-routes.js'
import { remoteConsolesRoutes } from './remote-consoles-routes.js'
import { serverMigrationsRoutes } from './server-migrations-routes.js'
import { consoleActions } from './server-action-consoles.js'
import { imageActions } from './server-action-image.js'
import { moveActions } from './server-action-move.js'
import { serverPasswordRoutes } from './server-action-password.js'
import { serverDiagnosticsRoutes } from './server-diagnostics-routes.js'
import { powerActions } from './server-action-power.js'
import { callerOf, type ServerActions } from './server-action-types.js'
import { validateActionValue } from './server-action-validate.js'
import { volumeAttachmentsRoutes } from './volume-attachments-routes.js'

/** Every POST /servers/{id}/action key, by name. */
const ACTIONS: ServerActions = {
  ...powerActions,
  ...adminActions,
  ...moveActions,
  ...imageActions,
  ...consoleActions,
}

/** Under /compute/v2.1: POST /servers/{id}/action, volume attachments, interfaces, remote consoles, external events, server migrations (owned by the server-actions work). */
export function serverActionRoutes(ctx: ComputeContext): FastifyPluginAsync {
  return async (app) => {
    for (const plugin of [
      remoteConsolesRoutes(ctx),
      interfacesRoutes(ctx),
      externalEventsRoutes(ctx),
      serverMigrationsRoutes(ctx),
      volumeAttachmentsRoutes(ctx),
      serverPasswordRoutes(ctx),
      serverDiagnosticsRoutes(ctx),
    ])
      await app.register(plugin)
    app.post<{ Params: { id: string } }>('/servers/:id/action', async (request, reply) => {
      const body = request.body
      if (body === null || typeof body !== 'object' || Array.isArray(body))
        throw new BadRequestError('Malformed request body')
      const keys = Object.keys(body)
      if (keys.length !== 1) throw new BadRequestError('Malformed request body')
      const name = keys[0] as string
      const action = Object.hasOwn(ACTIONS, name) ? ACTIONS[name] : undefined
      if (!action) throw new BadRequestError(`There is no such action: ${name}`)
      if (
        (action.minVersion !== undefined && !atLeast(request, action.minVersion)) ||
        (action.maxVersion !== undefined && atLeast(request, action.maxVersion + 1))
      )
        throw new NotFoundError('The resource could not be found.')
      const value = (body as Record<string, unknown>)[name]
      if (action.schema) {
        const schema =
          typeof action.schema === 'function'
            ? action.schema(request.computeMicroversion)
            : action.schema
        validateActionValue(name, schema, value)
      }
      const out = await action.run({
        ctx,
        request,
        reply,
        caller: callerOf(request),
        serverId: request.params.id,
        value,
      })
      if (reply.sent) return reply
      reply.status(reply.statusCode !== 200 ? reply.statusCode : (action.status ?? 202))
      return out === undefined ? reply.send() : reply.send(out)
    })
  }
}
