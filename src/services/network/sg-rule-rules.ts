import { isIPv4, isIPv6 } from 'node:net'
import { BadRequestError } from '../../common/errors.js'

/** neutron_lib IP_PROTOCOL_MAP: the protocol names a rule accepts, with their numbers. */
export const IP_PROTOCOL_MAP: Readonly<Record<string, number>> = {
  ah: 51,
  dccp: 33,
  egp: 8,
  esp: 50,
  gre: 47,
  hopopt: 0,
  icmp: 1,
  igmp: 2,
  ip: 0,
  ipip: 4,
  'ipv6-encap': 41,
  'ipv6-frag': 44,
  'ipv6-icmp': 58,
  icmpv6: 58,
  'ipv6-nonxt': 59,
  'ipv6-opts': 60,
  'ipv6-route': 43,
  ospf: 89,
  pgm: 113,
  rsvp: 46,
  sctp: 132,
  tcp: 6,
  udp: 17,
  udplite: 136,
  vrrp: 112,
}
const NUM_TO_NAME = new Map(
  Object.entries(IP_PROTOCOL_MAP)
    .filter(([k]) => k !== 'icmpv6')
    .map(([k, v]) => [String(v), k]),
)
const PORT_PROTOCOLS = new Set([
  'dccp',
  'sctp',
  'tcp',
  'udp',
  'udplite',
  '33',
  '132',
  '6',
  '17',
  '136',
])
const IPV6_ONLY = new Set([
  'ipv6-encap',
  'ipv6-frag',
  'ipv6-icmp',
  'icmpv6',
  'ipv6-nonxt',
  'ipv6-opts',
  'ipv6-route',
  '41',
  '44',
  '58',
  '59',
  '60',
  '43',
])
const SUPPORTED = `[None, ${Object.keys(IP_PROTOCOL_MAP)
  .map((k) => `'${k}'`)
  .join(', ')}]`

/** A request value as text for an error message (strings bare, the rest as JSON). */
export function shown(v: unknown): string {
  return typeof v === 'string' ? v : (JSON.stringify(v) ?? 'None')
}

const bad = (message: string, type: string): BadRequestError =>
  new BadRequestError(message, { type })

/** Neutron's convert_protocol: a name (case-insensitive) or 0–255; stored as a string. */
export function convertProtocol(value: unknown): string | null {
  if (value === null || value === undefined) return null
  const invalid = (): BadRequestError =>
    bad(
      `Security group rule protocol ${shown(value)} not supported. Only protocol values ${SUPPORTED} and integer representations [0 to 255] are supported.`,
      'SecurityGroupRuleInvalidProtocol',
    )
  if (typeof value === 'number' || (typeof value === 'string' && /^\s*-?\d+\s*$/.test(value))) {
    const n = Number(value)
    if (Number.isInteger(n) && n >= 0 && n <= 255) return String(value)
    throw invalid()
  }
  if (typeof value === 'string' && value.toLowerCase() in IP_PROTOCOL_MAP)
    return value.toLowerCase()
  throw invalid()
}

/** Neutron's convert_validate_port_value: 0–65535 as int, else "Invalid value for port". */
export function convertPort(value: unknown): number | null {
  if (value === null || value === undefined) return null
  const n =
    typeof value === 'number'
      ? value
      : typeof value === 'string' && /^\s*-?\d+\s*$/.test(value)
        ? Number(value)
        : NaN
  if (!Number.isInteger(n) || n < 0 || n > 65535) {
    throw bad(`Invalid value for port ${shown(value)}`, 'SecurityGroupInvalidPortValue')
  }
  return n
}

/** Ethertype, case-insensitive, canonicalised to IPv4 / IPv6. */
export function convertEthertype(value: unknown): 'IPv4' | 'IPv6' {
  if (typeof value === 'string') {
    if (value.toLowerCase() === 'ipv4') return 'IPv4'
    if (value.toLowerCase() === 'ipv6') return 'IPv6'
  }
  throw bad(
    `Security group rule for ethertype '${String(value)}' not supported. Allowed values are ['IPv4', 'IPv6'].`,
    'SecurityGroupRuleInvalidEtherType',
  )
}

