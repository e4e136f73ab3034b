import type { FastifyPluginAsync } from 'fastify'
import { NotFoundError } from '../../../common/errors.js'
import { EXTENSIONS, extensionView } from '../extensions.js'

/** GET /v2.0/extensions and /v2.0/extensions/{alias}. */
export function extensionsRoutes(): FastifyPluginAsync {
  return async (app) => {
    app.get('/extensions', async () => ({ extensions: EXTENSIONS.map(extensionView) }))
    app.get<{ Params: { alias: string } }>('/extensions/:alias', async (request) => {
      const e = EXTENSIONS.find((x) => x.alias === request.params.alias)
      if (!e)
        throw new NotFoundError(`Extension with alias ${request.params.alias} does not exist`, {
          type: 'ExtensionNotFound',
        })
      return { extension: extensionView(e) }
    })
  }
}
