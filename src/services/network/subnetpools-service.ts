import { isAdmin, type AuthContext } from '../../common/auth-context.js'
import { BadRequestError, ConflictError, NotFoundError } from '../../common/errors.js'
import { newUuid } from '../../common/ids.js'
import type { Db } from '../../db/database.js'
import {
  deleteSubnetPoolRow,
  getSubnetPool,
  insertSubnetPool,
  updateSubnetPoolRow,
  type SubnetPoolRow,
} from '../../db/repositories/network/subnetpools.js'
import { subnetsOfPool } from '../../db/repositories/network/subnets.js'
import {
  bits,
  cidrLast,
  cidrsOverlap,
  formatCidr,
  parseCidr,
  type Cidr,
  type IpVersion,
} from './ipam/ip.js'
import { nowIso } from './ipam/ml2-hooks.js'
import type { NetworkContext } from './network-context.js'
import { callerProject, forbid } from './policy.js'
import { enforceQuota } from './quota.js'
import { badAttr, checkBool, checkString, repr } from './subnet-validate.js'
import { deleteResourceTags } from './tags-service.js'

export const subnetPoolNotFound = (id: string): NotFoundError =>
  new NotFoundError(`Subnet pool ${id} could not be found.`, { type: 'SubnetPoolNotFound' })

/** Own pools, shared pools, or any pool for admin. */
export async function getVisibleSubnetPool(
  db: Db,
  auth: AuthContext,
  id: string,
): Promise<SubnetPoolRow> {
  const p = await getSubnetPool(db, id)
  if (!p || !(isAdmin(auth) || p.shared || p.project_id === auth.project?.id))
    throw subnetPoolNotFound(id)
  return p
}

const prefixesOf = (p: SubnetPoolRow): Cidr[] =>
  (JSON.parse(p.prefixes) as string[]).map((c) => parseCidr(c)!)

function parsePrefixes(v: unknown): Cidr[] {
  if (!Array.isArray(v) || v.length === 0)
    throw badAttr('prefixes', `'${JSON.stringify(v)}' is not a valid list of IP subnets`)
  const out = (v as unknown[]).map((x) => {
    const c = typeof x === 'string' ? parseCidr(x) : undefined
    if (!c) throw badAttr('prefixes', `'${repr(x)}' is not a valid IP subnet`)
    return c
  })
  if (new Set(out.map((c) => c.version)).size > 1) {
    throw new BadRequestError(
      'Illegal subnetpool prefix: Cannot mix IPv4 and IPv6 prefixes in a subnet pool.',
    )
  }
  return out
}

function prefixlen(attr: string, v: unknown, version: IpVersion, dflt: number): number {
  if (v === undefined || v === null) return dflt
  const n = typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > bits(version)) {
    throw badAttr(attr, `'${repr(v)}' is not a valid prefix length`)
  }
  return n
}

const ATTRS = [
  'name',
  'description',
  'prefixes',
  'default_prefixlen',
  'min_prefixlen',
  'max_prefixlen',
  'shared',
  'is_default',
  'default_quota',
  'address_scope_id',
  'tenant_id',
  'project_id',
]