/** A parsed prefix: `text` keeps the given host bits (as netaddr's str()), `network` is the normalised CIDR. */
export interface Prefix {
  readonly version: 4 | 6
  readonly text: string
  readonly network: string
}

function v6ToBig(a: string): bigint {
  let s = a
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(s)
  if (v4?.[1]) {
    const p = v4[1].split('.').map(Number)
    s =
      s.slice(0, -v4[1].length) +
      `${(((p[0] ?? 0) << 8) | (p[1] ?? 0)).toString(16)}:${(((p[2] ?? 0) << 8) | (p[3] ?? 0)).toString(16)}`
  }
  const [head = '', tail] = s.split('::')
  const h = head ? head.split(':') : []
  const t = tail !== undefined && tail !== '' ? tail.split(':') : []
  const groups =
    tail === undefined ? h : [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t]
  return groups.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g || '0', 16)), 0n)
}

function bigToV6(n: bigint): string {
  const g: string[] = []
  for (let i = 7; i >= 0; i--) g.push(((n >> BigInt(i * 16)) & 0xffffn).toString(16))
  // Compress the longest run of zero groups, as RFC 5952 (and netaddr) do.
  let best = -1
  let len = 0
  for (let i = 0; i < 8;) {
    if (g[i] !== '0') {
      i++
      continue
    }
    let j = i
    while (j < 8 && g[j] === '0') j++
    if (j - i > len && j - i > 1) {
      best = i
      len = j - i
    }
    i = j
  }
  if (best < 0) return g.join(':')
  return `${g.slice(0, best).join(':')}::${g.slice(best + len).join(':')}`
}

/** Parses an address or CIDR as netaddr.IPNetwork would; InvalidCIDR (400) otherwise. */
export function parsePrefix(input: string): Prefix {
  const invalid = (): BadRequestError =>
    bad(`Invalid CIDR ${input} given as IP prefix.`, 'InvalidCIDR')
  const [addr = '', len, extra] = input.split('/')
  if (extra !== undefined) throw invalid()
  const version = isIPv4(addr) ? 4 : isIPv6(addr) ? 6 : 0
  if (version === 0) throw invalid()
  const bits = version === 4 ? 32 : 128
  if (len !== undefined && !/^\d{1,3}$/.test(len)) throw invalid()
  const plen = len === undefined ? bits : Number(len)
  if (plen > bits) throw invalid()
  if (version === 4) {
    const n = addr.split('.').reduce((acc, o) => acc * 256 + Number(o), 0)
    const mask = plen === 0 ? 0 : (0xffffffff << (32 - plen)) >>> 0
    const net = (n & mask) >>> 0
    const dotted = [24, 16, 8, 0].map((s) => (net >>> s) & 255).join('.')
    return { version, text: `${addr}/${plen}`, network: `${dotted}/${plen}` }
  }
  const n = v6ToBig(addr)
  const mask = plen === 0 ? 0n : ((1n << 128n) - 1n) ^ ((1n << BigInt(128 - plen)) - 1n)
  return { version, text: `${bigToV6(n)}/${plen}`, network: `${bigToV6(n & mask)}/${plen}` }
}

/** [name, number] of a stored protocol, as Neutron's _get_ip_proto_name_and_num compares rules. */
export function protocolKey(protocol: string | null, ethertype: string): string {
  if (protocol === null) return '+'
  let p = protocol
  if (ethertype === 'IPv6') {
    if (p === 'icmp' || p === 'icmpv6') p = 'ipv6-icmp'
    else if (p === '1') p = '58'
  }
  if (p in IP_PROTOCOL_MAP) return `${p}|${IP_PROTOCOL_MAP[p] ?? ''}`
  const name = NUM_TO_NAME.get(p)
  return name ? `${name}|${p}` : `${p}|${p}`
}

/** A normalised rule ready to be checked for duplicates and stored. */
export interface RuleSpec {
  direction: string
  ethertype: 'IPv4' | 'IPv6'
  protocol: string | null
  port_range_min: number | null
  port_range_max: number | null
  remote_ip_prefix: string | null
  remote_group_id: string | null
}

