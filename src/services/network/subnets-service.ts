import { isAdmin, type AuthContext } from '../../common/auth-context.js'
import { BadRequestError, ConflictError, NotFoundError } from '../../common/errors.js'
import { newUuid } from '../../common/ids.js'
import type { Db } from '../../db/database.js'
import { allocationsOfSubnet, claimIp } from '../../db/repositories/network/ip-allocations.js'
import {
  deleteSubnetRow,
  getSubnet,
  insertSubnet,
  subnetsOfNetwork,
  updateSubnetRow,
  type SubnetRow,
} from '../../db/repositories/network/subnets.js'
import {
  cidrContains,
  cidrLast,
  cidrsOverlap,
  formatCidr,
  formatIp,
  parseCidr,
  parseIp,
  type Cidr,
  type IpVersion,
} from './ipam/ip.js'
import { eui64Address, isAutoAddressMode } from './ipam/eui64.js'
import { chainOf, nowIso } from './ipam/ml2-hooks.js'
import {
  checkGatewayNotInPools,
  defaultPools,
  parsePools,
  poolBody,
  storedPools,
  type Range,
} from './ipam/pools.js'
import type { NetworkContext } from './network-context.js'
import { callerProject, forbid } from './policy.js'
import { enforceQuota } from './quota.js'
import { allocatePrefix } from './subnetpools-service.js'
import {
  badAttr,
  checkBool,
  checkIpv6Modes,
  checkString,
  checkVersion,
  invalidInput,
  parseDns,
  parseHostRoutes,
  parseSubnetCidr,
  repr,
} from './subnet-validate.js'
import { deleteResourceTags } from './tags-service.js'
import { getVisibleNetwork, isNetworkOwnerOrAdmin } from './visibility.js'

export const subnetNotFound = (id: string): NotFoundError =>
  new NotFoundError(`Subnet ${id} could not be found.`, { type: 'SubnetNotFound' })

/**
 * Networks whose subnets a non-admin sees: its own and those shared with it
 * (access_as_shared). An external network's subnets stay hidden unless it is
 * also shared, as Neutron's subnet policy has it.
 */
export async function subnetNetworkIds(db: Db, auth: AuthContext): Promise<string[]> {
  const project = auth.project?.id ?? ''
  const own = await db
    .selectFrom('networks')
    .select('id')
    .where('project_id', '=', project)
    .execute()
  const shared = await db
    .selectFrom('rbac_policies')
    .select('object_id')
    .where('object_type', '=', 'network')
    .where('action', '=', 'access_as_shared')
    .where('target_project', 'in', [project, '*'])
    .execute()
  return [...new Set([...own.map((n) => n.id), ...shared.map((r) => r.object_id)])]
}

/** The subnet if the caller may see it: admin, its project's, or on a network owned by or shared with the caller. */
export async function getVisibleSubnet(db: Db, auth: AuthContext, id: string): Promise<SubnetRow> {
  const s = await getSubnet(db, id)
  if (!s) throw subnetNotFound(id)
  if (isAdmin(auth) || s.project_id === auth.project?.id) return s
  if (!(await subnetNetworkIds(db, auth)).includes(s.network_id)) throw subnetNotFound(id)
  return s
}

/** _validate_gateway: version, and never the network or IPv4 broadcast address. */
function parseGateway(cidr: Cidr, gw: unknown): bigint | null {
  if (gw === null) return null
  if (typeof gw !== 'string' || !parseIp(gw))
    throw badAttr('gateway_ip', `'${repr(gw)}' is not a valid IP address`)
  const ip = parseIp(gw)!
  checkVersion(ip.version, 'gateway_ip', gw, cidr.version)
  if (
    cidrContains(cidr, ip.version, ip.value) &&
    cidr.version === 4 &&
    (ip.value === cidr.network || ip.value === cidrLast(cidr))
  ) {
    throw invalidInput('Gateway is not valid on subnet')
  }
  return ip.value
}

function checkDhcpPrefix(cidr: Cidr): void {
  if ((cidr.version === 4 && cidr.prefixlen > 30) || (cidr.version === 6 && cidr.prefixlen > 126)) {
    throw invalidInput('Subnet has a prefix length that is incompatible with DHCP service enabled')
  }
}

