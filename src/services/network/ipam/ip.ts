/**
 * IPv4 and IPv6 addresses as bigints. Neutron leans on netaddr; this is the
 * small part of it the IPAM needs: parse, format (canonical, RFC 5952 for
 * IPv6), CIDRs and containment.
 */
export type IpVersion = 4 | 6

export interface Ip {
  readonly version: IpVersion
  readonly value: bigint
}

export interface Cidr {
  readonly version: IpVersion
  /** The network address (host bits cleared). */
  readonly network: bigint
  readonly prefixlen: number
  /** Host bits as given were not zero (Neutron normalises them away). */
  readonly hadHostBits: boolean
}

export const bits = (v: IpVersion): number => (v === 4 ? 32 : 128)

function parseV4(s: string): bigint | undefined {
  const parts = s.split('.')
  if (parts.length !== 4) return undefined
  let v = 0n
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p)) return undefined
    const n = Number(p)
    if (n > 255) return undefined
    v = (v << 8n) | BigInt(n)
  }
  return v
}

function parseV6(s: string): bigint | undefined {
  if (!/^[0-9a-fA-F:.]+$/.test(s) || s.includes(':::')) return undefined
  let text = s
  if (text.includes('.')) {
    // Embedded IPv4 tail (::ffff:1.2.3.4): rewrite it as two hex groups.
    const lastColon = text.lastIndexOf(':')
    const v4 = parseV4(text.slice(lastColon + 1))
    if (v4 === undefined) return undefined
    text = `${text.slice(0, lastColon + 1)}${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`
  }
  const halves = text.split('::')
  if (halves.length > 2) return undefined
  const group = (h: string): bigint[] | undefined => {
    if (h === '') return []
    const out: bigint[] = []
    for (const g of h.split(':')) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined
      out.push(BigInt(`0x${g}`))
    }
    return out
  }
  const head = group(halves[0] ?? '')
  const rest = halves.length === 2 ? group(halves[1] ?? '') : []
  if (!head || !rest) return undefined
  const given = head.length + rest.length
  if (halves.length === 1 ? given !== 8 : given > 7) return undefined
  const groups = [...head, ...Array<bigint>(8 - given).fill(0n), ...rest]
  return groups.reduce((acc, g) => (acc << 16n) | g, 0n)
}

/** Parses a literal address; undefined when it is not one. */
export function parseIp(s: string): Ip | undefined {
  if (typeof s !== 'string') return undefined
  if (s.includes(':')) {
    const value = parseV6(s)
    return value === undefined ? undefined : { version: 6, value }
  }
  const value = parseV4(s)
  return value === undefined ? undefined : { version: 4, value }
}

/** Canonical text: dotted quad, or RFC 5952 compressed IPv6. */
export function formatIp(version: IpVersion, value: bigint): string {
  if (version === 4) return [24n, 16n, 8n, 0n].map((s) => String((value >> s) & 0xffn)).join('.')
  const groups = [112n, 96n, 80n, 64n, 48n, 32n, 16n, 0n].map((s) => Number((value >> s) & 0xffffn))
  let best = -1
  let bestLen = 1
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i++
      continue
    }
    let j = i
    while (j < 8 && groups[j] === 0) j++
    if (j - i > bestLen) [best, bestLen] = [i, j - i]
    i = j
  }
  const hex = (gs: number[]): string => gs.map((g) => g.toString(16)).join(':')
  if (best < 0) return hex(groups)
  return `${hex(groups.slice(0, best))}::${hex(groups.slice(best + bestLen))}`
}

/** Normalised form of an address string (e.g. `2001:DB8::0001` → `2001:db8::1`). */
export function normaliseIp(s: string): string | undefined {
  const ip = parseIp(s)
  return ip && formatIp(ip.version, ip.value)
}

export function parseCidr(s: string): Cidr | undefined {
  if (typeof s !== 'string') return undefined
  const [addr, len, extra] = s.split('/')
  if (addr === undefined || extra !== undefined) return undefined
  const ip = parseIp(addr)
  if (!ip) return undefined
  const max = bits(ip.version)
  if (len !== undefined && !/^\d{1,3}$/.test(len)) return undefined
  const prefixlen = len === undefined ? max : Number(len)
  if (prefixlen > max) return undefined
  const network = ip.value & netmask(ip.version, prefixlen)
  return { version: ip.version, network, prefixlen, hadHostBits: network !== ip.value }
}

export function netmask(version: IpVersion, prefixlen: number): bigint {
  const max = BigInt(bits(version))
  const all = (1n << max) - 1n
  return (all >> BigInt(prefixlen)) ^ all
}

export const cidrSize = (c: Cidr): bigint => 1n << BigInt(bits(c.version) - c.prefixlen)
export const cidrLast = (c: Cidr): bigint => c.network + cidrSize(c) - 1n
export const formatCidr = (c: Cidr): string => `${formatIp(c.version, c.network)}/${c.prefixlen}`

export function cidrContains(c: Cidr, version: IpVersion, value: bigint): boolean {
  return c.version === version && value >= c.network && value <= cidrLast(c)
}

export function cidrsOverlap(a: Cidr, b: Cidr): boolean {
  return a.version === b.version && a.network <= cidrLast(b) && b.network <= cidrLast(a)
}
