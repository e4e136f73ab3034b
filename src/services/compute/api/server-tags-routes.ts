import { Type, type Static } from '@sinclair/typebox'
import type { FastifyPluginAsync, FastifyRequest } from 'fastify'
import { BadRequestError, NotFoundError } from '../../../common/errors.js'
import type { ComputeContext } from '../compute-context.js'
import {
  addServerTag,
  deleteServerTag,
  deleteServerTags,
  listServerTags,
  MAX_TAGS,
  replaceServerTags,
  serverHasTag,
} from '../servers-tags.js'
import { viewOptions } from '../servers-view-data.js'

const tagsBody = Type.Object(
  {
    tags: Type.Array(Type.String({ minLength: 1, maxLength: 60, pattern: '^[^,/]*$' }), {
      maxItems: MAX_TAGS,
    }),
  },
  { additionalProperties: false },
)

type Sid = { Params: { server_id: string } }
type SidTag = { Params: { server_id: string; tag: string } }

/** Server tags exist from 2.26; earlier microversions do not know the resource. */
function requireTags(request: FastifyRequest): void {
  if (request.computeMicroversion < 26) throw new NotFoundError('The resource could not be found.')
}

/** /servers/{id}/tags (Nova's ServerTagsController, 2.26+). */
export function serverTagsRoutes(ctx: ComputeContext): FastifyPluginAsync {
  return async (app) => {
    app.get<Sid>('/servers/:server_id/tags', async (request) => {
      requireTags(request)
      return { tags: await listServerTags(ctx, request.auth, request.params.server_id) }
    })

    app.put<Sid & { Body: Static<typeof tagsBody> }>(
      '/servers/:server_id/tags',
      { schema: { body: tagsBody } },
      async (request) => {
        requireTags(request)
        const tags = await replaceServerTags(
          ctx,
          request.auth,
          request.params.server_id,
          request.body.tags,
        )
        return { tags }
      },
    )

    app.delete<Sid>('/servers/:server_id/tags', async (request, reply) => {
      requireTags(request)
      await deleteServerTags(ctx, request.auth, request.params.server_id)
      return reply.status(204).send()
    })

    app.get<SidTag>('/servers/:server_id/tags/:tag', async (request, reply) => {
      requireTags(request)
      await serverHasTag(ctx, request.auth, request.params.server_id, request.params.tag)
      return reply.status(204).send()
    })

    app.put<SidTag>('/servers/:server_id/tags/:tag', async (request, reply) => {
      requireTags(request)
      // Nova's schema for this body is `null`: nothing may be sent.
      if (request.body !== undefined && request.body !== null)
        throw new BadRequestError(
          "Invalid input for field/attribute body. Value: is not of type 'null'",
        )
      const { server_id, tag } = request.params
      const added = await addServerTag(ctx, request.auth, server_id, tag)
      const base = viewOptions(ctx, request.computeMicroversion, false).computeUrl
      reply.header('location', `${base}/v2.1/servers/${server_id}/tags/${encodeURIComponent(tag)}`)
      return reply.status(added ? 201 : 204).send()
    })

    app.delete<SidTag>('/servers/:server_id/tags/:tag', async (request, reply) => {
      requireTags(request)
      await deleteServerTag(ctx, request.auth, request.params.server_id, request.params.tag)
      return reply.status(204).send()
    })
  }
}
