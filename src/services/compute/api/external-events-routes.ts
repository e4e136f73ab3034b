import { Type } from '@sinclair/typebox'
import type { FastifyPluginAsync } from 'fastify'
import { deliverExternalEvents, type ExternalEventIn } from '../actions/external-events.js'
import type { ComputeContext } from '../compute-context.js'
import { checkUuid } from './servers-formats.js'
import { callerOf, perVersion } from './server-action-types.js'
import { validateActionValue } from './server-action-validate.js'

const NAMES = [
  'network-changed',
  'network-vif-plugged',
  'network-vif-unplugged',
  'network-vif-deleted',
]

const BODY = perVersion((mv) =>
  Type.Object({ events: events(mv) }, { additionalProperties: false }),
)

function events(mv: number) {
  return Type.Array(
    Type.Object(
      {
        server_uuid: Type.String(),
        name: Type.Union(
          [
            ...NAMES,
            ...(mv >= 51 ? ['volume-extended'] : []),
            ...(mv >= 76 ? ['power-update'] : []),
          ].map((n) => Type.Literal(n)),
        ),
        status: Type.Optional(
          Type.Union(['failed', 'completed', 'in-progress'].map((s) => Type.Literal(s))),
        ),
        tag: Type.Optional(Type.String({ maxLength: 255 })),
      },
      { additionalProperties: false },
    ),
    { minItems: 1 },
  )
}

/** POST /os-server-external-events (admin): what Neutron and Cinder tell Nova. */
export function externalEventsRoutes(ctx: ComputeContext): FastifyPluginAsync {
  return async (app) => {
    app.post('/os-server-external-events', async (request, reply) => {
      const body = (request.body ?? {}) as Record<string, unknown>
      validateActionValue('body', BODY(request.computeMicroversion), body)
      const events = body['events'] as ExternalEventIn[]
      events.forEach((e, i) => checkUuid(`events/${i}/server_uuid`, e.server_uuid))
      const r = await deliverExternalEvents(ctx, callerOf(request), events)
      return reply.status(r.status).send({ events: r.events })
    })
  }
}
