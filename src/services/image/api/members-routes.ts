import type { FastifyPluginAsync } from 'fastify'
import type { ImageApi } from '../image-api.js'
import { memberView } from './image-views.js'

type Id = { Params: { image_id: string } }
type MemberId = { Params: { image_id: string; member_id: string } }

/** /v2/images/{id}/members (image sharing between projects). */
export function membersRoutes(api: ImageApi): FastifyPluginAsync {
  return async (app) => {
    app.get<Id>('/images/:image_id/members', async (request) => ({
      members: (await api.listMembers(request.auth, request.params.image_id)).map(memberView),
      schema: '/v2/schemas/members',
    }))

    app.post<Id>('/images/:image_id/members', async (request) => {
      const body = request.body as Record<string, unknown> | undefined
      const member =
        typeof body === 'object' && body !== null && !Array.isArray(body) ? body['member'] : null
      return memberView(await api.addMember(request.auth, request.params.image_id, member))
    })

    app.get<MemberId>('/images/:image_id/members/:member_id', async (request) =>
      memberView(
        await api.showMember(request.auth, request.params.image_id, request.params.member_id),
      ),
    )

    app.put<MemberId>('/images/:image_id/members/:member_id', async (request) =>
      memberView(
        await api.updateMember(
          request.auth,
          request.params.image_id,
          request.params.member_id,
          request.body,
        ),
      ),
    )

    app.delete<MemberId>('/images/:image_id/members/:member_id', async (request, reply) => {
      await api.removeMember(request.auth, request.params.image_id, request.params.member_id)
      return reply.status(204).send()
    })
  }
}