const CREATE_ATTRS = [
  'name',
  'network_id',
  'ip_version',
  'cidr',
  'gateway_ip',
  'allocation_pools',
  'dns_nameservers',
  'host_routes',
  'enable_dhcp',
  'ipv6_ra_mode',
  'ipv6_address_mode',
  'subnetpool_id',
  'prefixlen',
  'use_default_subnetpool',
  'tenant_id',
  'project_id',
  'description',
  'service_types',
] as const

/** Creates one subnet (Neutron's create_subnet), inside `trx` when bulk-creating. */
export async function createSubnet(
  ctx: NetworkContext,
  auth: AuthContext,
  b: Record<string, unknown>,
): Promise<SubnetRow> {
  const unknown = Object.keys(b).filter(
    (k) => !(CREATE_ATTRS as readonly string[]).includes(k) && k !== 'segment_id',
  )
  if (unknown.length) throw new BadRequestError(`Unrecognized attribute(s) '${unknown.join(', ')}'`)
  if (typeof b['network_id'] !== 'string')
    throw new BadRequestError(
      "Failed to parse request. Required attribute 'network_id' not specified",
    )
  if (b['ip_version'] === undefined)
    throw new BadRequestError(
      "Failed to parse request. Required attribute 'ip_version' not specified",
    )
  if (b['ip_version'] !== 4 && b['ip_version'] !== 6)
    throw badAttr('ip_version', `'${repr(b['ip_version'])}' is not in [4, 6]`)
  const version: IpVersion = b['ip_version']
  const projectId = (b['project_id'] ?? b['tenant_id'] ?? callerProject(auth)) as string
  if (!isAdmin(auth) && projectId !== auth.project?.id) forbid('create_subnet')
  for (const k of ['name', 'description'] as const) if (b[k] !== undefined) checkString(k, b[k])
  const enableDhcp = b['enable_dhcp'] ?? true
  checkBool('enable_dhcp', enableDhcp)

  const network = await getVisibleNetwork(ctx.db, auth, b['network_id'])
  if (!isNetworkOwnerOrAdmin(auth, network)) forbid('create_subnet')

  return ctx.db
    .transaction()
    .execute(async (trx) => {
      let cidr: Cidr
      const poolId = (b['subnetpool_id'] ?? null) as string | null
      if (poolId !== null) {
        cidr = await allocatePrefix(trx, auth, poolId, version, b['cidr'], b['prefixlen'])
      } else {
        if (b['cidr'] === undefined || b['cidr'] === null) {
          throw new BadRequestError(
            'Bad subnets request: A cidr must be specified in the absence of a subnet pool.',
          )
        }
        if (b['prefixlen'] !== undefined)
          throw new BadRequestError('Bad subnets request: prefixlen requires a subnet pool.')
        cidr = parseSubnetCidr(b['cidr'])
      }
      checkVersion(cidr.version, 'cidr', formatCidr(cidr), version)
      if (enableDhcp) checkDhcpPrefix(cidr)
      const ra = (b['ipv6_ra_mode'] ?? null) as string | null
      const am = (b['ipv6_address_mode'] ?? null) as string | null
      checkIpv6Modes(version, cidr, ra, am, enableDhcp)
      const gateway =
        'gateway_ip' in b
          ? parseGateway(cidr, b['gateway_ip'])
          : cidr.network === cidrLast(cidr)
            ? null
            : cidr.network + 1n
      const inCidrGw = gateway !== null && cidrContains(cidr, version, gateway) ? gateway : null
      let pools: Range[]
      if (b['allocation_pools'] !== undefined && b['allocation_pools'] !== null) {
        pools = parsePools(cidr, b['allocation_pools'])
        checkGatewayNotInPools(version, gateway, pools)
      } else pools = defaultPools(cidr, inCidrGw)
      const dns = b['dns_nameservers'] !== undefined ? parseDns(b['dns_nameservers'], version) : []
      const routes =
        b['host_routes'] !== undefined ? parseHostRoutes(b['host_routes'], version) : []

      for (const other of await subnetsOfNetwork(trx, network.id)) {
        const oc = parseCidr(other.cidr)!
        if (cidrsOverlap(oc, cidr)) {
          throw invalidInput(
            `Requested subnet with cidr: ${formatCidr(cidr)} for network: ${network.id} overlaps with another subnet`,
          )
        }
      }
      await enforceQuota(ctx, trx, projectId, 'subnet')
      const now = nowIso()
      const row: SubnetRow = {
        id: newUuid(),
        project_id: projectId,
        network_id: network.id,
        name: (b['name'] as string | undefined) ?? '',
        description: (b['description'] as string | undefined) ?? '',
        ip_version: version,
        cidr: formatCidr(cidr),
        gateway_ip: gateway === null ? null : formatIp(version, gateway),
        enable_dhcp: enableDhcp ? 1 : 0,
        ipv6_ra_mode: ra,
        ipv6_address_mode: am,
        subnetpool_id: poolId,
        dns_nameservers: JSON.stringify(dns),
        host_routes: JSON.stringify(routes),
        allocation_pools: JSON.stringify(pools.map((p) => poolBody(version, p))),
        service_types: JSON.stringify(b['service_types'] ?? []),
        segment_id: null,
        created_at: now,
        updated_at: now,
        revision_number: 0,
      }
      await insertSubnet(trx, row)
      if (version === 6 && isAutoAddressMode(am)) await addAutoAddresses(trx, row)
      await chainOf(ctx).createSubnetPrecommit({
        db: trx,
        current: { ...row },
        network: { ...network },
      })
      return row
    })
    .then(async (row) => {
      const chain = chainOf(ctx)
      if (chain) {
        try {
          await chain.createSubnetPostcommit({
            db: ctx.db,
            current: { ...row },
            network: { ...network },
          })
        } catch (err) {
          await ctx.db.transaction().execute((trx) => deleteSubnetRow(trx, row.id))
          throw err
        }
      }
      return row
    })
}

