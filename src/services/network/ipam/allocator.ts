import { randomInt } from 'node:crypto'
import { ConflictError } from '../../../common/errors.js'
import type { Db } from '../../../db/database.js'
import { claimIp, usedIps } from '../../../db/repositories/network/ip-allocations.js'
import type { SubnetRow } from '../../../db/repositories/network/subnets.js'
import { formatIp, parseIp, type IpVersion } from './ip.js'
import { poolsSize, storedPools, type Range } from './pools.js'

/** Neutron's IpAddressGenerationFailure (409). */
export function ipGenerationFailure(networkId: string): ConflictError {
  return new ConflictError(`No more IP addresses available on network ${networkId}.`, {
    type: 'IpAddressGenerationFailure',
  })
}

/** Neutron's IpAddressAlreadyAllocated (409). */
export function ipAlreadyAllocated(ip: string, subnetId: string): ConflictError {
  return new ConflictError(`IP address ${ip} already allocated in subnet ${subnetId}`, {
    type: 'IpAddressAlreadyAllocated',
  })
}

/** Pools bigger than this are probed at random first instead of reading every allocation. */
const PROBE_THRESHOLD = 1024n
const MAX_TRIES = 50

function randomIn(r: Range): bigint {
  const span = r.last - r.first + 1n
  // randomInt takes safe integers; huge IPv6 pools combine two draws.
  if (span <= BigInt(Number.MAX_SAFE_INTEGER)) return r.first + BigInt(randomInt(0, Number(span)))
  const hi = BigInt(randomInt(0, 2 ** 47)) << 48n
  const lo = BigInt(randomInt(0, 2 ** 47))
  return r.first + ((hi | lo) % span)
}

/**
 * The first free address of the pools at or after a random point, wrapping
 * round; undefined when every pool address is taken. O(allocations), not
 * O(pool size): the walk only skips addresses present in `used`.
 */
function firstFree(pools: readonly Range[], used: ReadonlySet<bigint>): bigint | undefined {
  if (pools.length === 0) return undefined
  const start = randomInt(0, pools.length)
  for (let k = 0; k < pools.length; k++) {
    const r = pools[(start + k) % pools.length]!
    const from = randomIn(r)
    for (let ip = from; ip <= r.last; ip++) if (!used.has(ip)) return ip
    for (let ip = r.first; ip < from; ip++) if (!used.has(ip)) return ip
  }
  return undefined
}

/**
 * Gives the port one free address of the subnet's pools (Neutron's
 * AnyAddressRequest). Race-safe on both databases: pick a candidate, claim
 * it with the (subnet_id, ip_address) primary key, and on a lost race pick
 * again from a fresh read. Throws 409 IpAddressGenerationFailure when full.
 */
export async function allocateAny(db: Db, subnet: SubnetRow, portId: string): Promise<string> {
  const version = subnet.ip_version as IpVersion
  const pools = storedPools(subnet.allocation_pools)
  const big = poolsSize(pools) > PROBE_THRESHOLD
  for (let attempt = 0; attempt < MAX_TRIES; attempt++) {
    let candidate: bigint | undefined
    if (big && attempt < 5) {
      candidate = randomIn(pools[randomInt(0, pools.length)]!)
    } else {
      const used = new Set((await usedIps(db, subnet.id)).map((t) => parseIp(t)!.value))
      candidate = firstFree(pools, used)
      if (candidate === undefined) throw ipGenerationFailure(subnet.network_id)
    }
    const ip = formatIp(version, candidate)
    if (
      await claimIp(db, {
        port_id: portId,
        subnet_id: subnet.id,
        network_id: subnet.network_id,
        ip_address: ip,
      })
    )
      return ip
  }
  throw ipGenerationFailure(subnet.network_id)
}

/** Claims a specific address (fixed_ips with ip_address); 409 IpAddressAlreadyAllocated when taken. */
export async function allocateSpecific(
  db: Db,
  subnet: SubnetRow,
  portId: string,
  ip: string,
): Promise<void> {
  if (
    !(await claimIp(db, {
      port_id: portId,
      subnet_id: subnet.id,
      network_id: subnet.network_id,
      ip_address: ip,
    }))
  ) {
    throw ipAlreadyAllocated(ip, subnet.id)
  }
}
