import { BadRequestError, ConflictError } from '../../common/errors.js'
import type { Db } from '../../db/database.js'
import { routerPortIps } from '../../db/repositories/network/routers.js'
import { cidrContains, formatCidr, formatIp, parseCidr, parseIp } from './ipam/ip.js'
import { subnetsById } from './l3-lookups.js'

/** Neutron's [DEFAULT] max_routes. */
export const MAX_ROUTES = 30

export interface Route {
  readonly destination: string
  readonly nexthop: string
}

const show = (routes: readonly Route[]): string =>
  `[${routes.map((r) => `{'destination': '${r.destination}', 'nexthop': '${r.nexthop}'}`).join(', ')}]`

const invalid = (routes: readonly Route[], reason: string): BadRequestError =>
  new BadRequestError(`Invalid format for routes: ${show(routes)}, ${reason}`, {
    type: 'InvalidRoutes',
  })

/**
 * The `routes` attribute as Neutron's type:hostroutes validator and the
 * extraroute mixin check it: well-formed, no duplicates, at most
 * max_routes, each nexthop on a subnet the router is connected to and not
 * one of the router's own addresses. Returns the normalised routes.
 */
export async function checkRoutes(
  db: Db,
  routerId: string,
  raw: readonly Route[],
): Promise<Route[]> {
  const routes: Route[] = []
  const seen = new Set<string>()
  for (const r of raw) {
    const dest = parseCidr(r.destination)
    const hop = parseIp(r.nexthop)
    if (!dest)
      throw new BadRequestError(
        `Invalid input for routes. Reason: '${r.destination}' is not a valid IP subnet.`,
      )
    if (!hop)
      throw new BadRequestError(
        `Invalid input for routes. Reason: '${r.nexthop}' is not a valid IP address.`,
      )
    const norm = { destination: formatCidr(dest), nexthop: formatIp(hop.version, hop.value) }
    const key = `${norm.destination} ${norm.nexthop}`
    if (seen.has(key))
      throw new BadRequestError(
        `Invalid input for routes. Reason: Duplicate hostroute '${JSON.stringify(r)}'.`,
      )
    seen.add(key)
    routes.push(norm)
  }
  if (routes.length > MAX_ROUTES) {
    throw new BadRequestError(
      `Unable to complete operation for ${routerId}. The number of routes exceeds the maximum ${MAX_ROUTES}.`,
      { type: 'RoutesExhausted' },
    )
  }
  if (routes.length === 0) return routes
  const ips = await routerPortIps(db, [routerId])
  const subnets = await subnetsById(
    db,
    ips.map((i) => i.subnet_id),
  )
  const cidrs = [...subnets.values()].map((s) => parseCidr(s.cidr)).filter((c) => c !== undefined)
  const own = new Set(ips.map((i) => i.ip_address))
  for (const r of routes) {
    const hop = parseIp(r.nexthop)!
    if (!cidrs.some((c) => cidrContains(c, hop.version, hop.value))) {
      throw invalid(routes, 'the nexthop is not connected with router')
    }
    if (own.has(r.nexthop)) throw invalid(routes, 'the nexthop is used by router')
  }
  return routes
}

/** 409 RouterInterfaceInUseByRoute when a route's nexthop lies on the subnet being detached. */
export function checkSubnetNotUsedByRoutes(
  routerId: string,
  subnetId: string,
  cidr: string,
  routesJson: string,
): void {
  const c = parseCidr(cidr)
  if (!c) return
  for (const r of JSON.parse(routesJson) as Route[]) {
    const hop = parseIp(r.nexthop)
    if (hop && cidrContains(c, hop.version, hop.value)) {
      throw new ConflictError(
        `Router interface for subnet ${subnetId} on router ${routerId} cannot be deleted, as it is required by one or more routes.`,
        { type: 'RouterInterfaceInUseByRoute' },
      )
    }
  }
}