/** Neutron's create_subnetpool. */
export async function createSubnetPool(
  ctx: NetworkContext,
  auth: AuthContext,
  b: Record<string, unknown>,
): Promise<SubnetPoolRow> {
  const unknown = Object.keys(b).filter((k) => !ATTRS.includes(k))
  if (unknown.length) throw new BadRequestError(`Unrecognized attribute(s) '${unknown.join(', ')}'`)
  const projectId = (b['project_id'] ?? b['tenant_id'] ?? callerProject(auth)) as string
  if (
    !isAdmin(auth) &&
    (projectId !== auth.project?.id || b['shared'] === true || b['is_default'] === true)
  )
    forbid('create_subnetpool')
  for (const k of ['name', 'description'] as const) if (b[k] !== undefined) checkString(k, b[k])
  const prefixes = parsePrefixes(b['prefixes'])
  const version = prefixes[0]!.version
  const min = prefixlen('min_prefixlen', b['min_prefixlen'], version, version === 4 ? 8 : 64)
  const max = prefixlen('max_prefixlen', b['max_prefixlen'], version, bits(version))
  const dflt = prefixlen('default_prefixlen', b['default_prefixlen'], version, min)
  if (min > max || dflt < min || dflt > max) {
    throw new BadRequestError(
      `Illegal prefix bounds: min_prefixlen=${min}, default_prefixlen=${dflt}, max_prefixlen=${max}.`,
      { type: 'IllegalSubnetPoolPrefixBounds' },
    )
  }
  if (b['shared'] !== undefined) checkBool('shared', b['shared'])
  if (b['is_default'] !== undefined) checkBool('is_default', b['is_default'])
  const now = nowIso()
  const row: SubnetPoolRow = {
    id: newUuid(),
    project_id: projectId,
    name: (b['name'] as string | undefined) ?? '',
    description: (b['description'] as string | undefined) ?? '',
    ip_version: version,
    prefixes: JSON.stringify(prefixes.map(formatCidr)),
    default_prefixlen: dflt,
    min_prefixlen: min,
    max_prefixlen: max,
    shared: b['shared'] === true ? 1 : 0,
    is_default: b['is_default'] === true ? 1 : 0,
    default_quota: typeof b['default_quota'] === 'number' ? b['default_quota'] : null,
    address_scope_id: (b['address_scope_id'] as string | undefined) ?? null,
    created_at: now,
    updated_at: now,
    revision_number: 0,
  }
  await ctx.db.transaction().execute(async (trx) => {
    await enforceQuota(ctx, trx, projectId, 'subnetpool')
    await insertSubnetPool(trx, row)
  })
  return row
}

/** Neutron's update_subnetpool: name, description, prefixes (only growing), prefix lengths, is_default. */
export async function updateSubnetPool(
  ctx: NetworkContext,
  auth: AuthContext,
  id: string,
  b: Record<string, unknown>,
): Promise<SubnetPoolRow> {
  const cur = await getVisibleSubnetPool(ctx.db, auth, id)
  if (!isAdmin(auth) && cur.project_id !== auth.project?.id) forbid('update_subnetpool')
  const unknown = Object.keys(b).filter((k) => !ATTRS.includes(k))
  if (unknown.length) throw new BadRequestError(`Unrecognized attribute(s) '${unknown.join(', ')}'`)
  for (const k of ['shared', 'tenant_id', 'project_id'])
    if (k in b) throw new BadRequestError(`Cannot update read-only attribute ${k}`)
  for (const k of ['name', 'description'] as const) if (b[k] !== undefined) checkString(k, b[k])
  const version = cur.ip_version as IpVersion
  const next: SubnetPoolRow = {
    ...cur,
    updated_at: nowIso(),
    revision_number: cur.revision_number + 1,
  }
  if (b['name'] !== undefined) next.name = b['name'] as string
  if (b['description'] !== undefined) next.description = b['description'] as string
  if (b['prefixes'] !== undefined) {
    const p = parsePrefixes(b['prefixes'])
    if (p.some((c) => c.version !== version))
      throw new BadRequestError(
        'Illegal subnetpool prefix: Cannot mix IPv4 and IPv6 prefixes in a subnet pool.',
      )
    const old = prefixesOf(cur)
    if (!old.every((o) => p.some((n) => n.network <= o.network && cidrLast(o) <= cidrLast(n)))) {
      throw new BadRequestError(
        'Illegal update to prefixes: Existing prefixes must be a subset of the new prefixes',
      )
    }
    next.prefixes = JSON.stringify(p.map(formatCidr))
  }
  next.min_prefixlen = prefixlen('min_prefixlen', b['min_prefixlen'], version, cur.min_prefixlen)
  next.max_prefixlen = prefixlen('max_prefixlen', b['max_prefixlen'], version, cur.max_prefixlen)
  next.default_prefixlen = prefixlen(
    'default_prefixlen',
    b['default_prefixlen'],
    version,
    cur.default_prefixlen,
  )
  if (b['is_default'] !== undefined) {
    checkBool('is_default', b['is_default'])
    next.is_default = b['is_default'] ? 1 : 0
  }
  await updateSubnetPoolRow(ctx.db, id, next)
  return next
}

