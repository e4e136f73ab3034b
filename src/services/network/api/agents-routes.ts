import type { FastifyPluginAsync } from 'fastify'
import { NotFoundError } from '../../../common/errors.js'

/**
 * GET /v2.0/agents. Nubis's network service runs no Neutron agents (no DHCP
 * or L3 agent processes report in), so the truthful answer is an empty list;
 * the `agent` extension is not advertised.
 */
export function agentsRoutes(): FastifyPluginAsync {
  return async (app) => {
    app.get('/agents', async () => ({ agents: [] }))
    app.get<{ Params: { id: string } }>('/agents/:id', async (request) => {
      throw new NotFoundError(`Agent ${request.params.id} could not be found.`, {
        type: 'AgentNotFound',
      })
    })
  }
}
