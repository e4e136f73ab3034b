import { BadRequestError } from '../../common/errors.js'
import { formatCidr, parseCidr, parseIp, type Cidr, type IpVersion } from './ipam/ip.js'

/** A value as Neutron quotes it in messages (strings bare, the rest as JSON). */
export const repr = (v: unknown): string =>
  typeof v === 'string' ? v : (JSON.stringify(v) ?? 'None')

/** Neutron's InvalidInput (400): "Invalid input for operation: <msg>." */
export function invalidInput(msg: string): BadRequestError {
  return new BadRequestError(`Invalid input for operation: ${msg}.`, { type: 'InvalidInput' })
}

/** 400 for one attribute, as neutron_lib's attribute validators word it. */
export function badAttr(attr: string, reason: string): BadRequestError {
  return new BadRequestError(`Invalid input for ${attr}. Reason: ${reason}.`, {
    type: 'HTTPBadRequest',
  })
}

/** Rejects attributes the resource does not have (POST) or may not change (PUT), as Neutron does. */
export function checkAttributes(
  body: Record<string, unknown>,
  allowed: readonly string[],
  known: readonly string[],
  put: boolean,
): void {
  const unknown = Object.keys(body).filter((k) => !known.includes(k))
  if (unknown.length)
    throw new BadRequestError(`Unrecognized attribute(s) '${unknown.join(', ')}'`, {
      type: 'HTTPBadRequest',
    })
  for (const k of Object.keys(body)) {
    if (!allowed.includes(k)) {
      throw new BadRequestError(
        put ? `Cannot update read-only attribute ${k}` : `Attribute '${k}' not allowed in POST`,
        {
          type: 'HTTPBadRequest',
        },
      )
    }
  }
}

/** validate_subnet: a CIDR with a prefix; IPv4 must be given in canonical form. */
export function parseSubnetCidr(text: unknown): Cidr {
  if (typeof text !== 'string') throw badAttr('cidr', `'${repr(text)}' is not a valid IP subnet`)
  const c = parseCidr(text)
  if (!c) throw badAttr('cidr', `'${text}' is not a valid IP subnet`)
  if (!text.includes('/') || (c.version === 4 && formatCidr(c) !== text)) {
    throw badAttr(
      'cidr',
      `'${text}' isn't a recognized IP subnet cidr, '${formatCidr(c)}' is recommended`,
    )
  }
  return c
}

/** _validate_ip_version: "cidr '…' does not match the ip_version '4'". */
export function checkVersion(v: IpVersion, name: string, text: string, version: IpVersion): void {
  if (v !== version)
    throw invalidInput(`${name} '${text}' does not match the ip_version '${version}'`)
}

export function checkString(attr: string, v: unknown, max = 255): asserts v is string {
  if (typeof v !== 'string') throw badAttr(attr, `'${repr(v)}' is not a valid string`)
  if (v.length > max) throw badAttr(attr, `'${v}' exceeds maximum length of ${max}`)
}

export function checkBool(attr: string, v: unknown): asserts v is boolean {
  if (typeof v !== 'boolean') throw badAttr(attr, `'${repr(v)}' is not a valid boolean value`)
}

export function parseDns(v: unknown, version: IpVersion): string[] {
  if (!Array.isArray(v)) throw badAttr('dns_nameservers', `'${repr(v)}' is not a list`)
  const seen = new Set<string>()
  for (const d of v as unknown[]) {
    const ip = typeof d === 'string' ? parseIp(d) : undefined
    if (!ip) throw badAttr('dns_nameservers', `'${repr(d)}' is not a valid nameserver`)
    if (seen.has(d as string)) throw badAttr('dns_nameservers', `Duplicate nameserver '${repr(d)}'`)
    seen.add(d as string)
    checkVersion(ip.version, 'dns_nameserver', d as string, version)
  }
  return v as string[]
}

export interface HostRoute {
  destination: string
  nexthop: string
}

export function parseHostRoutes(v: unknown, version: IpVersion): HostRoute[] {
  if (!Array.isArray(v)) throw badAttr('host_routes', `'${repr(v)}' is not a list`)
  const out: HostRoute[] = []
  const seen = new Set<string>()
  for (const r of v as unknown[]) {
    const o = r as Record<string, unknown> | null
    const keys = o && typeof o === 'object' ? Object.keys(o).sort().join(',') : ''
    if (keys !== 'destination,nexthop')
      throw badAttr('host_routes', `Invalid data format for hostroute: '${JSON.stringify(r)}'`)
    const dest = parseCidr(repr(o!['destination']))
    const hop = parseIp(repr(o!['nexthop']))
    if (!dest || !hop) throw invalidInput(`Invalid route: ${JSON.stringify(r)}`)
    checkVersion(hop.version, 'nexthop', repr(o!['nexthop']), version)
    checkVersion(dest.version, 'destination', repr(o!['destination']), version)
    const route = { destination: formatCidr(dest), nexthop: repr(o!['nexthop']) }
    const key = `${route.destination}|${route.nexthop}`
    if (seen.has(key)) throw badAttr('host_routes', `Duplicate hostroute '${JSON.stringify(r)}'`)
    seen.add(key)
    out.push(route)
  }
  return out
}

const IPV6_MODES = ['dhcpv6-stateful', 'dhcpv6-stateless', 'slaac']

/** Neutron's _validate_ipv6_attributes on create. */
export function checkIpv6Modes(
  version: IpVersion,
  cidr: Cidr,
  ra: string | null,
  addr: string | null,
  enableDhcp: boolean,
): void {
  for (const [name, v] of [
    ['ipv6_ra_mode', ra],
    ['ipv6_address_mode', addr],
  ] as const) {
    if (v !== null && !IPV6_MODES.includes(v))
      throw badAttr(
        name,
        `'${v}' is not in ${JSON.stringify(IPV6_MODES).replace(/"/g, "'").replace(/,/g, ', ')}`,
      )
    if (v !== null && version === 4) throw invalidInput(`${name} is not valid when ip_version is 4`)
  }
  if (version !== 6) return
  if ((ra !== null || addr !== null) && !enableDhcp) {
    throw invalidInput(
      'ipv6_ra_mode or ipv6_address_mode cannot be set when enable_dhcp is set to False',
    )
  }
  if (ra !== null && addr !== null && ra !== addr) {
    throw invalidInput(
      `ipv6_ra_mode set to '${ra}' with ipv6_address_mode set to '${addr}' is not valid. If both attributes are set, they must be the same value`,
    )
  }
  const auto = (m: string | null): boolean => m === 'slaac' || m === 'dhcpv6-stateless'
  if ((auto(ra) || auto(addr)) && cidr.prefixlen !== 64) {
    throw invalidInput(
      `Invalid CIDR ${formatCidr(cidr)} for IPv6 address mode. OpenStack uses the EUI-64 address format, which requires the prefix to be /64`,
    )
  }
}
