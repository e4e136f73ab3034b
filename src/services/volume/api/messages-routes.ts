import type { FastifyPluginAsync, FastifyRequest } from 'fastify'
import type { Selectable } from 'kysely'
import { isAdmin } from '../../../common/auth-context.js'
import { NotFoundError } from '../../../common/errors.js'
import type { VolumeMessageTable } from '../../../db/volume-schema.js'
import { callerProject } from '../volumes-service.js'
import type { VolumeContext } from '../volume-context.js'
import { allTenants, cinderTime, paginate, q1, selfLinks, type Query } from './common.js'
import { mv } from './microversion.js'

type Id = { Params: { id: string } }
type MessageRow = Selectable<VolumeMessageTable>

function view(r: FastifyRequest, m: MessageRow) {
  return {
    id: m.id,
    event_id: m.event_id,
    user_message: m.user_message,
    message_level: m.message_level,
    resource_type: m.resource_type,
    resource_uuid: m.resource_uuid,
    created_at: cinderTime(m.created_at),
    guaranteed_until: cinderTime(m.expires_at),
    request_id: m.request_id,
    links: selfLinks(r, 'messages', m.id),
  }
}

/** User messages (3.3): why an asynchronous create, extend, backup … failed. */
export function messagesRoutes(ctx: VolumeContext): FastifyPluginAsync {
  return async (app) => {
    app.addHook('preHandler', async (r: FastifyRequest) => {
      if (!mv(r, 3)) throw new NotFoundError('The resource could not be found.')
    })
    const find = async (r: FastifyRequest<Id>): Promise<MessageRow> => {
      const m = await ctx.db
        .selectFrom('volume_messages')
        .selectAll()
        .where('id', '=', r.params.id)
        .executeTakeFirst()
      if (!m || (!isAdmin(r.auth) && m.project_id !== r.auth.project?.id))
        throw new NotFoundError(`Message ${r.params.id} could not be found.`)
      return m
    }
    app.get('/messages', async (r) => {
      let q = ctx.db
        .selectFrom('volume_messages')
        .selectAll()
        .where('expires_at', '>', new Date().toISOString())
      if (!allTenants(r)) q = q.where('project_id', '=', callerProject(r.auth))
      let rows = await q.execute()
      const query = r.query as Query
      for (const k of ['resource_uuid', 'resource_type', 'event_id', 'message_level'] as const) {
        const v = q1(query, k)
        if (v !== undefined) rows = rows.filter((m) => m[k] === v)
      }
      const page = paginate(query, rows, (m, k) => (m as unknown as Record<string, unknown>)[k])
      return { messages: page.items.map((m) => view(r, m)) }
    })
    app.get<Id>('/messages/:id', async (r) => ({ message: view(r, await find(r)) }))
    app.delete<Id>('/messages/:id', async (r, reply) => {
      const m = await find(r)
      await ctx.db.deleteFrom('volume_messages').where('id', '=', m.id).execute()
      return reply.status(204).send()
    })
  }
}
