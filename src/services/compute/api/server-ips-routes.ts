import type { FastifyPluginAsync } from 'fastify'
import { NotFoundError } from '../../../common/errors.js'
import type { ComputeContext } from '../compute-context.js'
import { visibleInstance } from '../servers-lookup.js'
import { networkInfoOf, type ServerAddress } from '../servers-network-info.js'

const plain = (ips: readonly ServerAddress[]) =>
  ips.map((ip) => ({ version: ip.version, addr: ip.addr }))

/** /servers/{id}/ips and /ips/{network label} (Nova's IPsController). */
export function serverIpsRoutes(ctx: ComputeContext): FastifyPluginAsync {
  return async (app) => {
    const addresses = async (
      auth: Parameters<typeof visibleInstance>[1],
      id: string,
    ): Promise<ReadonlyMap<string, ServerAddress[]>> => {
      await visibleInstance(ctx, auth, id)
      return (
        (await networkInfoOf(ctx.db, [id])).get(id)?.addresses ?? new Map<string, ServerAddress[]>()
      )
    }

    app.get<{ Params: { server_id: string } }>('/servers/:server_id/ips', async (request) => {
      const nets = await addresses(request.auth, request.params.server_id)
      return { addresses: Object.fromEntries([...nets].map(([label, ips]) => [label, plain(ips)])) }
    })

    app.get<{ Params: { server_id: string; network: string } }>(
      '/servers/:server_id/ips/:network',
      async (request) => {
        const nets = await addresses(request.auth, request.params.server_id)
        const ips = nets.get(request.params.network)
        if (!ips) throw new NotFoundError('Instance is not a member of specified network')
        return { [request.params.network]: plain(ips) }
      },
    )
  }
}
