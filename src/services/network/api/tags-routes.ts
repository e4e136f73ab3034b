import type { FastifyPluginAsync } from 'fastify'
import type { NetworkContext } from '../network-context.js'
import {
  checkTag,
  deleteAllTags,
  deleteTag,
  listTags,
  putAllTags,
  putTag,
  TAG_RESOURCES,
  type TagCollection,
} from '../tags-service.js'

type Params = { Params: { id: string; tag: string } }

/**
 * Neutron v2.0 tags API (standard-attr-tag) on every taggable collection:
 * GET/PUT/DELETE /{collection}/{id}/tags and GET/PUT/DELETE …/tags/{tag}.
 */
export function tagsRoutes(ctx: NetworkContext): FastifyPluginAsync {
  return async (app) => {
    for (const collection of Object.keys(TAG_RESOURCES) as TagCollection[]) {
      const type = TAG_RESOURCES[collection]
      const base = `/${collection}/:id/tags`
      app.get<Params>(base, async (request) => ({
        tags: await listTags(ctx, request.auth, type, request.params.id),
      }))
      app.put<Params>(base, async (request) => ({
        tags: await putAllTags(ctx, request.auth, type, request.params.id, request.body),
      }))
      app.delete<Params>(base, async (request, reply) => {
        await deleteAllTags(ctx, request.auth, type, request.params.id)
        return reply.status(204).send()
      })
      app.get<Params>(`${base}/:tag`, async (request, reply) => {
        await checkTag(ctx, request.auth, type, request.params.id, request.params.tag)
        return reply.status(204).send()
      })
      app.put<Params>(`${base}/:tag`, async (request, reply) => {
        await putTag(ctx, request.auth, type, request.params.id, request.params.tag)
        return reply.status(201).send()
      })
      app.delete<Params>(`${base}/:tag`, async (request, reply) => {
        await deleteTag(ctx, request.auth, type, request.params.id, request.params.tag)
        return reply.status(204).send()
      })
    }
  }
}
