import { BadRequestError, ConflictError } from '../../../common/errors.js'
import {
  cidrContains,
  cidrLast,
  formatCidr,
  formatIp,
  parseIp,
  type Cidr,
  type IpVersion,
} from './ip.js'

/** An allocation pool as numbers: first..last inclusive. */
export interface Range {
  readonly first: bigint
  readonly last: bigint
}

/** The wire form Neutron uses: {"start": "10.0.0.2", "end": "10.0.0.254"}. */
export interface PoolBody {
  readonly start: string
  readonly end: string
}

export const rangeText = (v: IpVersion, r: Range): string =>
  `${formatIp(v, r.first)}-${formatIp(v, r.last)}`
export const poolBody = (v: IpVersion, r: Range): PoolBody => ({
  start: formatIp(v, r.first),
  end: formatIp(v, r.last),
})

/**
 * Neutron's generate_pools: the whole CIDR minus the network address (and
 * the IPv4 broadcast, for /30 and larger), minus the gateway.
 */
export function defaultPools(cidr: Cidr, gateway: bigint | null): Range[] {
  const last = cidrLast(cidr)
  if (cidr.network === last) return [{ first: last, last }]
  const v4Small = cidr.version === 4 && cidr.prefixlen > 30
  const first = v4Small ? cidr.network : cidr.network + 1n
  const end = v4Small ? last : cidr.version === 4 ? last - 1n : last
  return subtract([{ first, last: end }], gateway)
}

function subtract(ranges: Range[], ip: bigint | null): Range[] {
  if (ip === null) return ranges
  return ranges.flatMap((r) => {
    if (ip < r.first || ip > r.last) return [r]
    const out: Range[] = []
    if (ip > r.first) out.push({ first: r.first, last: ip - 1n })
    if (ip < r.last) out.push({ first: ip + 1n, last: r.last })
    return out
  })
}

/**
 * Parses and validates requested pools as Neutron's _validate_allocation_pools
 * does: well-formed, same version, inside the CIDR (400), no overlap (409).
 */
export function parsePools(cidr: Cidr, pools: unknown): Range[] {
  if (!Array.isArray(pools))
    throw new BadRequestError(
      `Invalid input for allocation_pools. Reason: Invalid data format for IP pool: '${String(pools)}'.`,
    )
  const out: Range[] = []
  for (const p of pools as unknown[]) {
    const o = p as Partial<Record<string, unknown>> | null
    const keys = o && typeof o === 'object' ? Object.keys(o) : []
    if (
      !o ||
      keys.some((k) => k !== 'start' && k !== 'end') ||
      typeof o['start'] !== 'string' ||
      typeof o['end'] !== 'string'
    ) {
      throw new BadRequestError(
        `Invalid input for allocation_pools. Reason: Invalid data format for IP pool: '${JSON.stringify(p)}'.`,
      )
    }
    const s = parseIp(o['start'])
    const e = parseIp(o['end'])
    if (!s || !e) {
      const bad = s ? o['end'] : o['start']
      throw new BadRequestError(
        `Invalid input for allocation_pools. Reason: '${bad}' is not a valid IP address.`,
      )
    }
    const text = `${o['start']}-${o['end']}`
    if (s.version !== cidr.version || e.version !== cidr.version || e.value < s.value) {
      throw new BadRequestError(`The allocation pool ${text} is not valid.`, {
        type: 'InvalidAllocationPool',
      })
    }
    const r = { first: s.value, last: e.value }
    if (!cidrContains(cidr, cidr.version, r.first) || !cidrContains(cidr, cidr.version, r.last)) {
      throw new BadRequestError(
        `The allocation pool ${text} spans beyond the subnet cidr ${formatCidr(cidr)}.`,
        {
          type: 'OutOfBoundsAllocationPool',
        },
      )
    }
    out.push(r)
  }
  const sorted = [...out].sort((a, b) => (a.first < b.first ? -1 : 1))
  for (let i = 1; i < sorted.length; i++) {
    const a = sorted[i - 1]!
    const b = sorted[i]!
    if (b.first <= a.last) {
      throw new ConflictError(
        `Found overlapping allocation pools: ${rangeText(cidr.version, a)} ${rangeText(cidr.version, b)} for subnet ${formatCidr(cidr)}.`,
        { type: 'OverlappingAllocationPools' },
      )
    }
  }
  return out
}

/** 409 GatewayConflictWithAllocationPools when the gateway sits inside a pool. */
export function checkGatewayNotInPools(
  version: IpVersion,
  gateway: bigint | null,
  pools: readonly Range[],
): void {
  if (gateway === null) return
  const hit = pools.find((r) => gateway >= r.first && gateway <= r.last)
  if (hit) {
    throw new ConflictError(
      `Gateway ip ${formatIp(version, gateway)} conflicts with allocation pool ${rangeText(version, hit)}.`,
      { type: 'GatewayConflictWithAllocationPools' },
    )
  }
}

/** Pools stored as JSON text → ranges. */
export function storedPools(json: string): Range[] {
  const pools = JSON.parse(json) as PoolBody[]
  return pools.map((p) => ({ first: parseIp(p.start)!.value, last: parseIp(p.end)!.value }))
}

/** Number of addresses in the pools (network IP availability's total_ips). */
export const poolsSize = (pools: readonly Range[]): bigint =>
  pools.reduce((n, r) => n + (r.last - r.first + 1n), 0n)
