import { isIP } from 'node:net'
import type { AuthContext } from '../../common/auth-context.js'
import { BadRequestError, CloudError, ConflictError, NotFoundError } from '../../common/errors.js'
import { listFloatingIps, updateFloatingIp } from '../network/floatingips-service.js'
import type { NetworkContext } from '../network/network-context.js'
import { visiblePorts } from '../network/ports-api.js'
import { loadInstance } from './actions/instance-guard.js'
import type { ComputeContext } from './compute-context.js'

/**
 * addFloatingIp / removeFloatingIp server actions (until 2.43), Nova's
 * FloatingIPActionController over Neutron: the floating IP moves onto (or off)
 * the server's port holding the chosen fixed address.
 */

function net(ctx: ComputeContext): NetworkContext {
  if (!ctx.network) throw new NotFoundError('floating IP not found')
  return ctx.network
}

async function floatingIpByAddress(
  n: NetworkContext,
  auth: AuthContext,
  address: string,
): Promise<Record<string, unknown>> {
  const fip = (await listFloatingIps(n, auth)).find((f) => f['floating_ip_address'] === address)
  if (!fip) throw new NotFoundError('floating IP not found')
  return fip
}

export async function addFloatingIp(
  ctx: ComputeContext,
  auth: AuthContext,
  serverId: string,
  address: string,
  fixedAddress: string | undefined,
): Promise<void> {
  const inst = await loadInstance(ctx, auth, serverId)
  const n = net(ctx)
  const ports = await visiblePorts(n.db, auth, { device_id: inst.uuid })
  const fixed = ports.flatMap((p) => p.fixedIps.map((f) => ({ port: p.row.id, ip: f.ip_address })))
  if (fixed.length === 0) throw new BadRequestError('No fixed IPs associated to instance')
  let chosen
  if (fixedAddress !== undefined) {
    chosen = fixed.find((f) => f.ip === fixedAddress)
    if (!chosen) throw new BadRequestError('Specified fixed address not assigned to instance')
  } else {
    chosen = fixed.find((f) => isIP(f.ip) === 4)
    if (!chosen)
      throw new BadRequestError(
        `Unable to associate floating IP ${address} to any fixed IPs for instance ${serverId}. Instance has no fixed IPv4 addresses to associate.`,
      )
  }
  const fip = await floatingIpByAddress(n, auth, address)
  try {
    await updateFloatingIp(n, auth, String(fip['id']), {
      port_id: chosen.port,
      fixed_ip_address: chosen.ip,
    })
  } catch (err) {
    // Neutron refuses (e.g. the fixed IP already has a floating IP): Nova answers 400.
    if (err instanceof CloudError && err.status !== 403)
      throw new BadRequestError(
        `Unable to associate floating IP ${address} to fixed IP ${chosen.ip} for instance ${serverId}. Error: ${err.message}`,
      )
    throw err
  }
}

export async function removeFloatingIp(
  ctx: ComputeContext,
  auth: AuthContext,
  serverId: string,
  address: string,
): Promise<void> {
  const n = net(ctx)
  const fip = await floatingIpByAddress(n, auth, address)
  const portId = fip['port_id'] as string | null
  const port = portId
    ? await n.db.selectFrom('ports').select('device_id').where('id', '=', portId).executeTakeFirst()
    : undefined
  if (!port || port.device_id !== serverId)
    throw new ConflictError(`Floating IP ${address} is not associated with instance ${serverId}.`)
  await loadInstance(ctx, auth, serverId)
  await updateFloatingIp(n, auth, String(fip['id']), { port_id: null })
}
