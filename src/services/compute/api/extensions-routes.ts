import type { FastifyPluginAsync } from 'fastify'
import { NotFoundError } from '../../../common/errors.js'
import { EXTENSIONS } from './extensions-list.js'

const view = ([alias, name, description]: readonly [string, string, string]) => ({
  alias,
  description,
  links: [],
  name,
  namespace: 'http://docs.openstack.org/compute/ext/fake_xml',
  updated: '2014-12-03T00:00:00Z',
})

/** GET /extensions and /extensions/{alias}: Nova's fixed 2.1 list. */
export function extensionsRoutes(): FastifyPluginAsync {
  return async (app) => {
    app.get('/extensions', async () => ({ extensions: EXTENSIONS.map(view) }))
    app.get<{ Params: { alias: string } }>('/extensions/:alias', async (request) => {
      const ext = EXTENSIONS.find(([alias]) => alias === request.params.alias)
      if (!ext) throw new NotFoundError('The resource could not be found.')
      return { extension: view(ext) }
    })
  }
}
