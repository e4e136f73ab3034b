import { Type } from '@sinclair/typebox'
import type { FastifyPluginAsync } from 'fastify'
import { ValidationError } from '../../../common/errors.js'
import {
  attachInterface,
  detachInterface,
  listInterfaces,
  showInterface,
} from '../actions/interface-actions.js'
import type { ComputeContext } from '../compute-context.js'
import { checkIp, checkUuid } from './servers-formats.js'
import { callerOf, perVersion } from './server-action-types.js'
import { validateActionValue } from './server-action-validate.js'

type Params = { Params: { id: string; portId: string } }

const CREATE = perVersion((mv) =>
  Type.Object(
    {
      net_id: Type.Optional(Type.String()),
      port_id: Type.Optional(Type.String()),
      fixed_ips: Type.Optional(
        Type.Array(Type.Object({ ip_address: Type.String() }, { additionalProperties: false }), {
          minItems: 1,
          maxItems: 1,
        }),
      ),
      ...(mv >= 49
        ? { tag: Type.Optional(Type.String({ minLength: 1, maxLength: 60, pattern: '^[^,/]*$' })) }
        : {}),
    },
    { additionalProperties: false },
  ),
)

interface CreateBody {
  net_id?: string
  port_id?: string
  fixed_ips?: Array<{ ip_address: string }>
  tag?: string
}

/** /servers/{id}/os-interface: list, show, attach (200 with the interface), detach (202). */
export function interfacesRoutes(ctx: ComputeContext): FastifyPluginAsync {
  return async (app) => {
    app.get<Params>('/servers/:id/os-interface', async (request) => ({
      interfaceAttachments: await listInterfaces(
        ctx,
        callerOf(request),
        request.params.id,
        request.computeMicroversion,
      ),
    }))

    app.get<Params>('/servers/:id/os-interface/:portId', async (request) => ({
      interfaceAttachment: await showInterface(
        ctx,
        callerOf(request),
        request.params.id,
        request.params.portId,
        request.computeMicroversion,
      ),
    }))

    app.post<Params>('/servers/:id/os-interface', async (request) => {
      const body = (request.body ?? {}) as Record<string, unknown>
      const keys = Object.keys(body).filter((k) => k !== 'interfaceAttachment')
      if (keys.length > 0)
        throw new ValidationError(
          `Additional properties are not allowed ('${keys[0]}' was unexpected)`,
        )
      const a = body['interfaceAttachment']
      if (a !== undefined)
        validateActionValue('interfaceAttachment', CREATE(request.computeMicroversion), a)
      const v = (a ?? {}) as CreateBody
      if (v.net_id !== undefined) checkUuid('interfaceAttachment/net_id', v.net_id)
      if (v.port_id !== undefined) checkUuid('interfaceAttachment/port_id', v.port_id)
      const ip = v.fixed_ips?.[0]?.ip_address
      if (ip !== undefined) checkIp('interfaceAttachment/fixed_ips/0/ip_address', ip)
      const view = await attachInterface(
        ctx,
        callerOf(request),
        request.params.id,
        {
          ...(v.net_id !== undefined ? { netId: v.net_id } : {}),
          ...(v.port_id !== undefined ? { portId: v.port_id } : {}),
          ...(ip !== undefined ? { fixedIp: ip } : {}),
          ...(v.tag !== undefined ? { tag: v.tag } : {}),
        },
        request.computeMicroversion,
      )
      return { interfaceAttachment: view }
    })

    app.delete<Params>('/servers/:id/os-interface/:portId', async (request, reply) => {
      await detachInterface(ctx, callerOf(request), request.params.id, request.params.portId)
      return reply.status(202).send()
    })
  }
}
