import { BadRequestError, ConflictError } from '../../common/errors.js'
import { normaliseMac } from './mac.js'
import { formatCidr, normaliseIp, parseCidr } from './ipam/ip.js'
import { badAttr, repr } from './subnet-validate.js'

/** A fixed_ips entry as requested. */
export interface FixedIpRequest {
  readonly subnet_id?: string
  readonly ip_address?: string
}

/** Neutron's max_fixed_ips_per_port. */
export const MAX_FIXED_IPS = 5
/** Neutron's max_allowed_address_pair. */
export const MAX_ADDRESS_PAIRS = 10

export function parseFixedIps(v: unknown): FixedIpRequest[] {
  if (!Array.isArray(v))
    throw badAttr('fixed_ips', `Invalid data format for fixed IP: '${repr(v)}'`)
  const out: FixedIpRequest[] = []
  for (const f of v as unknown[]) {
    const o = f as Record<string, unknown> | null
    if (!o || typeof o !== 'object' || Array.isArray(o))
      throw badAttr('fixed_ips', `Invalid data format for fixed IP: '${repr(f)}'`)
    const extra = Object.keys(o).filter((k) => k !== 'subnet_id' && k !== 'ip_address')
    if (extra.length) throw badAttr('fixed_ips', `Unrecognized attribute(s) '${extra.join(', ')}'`)
    const req: { subnet_id?: string; ip_address?: string } = {}
    if (o['subnet_id'] !== undefined) {
      if (typeof o['subnet_id'] !== 'string')
        throw badAttr('fixed_ips', `'${repr(o['subnet_id'])}' is not a valid UUID`)
      req.subnet_id = o['subnet_id']
    }
    if (o['ip_address'] !== undefined) {
      const ip = typeof o['ip_address'] === 'string' ? normaliseIp(o['ip_address']) : undefined
      if (!ip) throw badAttr('fixed_ips', `'${repr(o['ip_address'])}' is not a valid IP address`)
      req.ip_address = ip
    }
    out.push(req)
  }
  if (out.length > MAX_FIXED_IPS)
    throw new BadRequestError('Exceeded maximum amount of fixed ips per port.')
  return out
}

export interface AddressPair {
  ip_address: string
  mac_address: string
}

/** allowed_address_pairs: ip_address (an IP or a CIDR) and an optional MAC (default: the port's). */
export function parseAddressPairs(v: unknown, portMac: string): AddressPair[] {
  if (!Array.isArray(v)) throw badAttr('allowed_address_pairs', `'${repr(v)}' is not a list`)
  if (v.length > MAX_ADDRESS_PAIRS) {
    throw new BadRequestError(
      `The number of allowed address pair exceeds the maximum ${MAX_ADDRESS_PAIRS}.`,
      { type: 'AllowedAddressPairExhausted' },
    )
  }
  const out: AddressPair[] = []
  for (const p of v as unknown[]) {
    const o = p as Record<string, unknown> | null
    if (!o || typeof o !== 'object')
      throw badAttr('allowed_address_pairs', `'${repr(p)}' is not a dictionary`)
    const extra = Object.keys(o).filter((k) => k !== 'ip_address' && k !== 'mac_address')
    if (extra.length)
      throw badAttr('allowed_address_pairs', `Unrecognized attribute(s) '${extra.join(', ')}'`)
    if (o['ip_address'] === undefined) {
      throw new BadRequestError('AllowedAddressPair must contain ip_address', {
        type: 'AllowedAddressPairsMissingIP',
      })
    }
    const raw = repr(o['ip_address'])
    const c = typeof o['ip_address'] === 'string' ? parseCidr(raw) : undefined
    if (!c) throw badAttr('allowed_address_pairs', `'${raw}' is not a valid IP address`)
    const ip = raw.includes('/') ? formatCidr(c) : normaliseIp(raw)!
    let mac = portMac
    if (o['mac_address'] !== undefined && o['mac_address'] !== null) {
      const m = normaliseMac(repr(o['mac_address']))
      if (!m)
        throw badAttr(
          'allowed_address_pairs',
          `'${repr(o['mac_address'])}' is not a valid MAC address`,
        )
      mac = m
    }
    if (out.some((x) => x.ip_address === ip && x.mac_address === mac)) {
      throw badAttr('allowed_address_pairs', 'Request contains duplicate address pair')
    }
    out.push({ ip_address: ip, mac_address: mac })
  }
  return out
}

export interface DhcpOpt {
  opt_name: string
  opt_value: string
  ip_version: number
}

export function parseDhcpOpts(v: unknown): DhcpOpt[] {
  if (!Array.isArray(v)) throw badAttr('extra_dhcp_opts', `'${repr(v)}' is not a list`)
  return (v as unknown[]).map((o) => {
    const d = o as Record<string, unknown> | null
    if (!d || typeof d !== 'object' || typeof d['opt_name'] !== 'string' || d['opt_name'] === '') {
      throw badAttr(
        'extra_dhcp_opts',
        `Invalid data format for extra-dhcp-opt: ${JSON.stringify(o)}`,
      )
    }
    const extra = Object.keys(d).filter((k) => !['opt_name', 'opt_value', 'ip_version'].includes(k))
    if (extra.length)
      throw badAttr('extra_dhcp_opts', `Unrecognized attribute(s) '${extra.join(', ')}'`)
    const ipv = d['ip_version'] === undefined ? 4 : Number(d['ip_version'])
    if (ipv !== 4 && ipv !== 6)
      throw badAttr('extra_dhcp_opts', `'${repr(d['ip_version'])}' is not in [4, 6]`)
    return {
      opt_name: d['opt_name'],
      opt_value: d['opt_value'] === null ? '' : repr(d['opt_value'] ?? ''),
      ip_version: ipv,
    }
  })
}

/** Neutron's PortSecurityAndIPRequiredForSecurityGroups (409). */
export function sgNeedsPortSecurity(): ConflictError {
  return new ConflictError(
    'Port security must be enabled and port must have an IP address in order to use security groups.',
    { type: 'PortSecurityAndIPRequiredForSecurityGroups' },
  )
}

/** Neutron's AddressPairAndPortSecurityRequired (409). */
export function pairsNeedPortSecurity(): ConflictError {
  return new ConflictError(
    'Port Security must be enabled in order to have allowed address pairs on a port.',
    {
      type: 'AddressPairAndPortSecurityRequired',
    },
  )
}
