import { Type, type Static } from '@sinclair/typebox'
import type { FastifyPluginAsync } from 'fastify'
import { BadRequestError } from '../../../common/errors.js'
import type { ComputeContext } from '../compute-context.js'
import {
  deleteServerMetadataItem,
  serverMetadata,
  serverMetadataItem,
  writeServerMetadata,
} from '../servers-metadata.js'
import { metadataSchema } from './servers-schemas.js'

const metadataBody = Type.Object({ metadata: metadataSchema }, { additionalProperties: false })
const metaBody = Type.Object(
  {
    meta: Type.Unsafe<Record<string, string>>({
      ...metadataSchema,
      minProperties: 1,
      maxProperties: 1,
    }),
  },
  { additionalProperties: false },
)

type Sid = { Params: { server_id: string } }
type SidKey = { Params: { server_id: string; key: string } }

/** /servers/{id}/metadata (Nova's ServerMetadataController). */
export function serverMetadataRoutes(ctx: ComputeContext): FastifyPluginAsync {
  return async (app) => {
    app.get<Sid>('/servers/:server_id/metadata', async (request) => ({
      metadata: await serverMetadata(ctx, request.auth, request.params.server_id),
    }))

    // NOTE: Nova answers 200 (not 201) for POST, for backwards compatibility.
    app.post<Sid & { Body: Static<typeof metadataBody> }>(
      '/servers/:server_id/metadata',
      { schema: { body: metadataBody } },
      async (request) => ({
        metadata: await writeServerMetadata(
          ctx,
          request.auth,
          request.params.server_id,
          request.body.metadata,
          false,
        ),
      }),
    )

    app.put<Sid & { Body: Static<typeof metadataBody> }>(
      '/servers/:server_id/metadata',
      { schema: { body: metadataBody } },
      async (request) => ({
        metadata: await writeServerMetadata(
          ctx,
          request.auth,
          request.params.server_id,
          request.body.metadata,
          true,
        ),
      }),
    )

    app.get<SidKey>('/servers/:server_id/metadata/:key', async (request) => {
      const { server_id, key } = request.params
      return { meta: { [key]: await serverMetadataItem(ctx, request.auth, server_id, key) } }
    })

    app.put<SidKey & { Body: Static<typeof metaBody> }>(
      '/servers/:server_id/metadata/:key',
      { schema: { body: metaBody } },
      async (request) => {
        const { server_id, key } = request.params
        const meta = request.body.meta
        if (!Object.hasOwn(meta, key)) throw new BadRequestError('Request body and URI mismatch')
        await writeServerMetadata(ctx, request.auth, server_id, meta, false)
        return { meta }
      },
    )

    app.delete<SidKey>('/servers/:server_id/metadata/:key', async (request, reply) => {
      const { server_id, key } = request.params
      await deleteServerMetadataItem(ctx, request.auth, server_id, key)
      return reply.status(204).send()
    })
  }
}
