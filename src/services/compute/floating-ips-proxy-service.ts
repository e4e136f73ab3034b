import type { AuthContext } from '../../common/auth-context.js'
import { BadRequestError, CloudError, ForbiddenError, NotFoundError } from '../../common/errors.js'
import {
  createFloatingIp,
  deleteFloatingIp,
  listFloatingIps,
  showFloatingIp,
} from '../network/floatingips-service.js'
import type { NetworkContext } from '../network/network-context.js'
import type { ComputeContext } from './compute-context.js'

/** The deprecated os-floating-ips proxy over Neutron (nova/network/neutron.py). */

export interface NovaFloatingIp {
  id: string
  ip: string
  pool: string
  fixed_ip: string | null
  instance_id: string | null
}

const UUID_RE = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i

function net(ctx: ComputeContext): NetworkContext {
  if (!ctx.network) throw new NotFoundError('The resource could not be found.')
  return ctx.network
}

async function view(ctx: ComputeContext, fip: Record<string, unknown>): Promise<NovaFloatingIp> {
  const netId = String(fip['floating_network_id'])
  const network = await ctx.db
    .selectFrom('networks')
    .select(['id', 'name'])
    .where('id', '=', netId)
    .executeTakeFirst()
  const portId = fip['port_id'] as string | null
  const port = portId
    ? await ctx.db
        .selectFrom('ports')
        .select('device_id')
        .where('id', '=', portId)
        .executeTakeFirst()
    : undefined
  return {
    id: String(fip['id']),
    ip: String(fip['floating_ip_address']),
    pool: network?.name || netId,
    fixed_ip: (fip['fixed_ip_address'] as string | null) ?? null,
    instance_id: port ? port.device_id || null : null,
  }
}

const notFound = (id: string) => new NotFoundError(`Floating IP not found for ID ${id}`)

export async function listProjectFloatingIps(
  ctx: ComputeContext,
  auth: AuthContext,
): Promise<NovaFloatingIp[]> {
  if (!ctx.network) return []
  const mine = (await listFloatingIps(ctx.network, auth)).filter(
    (f) => f['project_id'] === auth.project?.id,
  )
  const out = []
  for (const f of mine) out.push(await view(ctx, f))
  return out
}

export async function getFloatingIp(
  ctx: ComputeContext,
  auth: AuthContext,
  id: string,
): Promise<NovaFloatingIp> {
  if (!UUID_RE.test(id)) throw notFound(id)
  try {
    return await view(ctx, await showFloatingIp(net(ctx), auth, id))
  } catch (err) {
    if (err instanceof CloudError && err.status === 404) throw notFound(id)
    throw err
  }
}

/** An external network by name, then by id (Nova's pool lookup). */
async function poolNetwork(ctx: ComputeContext, pool: string): Promise<string> {
  const external = await ctx.db
    .selectFrom('networks')
    .select(['id', 'name'])
    .where('router_external', '=', 1)
    .execute()
  const byName = external.filter((n) => n.name === pool)
  if (byName.length > 1)
    throw new BadRequestError(`Multiple floating IP pools matches found for name '${pool}'`)
  const hit = byName[0] ?? external.find((n) => n.id === pool)
  if (!hit) throw new NotFoundError('Floating IP pool not found.')
  return hit.id
}

export async function allocateFloatingIp(
  ctx: ComputeContext,
  auth: AuthContext,
  pool: string | undefined,
): Promise<NovaFloatingIp> {
  const networkId = await poolNetwork(ctx, pool ?? ctx.config.compute.default_floating_pool)
  try {
    return await view(
      ctx,
      await createFloatingIp(net(ctx), auth, { floating_network_id: networkId }),
    )
  } catch (err) {
    if (
      err instanceof CloudError &&
      (err.type === 'ExternalIpAddressExhausted' || err.type === 'IpAddressGenerationFailure')
    )
      throw new NotFoundError(
        pool ? `No more floating IPs in pool ${pool}.` : 'No more floating IPs available.',
      )
    if (err instanceof CloudError && err.status === 409)
      throw new ForbiddenError(
        pool ? `IP allocation over quota in pool ${pool}.` : 'IP allocation over quota.',
      )
    if (err instanceof CloudError && err.status === 400) throw new BadRequestError(err.message)
    throw err
  }
}

export async function releaseFloatingIp(
  ctx: ComputeContext,
  auth: AuthContext,
  id: string,
): Promise<void> {
  await getFloatingIp(ctx, auth, id)
  try {
    await deleteFloatingIp(net(ctx), auth, id)
  } catch (err) {
    if (err instanceof CloudError && err.status === 404) throw notFound(id)
    throw err
  }
}