const UPDATE_ATTRS = [
  'name',
  'description',
  'gateway_ip',
  'allocation_pools',
  'dns_nameservers',
  'host_routes',
  'enable_dhcp',
  'service_types',
]

/** Neutron's update_subnet: name, gateway, pools, DNS, routes, DHCP. */
export async function updateSubnet(
  ctx: NetworkContext,
  auth: AuthContext,
  id: string,
  b: Record<string, unknown>,
): Promise<SubnetRow> {
  const cur = await getVisibleSubnet(ctx.db, auth, id)
  if (!isAdmin(auth) && cur.project_id !== auth.project?.id) forbid('update_subnet')
  for (const k of Object.keys(b)) {
    if (!UPDATE_ATTRS.includes(k)) {
      if ((CREATE_ATTRS as readonly string[]).includes(k) || k === 'id')
        throw new BadRequestError(`Cannot update read-only attribute ${k}`)
      throw new BadRequestError(`Unrecognized attribute(s) '${k}'`)
    }
  }
  for (const k of ['name', 'description'] as const) if (b[k] !== undefined) checkString(k, b[k])
  const cidr = parseCidr(cur.cidr)!
  const version = cur.ip_version as IpVersion
  const changes: Partial<SubnetRow> = {}
  if (b['name'] !== undefined) changes.name = b['name'] as string
  if (b['description'] !== undefined) changes.description = b['description'] as string
  if (b['enable_dhcp'] !== undefined) {
    checkBool('enable_dhcp', b['enable_dhcp'])
    if (b['enable_dhcp'] && !cur.enable_dhcp) checkDhcpPrefix(cidr)
    if (!b['enable_dhcp'] && (cur.ipv6_ra_mode || cur.ipv6_address_mode))
      throw invalidInput('Cannot disable enable_dhcp with ipv6 attributes set')
    changes.enable_dhcp = b['enable_dhcp'] ? 1 : 0
  }
  let gateway = cur.gateway_ip === null ? null : parseIp(cur.gateway_ip)!.value
  if ('gateway_ip' in b) {
    gateway = parseGateway(cidr, b['gateway_ip'])
    if (
      cur.gateway_ip !== null &&
      (gateway === null || formatIp(version, gateway) !== cur.gateway_ip)
    )
      await checkGatewayFree(ctx.db, cur)
    changes.gateway_ip = gateway === null ? null : formatIp(version, gateway)
  }
  let pools = storedPools(cur.allocation_pools)
  if (b['allocation_pools'] !== undefined) {
    pools =
      b['allocation_pools'] === null
        ? defaultPools(cidr, gateway)
        : parsePools(cidr, b['allocation_pools'])
    changes.allocation_pools = JSON.stringify(pools.map((p) => poolBody(version, p)))
  }
  if ('gateway_ip' in b || b['allocation_pools'] !== undefined)
    checkGatewayNotInPools(version, gateway, pools)
  if (b['dns_nameservers'] !== undefined)
    changes.dns_nameservers = JSON.stringify(parseDns(b['dns_nameservers'] ?? [], version))
  if (b['host_routes'] !== undefined)
    changes.host_routes = JSON.stringify(parseHostRoutes(b['host_routes'] ?? [], version))
  if (b['service_types'] !== undefined) changes.service_types = JSON.stringify(b['service_types'])
  const next: SubnetRow = {
    ...cur,
    ...changes,
    updated_at: nowIso(),
    revision_number: cur.revision_number + 1,
  }
  await ctx.db.transaction().execute(async (trx) => {
    await updateSubnetRow(trx, id, {
      ...changes,
      updated_at: next.updated_at,
      revision_number: next.revision_number,
    })
    await chainOf(ctx).updateSubnetPrecommit({
      db: trx,
      current: { ...next },
      original: { ...cur },
    })
  })
  await chainOf(ctx).updateSubnetPostcommit({
    db: ctx.db,
    current: { ...next },
    original: { ...cur },
  })
  return next
}

