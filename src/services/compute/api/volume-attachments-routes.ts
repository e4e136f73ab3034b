import { Type } from '@sinclair/typebox'
import type { FastifyPluginAsync } from 'fastify'
import { ValidationError } from '../../../common/errors.js'
import {
  attachmentView,
  attachVolume,
  detachVolume,
  listAttachments,
  showAttachment,
  swapVolume,
} from '../actions/volume-actions.js'
import type { ComputeContext } from '../compute-context.js'
import { checkUuid } from './servers-formats.js'
import { boolish } from './servers-create-input.js'
import { boolishSchema } from './servers-schemas.js'
import { callerOf, perVersion } from './server-action-types.js'
import { validateActionValue } from './server-action-validate.js'

type Params = { Params: { id: string; volumeId: string } }

const DEVICE = Type.Union([
  Type.String({ pattern: '(^/dev/x{0,1}[a-z]{0,1}d{0,1})([a-z]+)[0-9]*$' }),
  Type.Null(),
])

const CREATE = perVersion((mv) =>
  Type.Object(
    {
      volumeAttachment: Type.Object(
        {
          volumeId: Type.String(),
          device: Type.Optional(DEVICE),
          ...(mv >= 49
            ? {
                tag: Type.Optional(
                  Type.String({ minLength: 1, maxLength: 60, pattern: '^[^,/]*$' }),
                ),
              }
            : {}),
          ...(mv >= 79 ? { delete_on_termination: Type.Optional(boolishSchema) } : {}),
        },
        { additionalProperties: false },
      ),
    },
    { additionalProperties: false },
  ),
)

const UPDATE = Type.Object(
  {
    volumeAttachment: Type.Object({ volumeId: Type.String() }, { additionalProperties: false }),
  },
  { additionalProperties: false },
)

/** /servers/{id}/os-volume_attachments: list, show, attach (200), swap (501), detach (202). */
export function volumeAttachmentsRoutes(ctx: ComputeContext): FastifyPluginAsync {
  return async (app) => {
    app.get<Params & { Querystring: { limit?: string; offset?: string } }>(
      '/servers/:id/os-volume_attachments',
      async (request) => {
        const all = await listAttachments(ctx, callerOf(request), request.params.id)
        const offset = Number(request.query.offset ?? 0)
        const limit = request.query.limit === undefined ? undefined : Number(request.query.limit)
        if (!Number.isInteger(offset) || offset < 0)
          throw new ValidationError(
            `Invalid input for query parameters offset. Value: ${request.query.offset}.`,
          )
        if (limit !== undefined && (!Number.isInteger(limit) || limit < 0))
          throw new ValidationError(
            `Invalid input for query parameters limit. Value: ${request.query.limit}.`,
          )
        const page = all.slice(offset, limit === undefined ? undefined : offset + limit)
        const mv = request.computeMicroversion
        return { volumeAttachments: page.map((b) => attachmentView(b, mv)) }
      },
    )

    app.get<Params>('/servers/:id/os-volume_attachments/:volumeId', async (request) => {
      const b = await showAttachment(
        ctx,
        callerOf(request),
        request.params.id,
        request.params.volumeId,
      )
      return { volumeAttachment: attachmentView(b, request.computeMicroversion) }
    })

    app.post<Params>('/servers/:id/os-volume_attachments', async (request) => {
      validateActionValue('body', CREATE(request.computeMicroversion), request.body)
      const v = (
        request.body as {
          volumeAttachment: {
            volumeId: string
            device?: string | null
            tag?: string
            delete_on_termination?: boolean | string
          }
        }
      ).volumeAttachment
      checkUuid('volumeAttachment/volumeId', v.volumeId)
      const b = await attachVolume(ctx, callerOf(request), request.params.id, {
        volumeId: v.volumeId,
        microversion: request.computeMicroversion,
        ...(typeof v.device === 'string' ? { device: v.device } : {}),
        ...(v.tag !== undefined ? { tag: v.tag } : {}),
        ...(v.delete_on_termination !== undefined
          ? { deleteOnTermination: boolish(v.delete_on_termination) }
          : {}),
      })
      return { volumeAttachment: attachmentView(b, request.computeMicroversion) }
    })

    app.put<Params>('/servers/:id/os-volume_attachments/:volumeId', async (request) => {
      validateActionValue('body', UPDATE, request.body)
      const newId = (request.body as { volumeAttachment: { volumeId: string } }).volumeAttachment
        .volumeId
      checkUuid('volumeAttachment/volumeId', newId)
      await swapVolume(ctx, callerOf(request), request.params.id, request.params.volumeId, newId)
    })

    app.delete<Params>('/servers/:id/os-volume_attachments/:volumeId', async (request, reply) => {
      await detachVolume(
        ctx,
        callerOf(request),
        request.params.id,
        request.params.volumeId,
        request.computeMicroversion,
      )
      return reply.status(202).send()
    })
  }
}
