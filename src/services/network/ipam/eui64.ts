import { type Cidr } from './ip.js'

/**
 * The SLAAC address a host with this MAC takes on a /64 (RFC 4291 EUI-64):
 * the prefix, then the MAC with ff:fe in the middle and the U/L bit flipped.
 */
export function eui64Address(cidr: Cidr, mac: string): bigint {
  const b = mac.split(':').map((x) => parseInt(x, 16))
  const iid = [
    (b[0] ?? 0) ^ 0x02,
    b[1] ?? 0,
    b[2] ?? 0,
    0xff,
    0xfe,
    b[3] ?? 0,
    b[4] ?? 0,
    b[5] ?? 0,
  ]
  const host = iid.reduce((acc, x) => (acc << 8n) | BigInt(x), 0n)
  return cidr.network | host
}

/** Neutron: SLAAC and DHCPv6-stateless subnets derive addresses from the MAC. */
export function isAutoAddressMode(ipv6AddressMode: string | null): boolean {
  return ipv6AddressMode === 'slaac' || ipv6AddressMode === 'dhcpv6-stateless'
}