/**
 * Neutron's _add_auto_addrs_on_network_ports: a new SLAAC / DHCPv6-stateless
 * subnet gives every existing port of the network (router ports aside) its
 * EUI-64 address.
 */
async function addAutoAddresses(trx: Db, s: SubnetRow): Promise<void> {
  const cidr = parseCidr(s.cidr)!
  const ports = await trx
    .selectFrom('ports')
    .select(['id', 'mac_address', 'device_owner'])
    .where('network_id', '=', s.network_id)
    .execute()
  for (const p of ports) {
    if (p.device_owner.startsWith('network:router_')) continue
    await claimIp(trx, {
      port_id: p.id,
      subnet_id: s.id,
      network_id: s.network_id,
      ip_address: formatIp(6, eui64Address(cidr, p.mac_address)),
    })
  }
}

/** Neutron's GatewayIpInUse: a router interface holds the current gateway address. */
async function checkGatewayFree(db: Db, s: SubnetRow): Promise<void> {
  const holder = await db
    .selectFrom('ip_allocations')
    .innerJoin('ports', 'ports.id', 'ip_allocations.port_id')
    .select('ports.id')
    .where('ip_allocations.subnet_id', '=', s.id)
    .where('ip_allocations.ip_address', '=', s.gateway_ip ?? '')
    .where('ports.device_owner', 'like', 'network:router%')
    .executeTakeFirst()
  if (holder) {
    throw new ConflictError(
      `Current gateway ip ${s.gateway_ip} already in use by port ${holder.id}. Unable to update.`,
      {
        type: 'GatewayIpInUse',
      },
    )
  }
}

/** Device owners whose IPs Neutron removes with the subnet instead of refusing (router, DHCP). */
const AUTO_DELETE_OWNERS = ['network:dhcp', 'network:router_ha_interface', 'network:distributed']

/** Neutron's delete_subnet: 409 SubnetInUse while ordinary ports hold IPs on it. */
export async function deleteSubnet(
  ctx: NetworkContext,
  auth: AuthContext,
  id: string,
): Promise<void> {
  const cur = await getVisibleSubnet(ctx.db, auth, id)
  if (!isAdmin(auth) && cur.project_id !== auth.project?.id) forbid('delete_subnet')
  await ctx.db.transaction().execute(async (trx) => {
    const allocs = await allocationsOfSubnet(trx, id)
    if (allocs.length) {
      const owners = await trx
        .selectFrom('ports')
        .select(['id', 'device_owner'])
        .where(
          'id',
          'in',
          allocs.map((a) => a.port_id),
        )
        .execute()
      // SLAAC / DHCPv6-stateless addresses are derived, not allocated: Neutron drops them with the subnet.
      const auto = cur.ip_version === 6 && isAutoAddressMode(cur.ipv6_address_mode)
      if (!auto && owners.some((p) => !AUTO_DELETE_OWNERS.includes(p.device_owner))) {
        throw new ConflictError(
          `Unable to complete operation on subnet ${id}: One or more ports have an IP allocation from this subnet.`,
          { type: 'SubnetInUse' },
        )
      }
      await trx.deleteFrom('ip_allocations').where('subnet_id', '=', id).execute()
    }
    await chainOf(ctx).deleteSubnetPrecommit({ db: trx, current: { ...cur } })
    await deleteResourceTags(trx, 'subnet', id)
    await deleteSubnetRow(trx, id)
  })
  await chainOf(ctx).deleteSubnetPostcommit({ db: ctx.db, current: { ...cur } })
}