/**
 * Neutron's _validate_security_group_rule minus the lookups: IPv6 ICMP names,
 * the whole-range shortcut, port/ICMP ranges, prefix family and protocol family.
 */
export function normaliseRule(rule: RuleSpec): RuleSpec {
  const r = { ...rule }
  if (r.ethertype === 'IPv6') {
    if (r.protocol === 'icmp' || r.protocol === 'icmpv6') r.protocol = 'ipv6-icmp'
    else if (r.protocol === '1') r.protocol = '58'
  }
  if (r.port_range_min === 1 && r.port_range_max === 65535)
    r.port_range_min = r.port_range_max = null
  validatePortRange(r)
  if (r.remote_ip_prefix !== null) {
    const p = parsePrefix(r.remote_ip_prefix)
    r.remote_ip_prefix = p.text
    if (r.ethertype !== `IPv${p.version}`) {
      throw bad(
        `Conflicting value ethertype ${r.ethertype} for CIDR ${rule.remote_ip_prefix}`,
        'SecurityGroupRuleParameterConflict',
      )
    }
  }
  if (r.protocol !== null && IPV6_ONLY.has(r.protocol) && r.ethertype === 'IPv4') {
    throw bad(
      `Invalid ethertype ${r.ethertype} for protocol ${r.protocol}.`,
      'SecurityGroupEthertypeConflictWithProtocol',
    )
  }
  if (r.remote_ip_prefix !== null && r.remote_group_id !== null) {
    throw bad(
      'Only one of remote_ip_prefix or remote_group_id or remote_address_group_id may be provided.',
      'SecurityGroupMultipleRemoteEntites',
    )
  }
  return r
}

function validatePortRange(r: RuleSpec): void {
  const { port_range_min: min, port_range_max: max } = r
  if (min === null && max === null) return
  if (r.protocol === null)
    throw bad(
      'Must also specify protocol if port range is given.',
      'SecurityGroupProtocolRequiredWithPorts',
    )
  const num = String(
    r.protocol in IP_PROTOCOL_MAP ? IP_PROTOCOL_MAP[r.protocol] : Number(r.protocol),
  )
  if (PORT_PROTOCOLS.has(r.protocol) || PORT_PROTOCOLS.has(num)) {
    if (min === 0 || max === 0)
      throw bad('Invalid value for port 0', 'SecurityGroupInvalidPortValue')
    if (min === null || max === null || min > max) {
      throw bad(
        'For TCP/UDP protocols, port_range_min must be <= port_range_max',
        'SecurityGroupInvalidPortRange',
      )
    }
  } else if (num === '1' || num === '58') {
    for (const [attr, field, v] of [
      ['port_range_min', 'type', min],
      ['port_range_max', 'code', max],
    ] as const) {
      if (v !== null && !(v >= 0 && v <= 255)) {
        throw bad(
          `Invalid value for ICMP ${field} (${attr}) ${v}. It must be 0 to 255.`,
          'SecurityGroupInvalidIcmpValue',
        )
      }
    }
    if (min === null && max !== null) {
      throw bad(
        `ICMP code (port-range-max) ${max} is provided but ICMP type (port-range-min) is missing.`,
        'SecurityGroupMissingIcmpType',
      )
    }
  } else {
    throw bad(
      `Ports cannot be specified for protocol ${num}. Ports are only supported for DCCP, SCTP, TCP, UDP, UDPLITE.`,
      'SecurityGroupInvalidProtocolForPort',
    )
  }
}

/** Neutron's _rule_to_key: what makes two rules of a group the same. */
export function ruleKey(r: RuleSpec & { security_group_id: string }): string {
  const any = (p: string | null): string =>
    p === null || p === '0.0.0.0/0' || p === '::/0' ? '+' : p
  const v = (x: string | number | null): string => (x === null ? '+' : String(x))
  return [
    r.direction,
    r.ethertype,
    v(r.port_range_max),
    v(r.port_range_min),
    protocolKey(r.protocol, r.ethertype),
    v(r.remote_group_id),
    '+',
    any(r.remote_ip_prefix),
    r.security_group_id,
  ].join('_')
}
