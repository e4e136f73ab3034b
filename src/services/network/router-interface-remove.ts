import type { AuthContext } from '../../common/auth-context.js'
import { BadRequestError, ConflictError, NotFoundError } from '../../common/errors.js'
import type { Db } from '../../db/database.js'
import { floatingIpsOfRouter } from '../../db/repositories/network/floatingips.js'
import {
  deleteRouterPort,
  ROUTER_INTERFACE,
  routerPortIps,
  updateRouter,
  type RouterRow,
} from '../../db/repositories/network/routers.js'
import { routerInterfaceView } from './api/routers-views.js'
import { cidrContains, parseCidr, parseIp } from './ipam/ip.js'
import { getOwnRouter, getVisibleSubnet, subnetsById, type SubnetRow } from './l3-lookups.js'
import type { NetworkContext } from './network-context.js'
import { parseInfo, type InterfaceInfo } from './router-interfaces.js'
import { deleteL3Port, findL3Port } from './router-ports.js'
import { checkSubnetNotUsedByRoutes } from './router-routes-check.js'

/** Neutron's _confirm_router_interface_not_in_use: floating IPs and routes through the subnet. */
async function checkNotInUse(db: Db, router: RouterRow, subnet: SubnetRow): Promise<void> {
  checkSubnetNotUsedByRoutes(router.id, subnet.id, subnet.cidr, router.routes)
  const cidr = parseCidr(subnet.cidr)
  if (!cidr) return
  const onSubnet = new Set(
    (
      await db
        .selectFrom('ip_allocations')
        .select('port_id')
        .where('subnet_id', '=', subnet.id)
        .execute()
    ).map((r) => r.port_id),
  )
  for (const f of await floatingIpsOfRouter(db, router.id)) {
    const ip = f.fixed_ip_address ? parseIp(f.fixed_ip_address) : undefined
    if (
      ip &&
      cidrContains(cidr, ip.version, ip.value) &&
      f.fixed_port_id &&
      onSubnet.has(f.fixed_port_id)
    ) {
      throw new ConflictError(
        `Router interface for subnet ${subnet.id} on router ${router.id} cannot be deleted, as it is required by one or more floating IPs.`,
        { type: 'RouterInterfaceInUseByFloatingIP' },
      )
    }
  }
}

/** PUT /routers/{id}/remove_router_interface. */
export async function removeRouterInterface(
  ctx: NetworkContext,
  auth: AuthContext,
  routerId: string,
  info: InterfaceInfo,
): Promise<Record<string, unknown>> {
  const { portId, subnetId } = parseInfo(info, true)
  return ctx.db.transaction().execute(async (trx) => {
    const router = await getOwnRouter(trx, auth, routerId)
    const attached = (await routerPortIps(trx, [router.id])).filter(
      (a) => a.port_type === ROUTER_INTERFACE,
    )
    let port
    if (portId !== undefined) {
      port = attached.some((a) => a.port_id === portId) ? await findL3Port(trx, portId) : undefined
      if (!port) {
        throw new NotFoundError(
          `Router ${router.id} does not have an interface with id ${portId}`,
          { type: 'RouterInterfaceNotFound' },
        )
      }
      if (subnetId !== undefined && !port.fixed_ips.some((f) => f.subnet_id === subnetId)) {
        throw new BadRequestError(
          `Subnet on port ${portId} does not match the requested subnet ${subnetId}.`,
          { type: 'SubnetMismatchForPort' },
        )
      }
    } else {
      const subnet = await getVisibleSubnet(trx, auth, subnetId!)
      const hit = attached.find((a) => a.subnet_id === subnet.id)
      port = hit ? await findL3Port(trx, hit.port_id) : undefined
      if (!port) {
        throw new NotFoundError(`Router ${router.id} has no interface on subnet ${subnet.id}`, {
          type: 'RouterInterfaceNotFoundForSubnet',
        })
      }
    }
    // NOTE: removing by subnet from a multi-subnet (IPv6 multi-prefix) port drops only that address, as Neutron does.
    const removing =
      portId === undefined && port.fixed_ips.length > 1
        ? port.fixed_ips.filter((f) => f.subnet_id === subnetId)
        : port.fixed_ips
    const subnets = [
      ...(
        await subnetsById(
          trx,
          removing.map((f) => f.subnet_id),
        )
      ).values(),
    ]
    for (const s of subnets) await checkNotInUse(trx, router, s)
    if (removing.length < port.fixed_ips.length) {
      await trx
        .deleteFrom('ip_allocations')
        .where('port_id', '=', port.id)
        .where('subnet_id', '=', subnetId!)
        .execute()
    } else {
      await deleteRouterPort(trx, port.id)
      await deleteL3Port(ctx, trx, port.id)
    }
    await updateRouter(trx, router.id, {}, new Date().toISOString())
    const ids = removing.map((f) => f.subnet_id)
    return routerInterfaceView(
      router.id,
      port.project_id,
      port.id,
      port.network_id,
      ids,
      ids[0] ?? '',
    )
  })
}