export async function deleteSubnetPool(
  ctx: NetworkContext,
  auth: AuthContext,
  id: string,
): Promise<void> {
  const cur = await getVisibleSubnetPool(ctx.db, auth, id)
  if (!isAdmin(auth) && cur.project_id !== auth.project?.id) forbid('delete_subnetpool')
  await ctx.db.transaction().execute(async (trx) => {
    if ((await subnetsOfPool(trx, id)).length) {
      throw new ConflictError(
        `Unable to complete operation on subnet pool ${id}. Subnet pool ${id} is in use.`,
        { type: 'SubnetPoolInUse' },
      )
    }
    await deleteResourceTags(trx, 'subnetpool', id)
    await deleteSubnetPoolRow(trx, id)
  })
}

/**
 * Subnet allocation from a pool (Neutron's SubnetAllocator): a requested
 * CIDR must lie inside the pool's prefixes and be free; otherwise the first
 * free prefix of `prefixlen` (default_prefixlen) is taken. Call inside the
 * subnet's create transaction.
 */
export async function allocatePrefix(
  trx: Db,
  auth: AuthContext,
  poolId: string,
  version: IpVersion,
  cidrIn: unknown,
  lenIn: unknown,
): Promise<Cidr> {
  const pool = await getVisibleSubnetPool(trx, auth, poolId)
  if (pool.ip_version !== version) {
    throw new BadRequestError(
      `Invalid input for operation: Cannot allocate IPv${version} subnet from IPv${pool.ip_version} subnet pool.`,
      { type: 'InvalidInput' },
    )
  }
  const taken = (await subnetsOfPool(trx, poolId)).map((s) => parseCidr(s.cidr)!)
  const prefixes = prefixesOf(pool)
  const free = (c: Cidr): boolean => !taken.some((t) => cidrsOverlap(t, c))
  if (typeof cidrIn === 'string') {
    const c = parseCidr(cidrIn)
    if (!c) throw badAttr('cidr', `'${cidrIn}' is not a valid IP subnet`)
    if (!prefixes.some((p) => p.network <= c.network && cidrLast(c) <= cidrLast(p)) || !free(c)) {
      throw new ConflictError(
        `Unable to allocate subnet with prefix length ${c.prefixlen}, minimum allowed prefix is ${pool.min_prefixlen}.`,
        { type: 'SubnetAllocationError' },
      )
    }
    return c
  }
  const len = prefixlen('prefixlen', lenIn, version, pool.default_prefixlen)
  if (len < pool.min_prefixlen || len > pool.max_prefixlen) {
    const msg =
      len < pool.min_prefixlen
        ? `minimum allowed prefix is ${pool.min_prefixlen}`
        : `maximum allowed prefix is ${pool.max_prefixlen}`
    throw new BadRequestError(`Unable to allocate subnet with prefix length ${len}, ${msg}.`, {
      type: 'UnsupportedMinSubnetPoolPrefix',
    })
  }
  const step = 1n << BigInt(bits(version) - len)
  for (const p of prefixes) {
    if (p.prefixlen > len) continue
    for (let n = p.network; n <= cidrLast(p); n += step) {
      const c: Cidr = { version, network: n, prefixlen: len, hadHostBits: false }
      const clash = taken.find((t) => cidrsOverlap(t, c))
      if (!clash) return c
      // Skip past the clashing subnet rather than walking every prefix inside it.
      const after = cidrLast(clash) + 1n
      if (after > n + step) n = after - step + ((step - (after % step)) % step)
    }
  }
  throw new ConflictError(`Insufficient prefix space to allocate subnet size /${len}.`, {
    type: 'SubnetAllocationError',
  })
}
