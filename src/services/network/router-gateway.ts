import { isAdmin, type AuthContext } from '../../common/auth-context.js'
import { BadRequestError, ConflictError } from '../../common/errors.js'
import type { Db } from '../../db/database.js'
import { floatingIpsOfRouter } from '../../db/repositories/network/floatingips.js'
import {
  deleteRouterPort,
  insertRouterPort,
  ROUTER_GATEWAY,
  routerPortIps,
  updateRouter,
  type RouterRow,
} from '../../db/repositories/network/routers.js'
import { cidrsOverlap, parseCidr } from './ipam/ip.js'
import { checkUuid, subnetsById } from './l3-lookups.js'
import type { NetworkContext } from './network-context.js'
import { forbid } from './policy.js'
import { createL3Port, deleteL3Port, findL3Port, type FixedIpRequest } from './router-ports.js'
import { canUseAsExternal, getVisibleNetwork } from './visibility.js'

/** external_gateway_info as the API accepts it (already schema-checked). */
export interface GatewayInfo {
  readonly network_id?: string
  readonly enable_snat?: boolean
  readonly external_fixed_ips?: readonly FixedIpRequest[]
}

/** Neutron's policy on the sub-attributes: only admins choose SNAT mode or gateway addresses. */
export function checkGatewayPolicy(
  auth: AuthContext,
  info: GatewayInfo | null | undefined,
  action: 'create' | 'update',
): void {
  if (!info || isAdmin(auth)) return
  if (info.enable_snat !== undefined) forbid(`${action}_router:external_gateway_info:enable_snat`)
  if (info.external_fixed_ips !== undefined)
    forbid(`${action}_router:external_gateway_info:external_fixed_ips`)
}

/**
 * Neutron's _update_router_gw_info inside the caller's transaction: clear
 * the gateway (no network_id), keep it (same network and addresses; only
 * enable_snat changes), or replace the gateway port. Returns the router's
 * new gateway columns.
 */
export async function setRouterGateway(
  ctx: NetworkContext,
  db: Db,
  auth: AuthContext,
  router: RouterRow,
  info: GatewayInfo | null,
  now: string,
): Promise<void> {
  const networkId = info?.network_id
  const wantedIps = info?.external_fixed_ips ?? []
  if (networkId !== undefined) {
    checkUuid(networkId)
    const net = await getVisibleNetwork(db, auth, networkId)
    if (!(await canUseAsExternal(db, auth, net))) {
      throw new BadRequestError(`Network ${networkId} is not an external network`)
    }
    const subnets = await db
      .selectFrom('subnets')
      .select(['id', 'gateway_ip'])
      .where('network_id', '=', networkId)
      .execute()
    for (const ip of wantedIps) {
      if (ip.ip_address !== undefined && subnets.some((s) => s.gateway_ip === ip.ip_address)) {
        throw new BadRequestError(`External IP ${ip.ip_address} is the same as the gateway IP`)
      }
    }
  }
  const current = router.gw_port_id ? await findL3Port(db, router.gw_port_id) : undefined
  const enableSnat = info && networkId !== undefined ? (info.enable_snat ?? true) : true
  const sameNetwork = current !== undefined && current.network_id === networkId
  const ipsChange =
    sameNetwork &&
    wantedIps.length > 0 &&
    !wantedIps.every((w) =>
      current.fixed_ips.some(
        (f) =>
          (w.subnet_id === undefined || w.subnet_id === f.subnet_id) &&
          (w.ip_address === undefined || w.ip_address === f.ip_address),
      ),
    )
  if (sameNetwork && !ipsChange) {
    await updateRouter(db, router.id, { enable_snat: enableSnat ? 1 : 0 }, now)
    return
  }
  if (current) {
    // NOTE: an address change on the same network keeps the floating IPs' path, so only a network change is refused.
    if (!sameNetwork && (await floatingIpsOfRouter(db, router.id)).length > 0) {
      throw new ConflictError(
        `Gateway cannot be updated for router ${router.id}, since a gateway to external network ${current.network_id} is required by one or more floating IPs.`,
        { type: 'RouterExternalGatewayInUseByFloatingIp' },
      )
    }
    await deleteRouterPort(db, current.id)
    await deleteL3Port(ctx, db, current.id)
  }
  if (networkId === undefined) {
    await updateRouter(
      db,
      router.id,
      { gw_port_id: null, external_network_id: null, enable_snat: 1 },
      now,
    )
    return
  }
  await checkNoOverlapWithInterfaces(db, router.id, networkId)
  const port = await createL3Port(ctx, db, {
    projectId: '',
    networkId,
    deviceId: router.id,
    deviceOwner: ROUTER_GATEWAY,
    fixedIps: wantedIps,
  })
  await insertRouterPort(db, router.id, port.id, ROUTER_GATEWAY)
  await updateRouter(
    db,
    router.id,
    { gw_port_id: port.id, external_network_id: networkId, enable_snat: enableSnat ? 1 : 0 },
    now,
  )
}

/** Neutron's _check_for_dup_router_subnets for a new gateway network. */
async function checkNoOverlapWithInterfaces(
  db: Db,
  routerId: string,
  networkId: string,
): Promise<void> {
  const ext = await db
    .selectFrom('subnets')
    .select(['id', 'cidr'])
    .where('network_id', '=', networkId)
    .execute()
  const attached = (await routerPortIps(db, [routerId])).filter(
    (i) => i.port_type !== ROUTER_GATEWAY,
  )
  const subnets = await subnetsById(
    db,
    attached.map((a) => a.subnet_id),
  )
  for (const a of attached) {
    if (ext.some((s) => s.id === a.subnet_id))
      throw new BadRequestError(`Router already has a port on subnet ${a.subnet_id}`)
  }
  for (const s of subnets.values()) {
    const c = parseCidr(s.cidr)
    for (const e of ext) {
      const ec = parseCidr(e.cidr)
      if (c && ec && cidrsOverlap(c, ec)) {
        throw new BadRequestError(
          `Cidr ${e.cidr} of subnet ${e.id} overlaps with cidr ${s.cidr} of subnet ${s.id}`,
        )
      }
    }
  }
}
