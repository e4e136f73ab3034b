import { isAdmin, type AuthContext } from '../../common/auth-context.js'
import { BadRequestError, ConflictError } from '../../common/errors.js'
import type { Db } from '../../db/database.js'
import {
  insertRouterPort,
  ROUTER_GATEWAY,
  ROUTER_INTERFACE,
  routerPortIps,
  updateRouter,
  type RouterRow,
} from '../../db/repositories/network/routers.js'
import { routerInterfaceView } from './api/routers-views.js'
import { cidrsOverlap, parseCidr } from './ipam/ip.js'
import {
  checkUuid,
  getOwnRouter,
  getVisiblePort,
  getVisibleSubnet,
  subnetsById,
  type SubnetRow,
} from './l3-lookups.js'
import type { NetworkContext } from './network-context.js'
import { createL3Port, setL3PortDevice } from './router-ports.js'

/** The body of add/remove_router_interface. */
export interface InterfaceInfo {
  readonly subnet_id?: unknown
  readonly port_id?: unknown
}

/** Neutron's _validate_interface_info. */
export function parseInfo(
  info: InterfaceInfo,
  removal: boolean,
): { portId?: string; subnetId?: string } {
  const byPort = info.port_id !== undefined
  const bySubnet = info.subnet_id !== undefined
  if (!byPort && !bySubnet)
    throw new BadRequestError('Either subnet_id or port_id must be specified')
  const portId = byPort ? checkUuid(info.port_id) : undefined
  const subnetId = bySubnet ? checkUuid(info.subnet_id) : undefined
  if (!removal && byPort && bySubnet)
    throw new BadRequestError('Cannot specify both subnet-id and port-id')
  return {
    ...(portId !== undefined ? { portId } : {}),
    ...(subnetId !== undefined ? { subnetId } : {}),
  }
}

/** Neutron's _check_for_dup_router_subnets: one port per subnet, no overlapping CIDRs on a router. */
async function checkNoDuplicate(
  db: Db,
  router: RouterRow,
  newSubnets: readonly SubnetRow[],
): Promise<void> {
  const attached = await routerPortIps(db, [router.id])
  const ids = new Set(newSubnets.map((s) => s.id))
  const existing: string[] = []
  for (const a of attached) {
    if (ids.has(a.subnet_id))
      throw new BadRequestError(`Router already has a port on subnet ${a.subnet_id}`)
    if (a.port_type === ROUTER_GATEWAY) {
      const ext = await db
        .selectFrom('subnets')
        .select('id')
        .where('network_id', '=', a.network_id)
        .execute()
      existing.push(...ext.map((e) => e.id))
    } else existing.push(a.subnet_id)
  }
  for (const sub of (await subnetsById(db, existing)).values()) {
    const c = parseCidr(sub.cidr)
    for (const s of newSubnets) {
      const n = parseCidr(s.cidr)
      if (c && n && cidrsOverlap(c, n)) {
        throw new BadRequestError(
          `Cidr ${s.cidr} of subnet ${s.id} overlaps with cidr ${sub.cidr} of subnet ${sub.id}`,
        )
      }
    }
  }
}

/** PUT /routers/{id}/add_router_interface. */
export async function addRouterInterface(
  ctx: NetworkContext,
  auth: AuthContext,
  routerId: string,
  info: InterfaceInfo,
): Promise<Record<string, unknown>> {
  const { portId, subnetId } = parseInfo(info, false)
  return ctx.db.transaction().execute(async (trx) => {
    const router = await getOwnRouter(trx, auth, routerId)
    const now = new Date().toISOString()
    if (portId !== undefined) {
      const port = await getVisiblePort(trx, auth, portId)
      if (port.device_id !== '') {
        throw new ConflictError(
          `Unable to complete operation on port ${port.id} for network ${port.network_id}. Port already has an attached device ${port.device_id}.`,
          { type: 'PortInUse' },
        )
      }
      if (port.fixed_ips.length === 0)
        throw new BadRequestError('Router port must have at least one fixed IP')
      const subnets = [
        ...(
          await subnetsById(
            trx,
            port.fixed_ips.map((f) => f.subnet_id),
          )
        ).values(),
      ]
      await checkNoDuplicate(trx, router, subnets)
      if (subnets.filter((s) => s.ip_version === 4).length > 1)
        throw new BadRequestError('Cannot have multiple IPv4 subnets on router port')
      await setL3PortDevice(trx, port.id, router.id, ROUTER_INTERFACE)
      await insertRouterPort(trx, router.id, port.id, ROUTER_INTERFACE)
      await updateRouter(trx, router.id, {}, now)
      const ids = port.fixed_ips.map((f) => f.subnet_id)
      return routerInterfaceView(
        router.id,
        port.project_id,
        port.id,
        port.network_id,
        ids,
        ids.at(-1) ?? '',
      )
    }
    const subnet = await getVisibleSubnet(trx, auth, subnetId!)
    if (!subnet.gateway_ip)
      throw new BadRequestError('Subnet for router interface must have a gateway IP')
    if (subnet.project_id !== auth.project?.id && !isAdmin(auth)) {
      const shared = await trx
        .selectFrom('rbac_policies')
        .select('id')
        .where('object_type', '=', 'network')
        .where('object_id', '=', subnet.network_id)
        .where('action', '=', 'access_as_shared')
        .where('target_project', '=', auth.project?.id ?? '')
        .executeTakeFirst()
      if (!shared) {
        throw new BadRequestError(
          `Cannot add interface to router because subnet ${subnet.id} is not owned by project making the request`,
        )
      }
    }
    await checkNoDuplicate(trx, router, [subnet])
    const port = await createL3Port(ctx, trx, {
      projectId: router.project_id,
      networkId: subnet.network_id,
      deviceId: router.id,
      deviceOwner: ROUTER_INTERFACE,
      fixedIps: [{ subnet_id: subnet.id, ip_address: subnet.gateway_ip }],
    })
    await insertRouterPort(trx, router.id, port.id, ROUTER_INTERFACE)
    await updateRouter(trx, router.id, {}, now)
    return routerInterfaceView(
      router.id,
      port.project_id,
      port.id,
      port.network_id,
      [subnet.id],
      subnet.id,
    )
  })
}
