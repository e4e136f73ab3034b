import { isAdmin, type AuthContext } from '../../common/auth-context.js'
import { BadRequestError, ConflictError, NotFoundError } from '../../common/errors.js'
import type { Db } from '../../db/database.js'
import {
  findFloatingIpByFixed,
  type FloatingIpChanges,
  type FloatingIpRow,
} from '../../db/repositories/network/floatingips.js'
import { ROUTER_GATEWAY, ROUTER_INTERFACE } from '../../db/repositories/network/routers.js'
import { parseIp } from './ipam/ip.js'
import { checkUuid, getVisiblePort } from './l3-lookups.js'
import type { L3Port } from './router-ports.js'

/**
 * Neutron's get_router_for_floatingip: a router with an interface on the
 * port's subnet and a gateway on the floating network. The router whose
 * interface holds the subnet's gateway_ip wins; otherwise the first one.
 * None → 404 ExternalGatewayForFloatingIPNotFound.
 */
export async function findFipRouter(
  db: Db,
  port: L3Port,
  subnetId: string,
  externalNetworkId: string,
): Promise<string> {
  const rows = await db
    .selectFrom('router_ports as rp')
    .innerJoin('ip_allocations as ia', 'ia.port_id', 'rp.port_id')
    .innerJoin('routers as r', 'r.id', 'rp.router_id')
    .innerJoin('router_ports as gw', (j) =>
      j.onRef('gw.router_id', '=', 'rp.router_id').on('gw.port_type', '=', ROUTER_GATEWAY),
    )
    .innerJoin('ports as gp', 'gp.id', 'gw.port_id')
    .select(['rp.router_id', 'ia.ip_address'])
    .where('rp.port_type', '=', ROUTER_INTERFACE)
    .where('ia.subnet_id', '=', subnetId)
    .where('ia.network_id', '=', port.network_id)
    .where('gp.network_id', '=', externalNetworkId)
    .orderBy('r.created_at')
    .execute()
  const subnet = await db
    .selectFrom('subnets')
    .select('gateway_ip')
    .where('id', '=', subnetId)
    .executeTakeFirst()
  const best = rows.find((r) => r.ip_address === subnet?.gateway_ip) ?? rows[0]
  if (best) return best.router_id
  throw new NotFoundError(
    `External network ${externalNetworkId} is not reachable from subnet ${subnetId}.  Therefore, cannot associate Port ${port.id} with a Floating IP.`,
    { type: 'ExternalGatewayForFloatingIPNotFound' },
  )
}

/** The association columns of a floating IP. */
export type Assoc = Pick<
  FloatingIpChanges,
  'fixed_port_id' | 'fixed_ip_address' | 'router_id' | 'status'
>

/** Neutron's _check_and_get_fip_assoc: the port, its fixed IP and the router that reaches the floating network. */
export async function fipAssociation(
  db: Db,
  auth: AuthContext,
  fip: Pick<
    FloatingIpRow,
    'id' | 'project_id' | 'floating_network_id' | 'floating_ip_address' | 'fixed_port_id'
  >,
  portId: string | null | undefined,
  fixedIp: string | null | undefined,
): Promise<Assoc> {
  if (fixedIp && !portId)
    throw new BadRequestError('fixed_ip_address cannot be specified without a port_id')
  if (!portId)
    return { fixed_port_id: null, fixed_ip_address: null, router_id: null, status: 'DOWN' }
  checkUuid(portId)
  const port = await getVisiblePort(db, auth, portId)
  if (port.project_id !== fip.project_id && !isAdmin(auth)) {
    throw new BadRequestError(
      `Cannot process floating IP association with Port ${portId}, since that port is owned by a different tenant`,
    )
  }
  if (port.device_owner === 'network:dhcp')
    throw new BadRequestError(`Port ${portId} is unable to be assigned a floating IP`)
  let chosen
  if (fixedIp) {
    if (parseIp(fixedIp)?.version !== 4) {
      throw new BadRequestError(
        `Cannot process floating IP association with ${fixedIp}, since that is not an IPv4 address`,
      )
    }
    chosen = port.fixed_ips.find((f) => f.ip_address === fixedIp)
    if (!chosen) throw new BadRequestError(`Port ${portId} does not have fixed ip ${fixedIp}`)
  } else {
    const v4 = port.fixed_ips.filter((f) => parseIp(f.ip_address)?.version === 4)
    if (v4.length === 0)
      throw new BadRequestError(
        `Cannot add floating IP to port ${portId} that has no fixed IPv4 addresses`,
      )
    if (v4.length > 1) {
      throw new BadRequestError(
        `Port ${portId} has multiple fixed IPv4 addresses.  Must provide a specific IPv4 address when assigning a floating IP`,
      )
    }
    chosen = v4[0]!
  }
  const routerId = await findFipRouter(db, port, chosen.subnet_id, fip.floating_network_id)
  if (port.id !== fip.fixed_port_id) {
    const other = await findFloatingIpByFixed(
      db,
      fip.floating_network_id,
      port.id,
      chosen.ip_address,
    )
    if (other && other.id !== fip.id) {
      throw new ConflictError(
        `Cannot associate floating IP ${fip.floating_ip_address} (${fip.id}) with port ${port.id} using fixed IP ${chosen.ip_address}, as that fixed IP already has a floating IP on external network ${fip.floating_network_id}.`,
        { type: 'FloatingIPPortAlreadyAssociated' },
      )
    }
  }
  // NOTE: no L3 agent reports back, so an associated floating IP is ACTIVE at once (what the agent would set).
  return {
    fixed_port_id: port.id,
    fixed_ip_address: chosen.ip_address,
    router_id: routerId,
    status: 'ACTIVE',
  }
}
