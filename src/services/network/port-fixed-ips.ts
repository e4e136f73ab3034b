import { BadRequestError } from '../../common/errors.js'
import type { Db } from '../../db/database.js'
import { releaseIp } from '../../db/repositories/network/ip-allocations.js'
import type { SubnetRow } from '../../db/repositories/network/subnets.js'
import { allocateAny, allocateSpecific, ipGenerationFailure } from './ipam/allocator.js'
import { eui64Address, isAutoAddressMode } from './ipam/eui64.js'
import { cidrContains, cidrLast, formatIp, parseCidr, parseIp } from './ipam/ip.js'
import type { FixedIpRequest } from './port-attrs.js'

export interface FixedIp {
  subnet_id: string
  ip_address: string
}

const isAuto = (s: SubnetRow): boolean =>
  s.ip_version === 6 && isAutoAddressMode(s.ipv6_address_mode)
const isRouterPort = (owner: string): boolean =>
  owner.startsWith('network:router_') || owner === 'network:ha_router_replicated_interface'

function invalidIpForSubnet(ip: string): BadRequestError {
  return new BadRequestError(`IP address ${ip} is not a valid IP for the specified subnet.`, {
    type: 'InvalidIpForSubnet',
  })
}

/** ipam_utils.check_subnet_ip: inside the CIDR, not the network address, not the IPv4 broadcast. */
function checkSubnetIp(s: SubnetRow, ip: string): void {
  const c = parseCidr(s.cidr)!
  const v = parseIp(ip)!
  const ok =
    cidrContains(c, v.version, v.value) &&
    (c.prefixlen >= (c.version === 4 ? 31 : 127) ||
      (v.value !== c.network && (c.version === 6 || v.value !== cidrLast(c))))
  if (!ok) throw invalidIpForSubnet(ip)
}

/** Resolves and validates requested fixed_ips against the network's subnets (_test_fixed_ips_for_port). */
export function resolveRequests(
  networkId: string,
  subnets: readonly SubnetRow[],
  reqs: readonly FixedIpRequest[],
  owner: string,
): Array<{ subnet: SubnetRow; ip?: string }> {
  return reqs.map((r) => {
    let subnet: SubnetRow | undefined
    if (r.subnet_id !== undefined) {
      subnet = subnets.find((s) => s.id === r.subnet_id)
      if (!subnet) {
        throw new BadRequestError(
          `Invalid input for operation: Failed to create port on network ${networkId}, because fixed_ips included invalid subnet ${r.subnet_id}.`,
          { type: 'InvalidInput' },
        )
      }
      if (r.ip_address !== undefined) checkSubnetIp(subnet, r.ip_address)
    } else if (r.ip_address !== undefined) {
      const v = parseIp(r.ip_address)!
      subnet = subnets.find((s) => cidrContains(parseCidr(s.cidr)!, v.version, v.value))
      if (!subnet) {
        throw new BadRequestError(
          `IP address ${r.ip_address} is not a valid IP for any of the subnets on the specified network.`,
          {
            type: 'InvalidIpForNetwork',
          },
        )
      }
      checkSubnetIp(subnet, r.ip_address)
    } else {
      throw new BadRequestError(
        'Invalid input for fixed_ips. Reason: Invalid data format for fixed IP.',
      )
    }
    if (isAuto(subnet) && r.ip_address !== undefined && !isRouterPort(owner)) {
      throw new BadRequestError(
        `Invalid input for operation: IPv6 address ${r.ip_address} cannot be directly assigned to a port on subnet ${subnet.id} as the subnet is configured for automatic addresses.`,
        { type: 'InvalidInput' },
      )
    }
    return r.ip_address === undefined ? { subnet } : { subnet, ip: r.ip_address }
  })
}

/** Claims the resolved addresses (or generates them) for the port. */
export async function allocateResolved(
  db: Db,
  portId: string,
  mac: string,
  owner: string,
  wanted: ReadonlyArray<{ subnet: SubnetRow; ip?: string }>,
): Promise<FixedIp[]> {
  const out: FixedIp[] = []
  for (const w of wanted) {
    if (w.ip !== undefined) {
      await allocateSpecific(db, w.subnet, portId, w.ip)
      out.push({ subnet_id: w.subnet.id, ip_address: w.ip })
    } else if (isAuto(w.subnet) && !isRouterPort(owner)) {
      out.push({ subnet_id: w.subnet.id, ip_address: await claimSlaac(db, w.subnet, portId, mac) })
    } else {
      out.push({ subnet_id: w.subnet.id, ip_address: await allocateAny(db, w.subnet, portId) })
    }
  }
  return out
}

async function claimSlaac(db: Db, s: SubnetRow, portId: string, mac: string): Promise<string> {
  const ip = formatIp(6, eui64Address(parseCidr(s.cidr)!, mac))
  await allocateSpecific(db, s, portId, ip)
  return ip
}

/**
 * Neutron's default when fixed_ips is not given: one address from the IPv4
 * subnets (first with room), one from the stateful IPv6 subnets, and the
 * EUI-64 address on every SLAAC / DHCPv6-stateless subnet.
 */
export async function allocateDefault(
  db: Db,
  networkId: string,
  subnets: readonly SubnetRow[],
  portId: string,
  mac: string,
  owner: string,
): Promise<FixedIp[]> {
  const out: FixedIp[] = []
  const v4 = subnets.filter((s) => s.ip_version === 4)
  const v6Stateful = subnets.filter((s) => s.ip_version === 6 && !isAuto(s))
  for (const group of [v4, v6Stateful]) {
    if (group.length === 0) continue
    let got: FixedIp | undefined
    for (const s of group) {
      try {
        got = { subnet_id: s.id, ip_address: await allocateAny(db, s, portId) }
        break
      } catch (err) {
        if ((err as { type?: string }).type !== 'IpAddressGenerationFailure') throw err
      }
    }
    if (!got) throw ipGenerationFailure(networkId)
    out.push(got)
  }
  for (const s of subnets.filter(isAuto)) {
    if (isRouterPort(owner)) continue
    out.push({ subnet_id: s.id, ip_address: await claimSlaac(db, s, portId, mac) })
  }
  return out
}

/**
 * A fixed_ips update (_get_changed_ips_for_port): requested entries that
 * match a current address keep it; current addresses not requested are
 * released; the rest are allocated.
 */
export async function changeFixedIps(
  db: Db,
  networkId: string,
  subnets: readonly SubnetRow[],
  portId: string,
  mac: string,
  owner: string,
  current: readonly FixedIp[],
  reqs: readonly FixedIpRequest[],
): Promise<FixedIp[]> {
  const kept: FixedIp[] = []
  const remaining = [...current]
  const fresh: FixedIpRequest[] = []
  // Entries naming an address the port already has are kept as they are (even
  // SLAAC ones, which could not be requested anew); the rest are validated.
  for (const r of reqs) {
    const i = remaining.findIndex(
      (c) =>
        (r.subnet_id === undefined || c.subnet_id === r.subnet_id) &&
        (r.ip_address === undefined ? r.subnet_id !== undefined : c.ip_address === r.ip_address),
    )
    if (i >= 0) kept.push(...remaining.splice(i, 1))
    else fresh.push(r)
  }
  const toAllocate = resolveRequests(networkId, subnets, fresh, owner)
  for (const r of remaining) await releaseIp(db, portId, r.subnet_id, r.ip_address)
  return [...kept, ...(await allocateResolved(db, portId, mac, owner, toAllocate))]
}
