import type { FastifyPluginAsync, FastifyRequest } from 'fastify'
import { BadRequestError, NotFoundError } from '../../../common/errors.js'
import type { AttachmentRow } from '../../../db/repositories/volume/volumes.js'
import {
  completeAttachment,
  createAttachment,
  findVisibleAttachment,
  listAttachments,
  removeAttachment,
  updateAttachmentConnector,
} from '../attachments-service.js'
import type { VolumeContext } from '../volume-context.js'
import { allTenants, cinderTime, paginate, q1, type Query } from './common.js'
import { mv } from './microversion.js'

type Id = { Params: { id: string } }

function summary(a: AttachmentRow) {
  return { id: a.id, status: a.attach_status, instance: a.instance_uuid, volume_id: a.volume_id }
}

export function attachmentDetail(a: AttachmentRow) {
  return {
    ...summary(a),
    attached_at: cinderTime(a.attach_time),
    detached_at: cinderTime(a.detach_time),
    attach_mode: a.attach_mode,
    connection_info: a.connection_info
      ? (JSON.parse(a.connection_info) as Record<string, unknown>)
      : {},
  }
}

function obj(v: unknown, name: string): Record<string, unknown> {
  if (!v || typeof v !== 'object' || Array.isArray(v))
    throw new BadRequestError(`Invalid input for field/attribute ${name}.`)
  return v as Record<string, unknown>
}

/** The attachments API (3.27+, complete from 3.44). */
export function attachmentsRoutes(ctx: VolumeContext): FastifyPluginAsync {
  return async (app) => {
    app.addHook('preHandler', async (request: FastifyRequest) => {
      if (!mv(request, 27)) throw new NotFoundError('The resource could not be found.')
    })
    const list = async (r: FastifyRequest, detail: boolean) => {
      let rows = await listAttachments(ctx, r.auth, allTenants(r))
      const q = r.query as Query
      const vid = q1(q, 'volume_id')
      if (vid) rows = rows.filter((a) => a.volume_id === vid)
      const inst = q1(q, 'instance_id')
      if (inst) rows = rows.filter((a) => a.instance_uuid === inst)
      const st = q1(q, 'status')
      if (st) rows = rows.filter((a) => a.attach_status === st)
      const page = paginate(q, rows, (a, k) => (a as unknown as Record<string, unknown>)[k])
      return { attachments: page.items.map((a) => (detail ? attachmentDetail(a) : summary(a))) }
    }
    app.get('/attachments', async (r) => list(r, false))
    app.get('/attachments/detail', async (r) => list(r, true))
    app.get<Id>('/attachments/:id', async (r) => ({
      attachment: attachmentDetail(await findVisibleAttachment(ctx, r.auth, r.params.id)),
    }))
    app.post('/attachments', async (r) => {
      const a = obj((r.body as Record<string, unknown> | undefined)?.['attachment'], 'attachment')
      const volumeId = a['volume_uuid'] ?? a['volume_id']
      if (typeof volumeId !== 'string')
        throw new BadRequestError('Invalid input for field/attribute volume_uuid.')
      const instance = a['instance_uuid']
      if (instance !== undefined && instance !== null && typeof instance !== 'string')
        throw new BadRequestError('Invalid input for field/attribute instance_uuid.')
      const connector =
        a['connector'] === undefined || a['connector'] === null
          ? null
          : obj(a['connector'], 'connector')
      const mode = mv(r, 54) && typeof a['mode'] === 'string' ? a['mode'] : null
      const row = await createAttachment(ctx, r.auth, {
        volumeId,
        instanceUuid: instance ?? null,
        connector,
        mode,
      })
      return { attachment: attachmentDetail(row) }
    })
    app.put<Id>('/attachments/:id', async (r) => {
      const a = obj((r.body as Record<string, unknown> | undefined)?.['attachment'], 'attachment')
      const row = await updateAttachmentConnector(
        ctx,
        r.auth,
        r.params.id,
        obj(a['connector'], 'connector'),
      )
      return { attachment: attachmentDetail(row) }
    })
    app.post<Id>('/attachments/:id/action', async (r, reply) => {
      const body = (r.body ?? {}) as Record<string, unknown>
      if (!('os-complete' in body) || !mv(r, 44))
        throw new BadRequestError(`There is no such action: ${Object.keys(body)[0] ?? ''}`)
      await completeAttachment(ctx, r.auth, r.params.id)
      return reply.status(204).send()
    })
    app.delete<Id>('/attachments/:id', async (r) => ({
      attachments: (await removeAttachment(ctx, r.auth, r.params.id)).map(summary),
    }))
  }
}
