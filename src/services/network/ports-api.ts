import { isAdmin, type AuthContext } from '../../common/auth-context.js'
import { BadRequestError, ConflictError } from '../../common/errors.js'
import type { Db } from '../../db/database.js'
import { allocationsOfPorts } from '../../db/repositories/network/ip-allocations.js'
import {
  listPorts,
  portGroups,
  setPortGroups,
  updatePortRow,
  type PortRow,
} from '../../db/repositories/network/ports.js'
import { subnetsOfNetwork } from '../../db/repositories/network/subnets.js'
import { chainOf, nowIso, segmentsOf } from './ipam/ml2-hooks.js'
import type { NetworkContext } from './network-context.js'
import {
  parseAddressPairs,
  parseDhcpOpts,
  parseFixedIps,
  pairsNeedPortSecurity,
  sgNeedsPortSecurity,
} from './port-attrs.js'
import { beforePortDelete } from './l3-port-hooks.js'
import { changeFixedIps } from './port-fixed-ips.js'
import { callerProject, forbid } from './policy.js'
import {
  bindPort,
  checkGroups,
  createPortInTransaction,
  deletePortById,
  getVisiblePort,
  hookView,
  parseRequestedMac,
  type PortRecord,
  type PortSpec,
} from './ports-service.js'
import { badAttr, checkBool, checkString, repr } from './subnet-validate.js'
import { canAttachToNetwork, getVisibleNetwork, isNetworkOwnerOrAdmin } from './visibility.js'

const VNIC_TYPES = [
  'normal',
  'direct',
  'macvtap',
  'baremetal',
  'direct-physical',
  'virtio-forwarder',
  'smart-nic',
  'vdpa',
  'remote-managed',
]
const ATTRS = [
  'name',
  'description',
  'network_id',
  'admin_state_up',
  'mac_address',
  'fixed_ips',
  'device_id',
  'device_owner',
  'tenant_id',
  'project_id',
  'security_groups',
  'port_security_enabled',
  'allowed_address_pairs',
  'extra_dhcp_opts',
  'binding:host_id',
  'binding:vnic_type',
  'binding:profile',
]
const READ_ONLY = [
  'id',
  'status',
  'binding:vif_type',
  'binding:vif_details',
  'created_at',
  'updated_at',
  'revision_number',
  'tags',
]

function checkAttrs(b: Record<string, unknown>, put: boolean): void {
  const ro = Object.keys(b).filter(
    (k) => READ_ONLY.includes(k) || (put && ['network_id', 'tenant_id', 'project_id'].includes(k)),
  )
  if (ro.length)
    throw new BadRequestError(
      put
        ? `Cannot update read-only attribute ${ro[0]}`
        : `Attribute '${ro[0]}' not allowed in POST`,
    )
  const unknown = Object.keys(b).filter((k) => !ATTRS.includes(k))
  if (unknown.length) throw new BadRequestError(`Unrecognized attribute(s) '${unknown.join(', ')}'`)
  for (const k of ['name', 'description', 'device_owner', 'binding:host_id'] as const)
    if (b[k] !== undefined) checkString(k, b[k])
  if (b['device_id'] !== undefined) checkString('device_id', b['device_id'])
  for (const k of ['admin_state_up', 'port_security_enabled'] as const)
    if (b[k] !== undefined) checkBool(k, b[k])
  if (
    b['binding:vnic_type'] !== undefined &&
    !VNIC_TYPES.includes(b['binding:vnic_type'] as string)
  ) {
    throw badAttr(
      'binding:vnic_type',
      `'${repr(b['binding:vnic_type'])}' is not in ${JSON.stringify(VNIC_TYPES).replace(/"/g, "'").replace(/,/g, ', ')}`,
    )
  }
  const prof = b['binding:profile']
  if (prof !== undefined && prof !== null && (typeof prof !== 'object' || Array.isArray(prof))) {
    throw badAttr('binding:profile', `'${repr(prof)}' is not a dictionary`)
  }
  if (
    b['security_groups'] !== undefined &&
    b['security_groups'] !== null &&
    !Array.isArray(b['security_groups'])
  ) {
    throw badAttr('security_groups', `'${repr(b['security_groups'])}' is not a list`)
  }
}

/** Admin-only attributes in Neutron's policy (create_port:binding:host_id, …). */
function checkAdminAttrs(auth: AuthContext, b: Record<string, unknown>, action: string): void {
  if (isAdmin(auth)) return
  for (const k of ['binding:host_id', 'binding:profile']) if (k in b) forbid(`${action}:${k}`)
  if (action === 'update_port' && 'mac_address' in b) forbid('update_port:mac_address')
}

/** POST /ports: validate, check the network, create in one transaction, postcommit, bind. */
export async function createPortFromApi(
  ctx: NetworkContext,
  auth: AuthContext,
  b: Record<string, unknown>,
): Promise<PortRecord> {
  checkAttrs(b, false)
  checkAdminAttrs(auth, b, 'create_port')
  if (typeof b['network_id'] !== 'string')
    throw new BadRequestError(
      "Failed to parse request. Required attribute 'network_id' not specified",
    )
  const projectId = (b['project_id'] ?? b['tenant_id'] ?? callerProject(auth)) as string
  if (!isAdmin(auth) && projectId !== auth.project?.id) forbid('create_port')
  const network = await getVisibleNetwork(ctx.db, auth, b['network_id'])
  if (!(await canAttachToNetwork(ctx.db, auth, network))) forbid('create_port')
  // Neutron's policy: only the network's owner (or admin) picks addresses and MACs on it.
  if (!isNetworkOwnerOrAdmin(auth, network)) {
    if (b['mac_address'] !== undefined) forbid('create_port:mac_address')
    const f = b['fixed_ips']
    if (Array.isArray(f) && f.some((x) => x && typeof x === 'object' && 'ip_address' in x))
      forbid('create_port:fixed_ips:ip_address')
  }
  const mac =
    b['mac_address'] === undefined
      ? undefined
      : await parseRequestedMac(ctx.db, network.id, b['mac_address'], false)
  const sgs =
    b['security_groups'] === undefined || b['security_groups'] === null
      ? undefined
      : (b['security_groups'] as string[])
  const spec: PortSpec = {
    projectId,
    network,
    ...(b['name'] !== undefined ? { name: b['name'] as string } : {}),
    ...(b['description'] !== undefined ? { description: b['description'] as string } : {}),
    ...(mac !== undefined ? { macAddress: mac } : {}),
    ...(b['admin_state_up'] !== undefined ? { adminStateUp: b['admin_state_up'] as boolean } : {}),
    ...(b['device_id'] !== undefined ? { deviceId: b['device_id'] as string } : {}),
    ...(b['device_owner'] !== undefined ? { deviceOwner: b['device_owner'] as string } : {}),
    ...(b['fixed_ips'] !== undefined ? { fixedIps: parseFixedIps(b['fixed_ips']) } : {}),
    ...(sgs !== undefined ? { securityGroups: sgs } : {}),
    ...(b['port_security_enabled'] !== undefined
      ? { portSecurityEnabled: b['port_security_enabled'] as boolean }
      : {}),
    ...(b['allowed_address_pairs'] !== undefined
      ? {
          allowedAddressPairs: parseAddressPairs(
            b['allowed_address_pairs'] ?? [],
            mac ?? '00:00:00:00:00:00',
          ).map((p, i) => withRequestedMac(b, i, p)),
        }
      : {}),
    ...(b['extra_dhcp_opts'] !== undefined
      ? { extraDhcpOpts: parseDhcpOpts(b['extra_dhcp_opts'] ?? []) }
      : {}),
    ...(b['binding:host_id'] !== undefined ? { hostId: b['binding:host_id'] as string } : {}),
    ...(b['binding:vnic_type'] !== undefined ? { vnicType: b['binding:vnic_type'] as string } : {}),
    ...(b['binding:profile'] ? { profile: b['binding:profile'] as Record<string, unknown> } : {}),
  }
  if (sgs?.length) await checkGroups(ctx.db, projectId, sgs, isAdmin(auth))
  let rec = await ctx.db.transaction().execute((trx) => createPortInTransaction(ctx, trx, spec))
  try {
    await chainOf(ctx).createPortPostcommit({
      db: ctx.db,
      current: hookView(rec),
      network: { ...network },
      segments: await segmentsOf(ctx.db, network.id),
    })
  } catch (err) {
    await deletePortById(ctx, rec).catch(() => undefined)
    throw err
  }
  if (rec.row.binding_host_id) rec = await bindPort(ctx, rec)
  return rec
}

/** Pairs without a MAC take the port's MAC, which is only known once the port exists. */
function withRequestedMac(
  b: Record<string, unknown>,
  i: number,
  p: { ip_address: string; mac_address: string },
): { ip_address: string; mac_address?: string } {
  const given = (b['allowed_address_pairs'] as Array<Record<string, unknown>>)[i]?.['mac_address']
  return given === undefined || given === null ? { ip_address: p.ip_address } : p
}

/** PUT /ports/{id}. */
export async function updatePortFromApi(
  ctx: NetworkContext,
  auth: AuthContext,
  id: string,
  b: Record<string, unknown>,
): Promise<PortRecord> {
  checkAttrs(b, true)
  const cur = await getVisiblePort(ctx.db, auth, id)
  checkAdminAttrs(auth, b, 'update_port')
  const r = cur.row
  const next: PortRow = { ...r }
  if (b['name'] !== undefined) next.name = b['name'] as string
  if (b['description'] !== undefined) next.description = b['description'] as string
  if (b['admin_state_up'] !== undefined) next.admin_state_up = b['admin_state_up'] ? 1 : 0
  if (b['device_id'] !== undefined) next.device_id = b['device_id'] as string
  if (b['device_owner'] !== undefined) next.device_owner = b['device_owner'] as string
  if (b['binding:host_id'] !== undefined) next.binding_host_id = b['binding:host_id'] as string
  if (b['binding:vnic_type'] !== undefined)
    next.binding_vnic_type = b['binding:vnic_type'] as string
  if ('binding:profile' in b) next.binding_profile = JSON.stringify(b['binding:profile'] ?? {})
  if (b['port_security_enabled'] !== undefined)
    next.port_security_enabled = b['port_security_enabled'] ? 1 : 0
  if (b['extra_dhcp_opts'] !== undefined)
    next.extra_dhcp_opts = JSON.stringify(parseDhcpOpts(b['extra_dhcp_opts'] ?? []))
  if (b['mac_address'] !== undefined) {
    const mac = await parseRequestedMac(
      ctx.db,
      r.network_id,
      b['mac_address'],
      typeof b['mac_address'] !== 'string' || b['mac_address'].toLowerCase() !== r.mac_address,
    )
    if (
      mac !== r.mac_address &&
      r.binding_vif_type !== 'unbound' &&
      r.binding_vif_type !== 'binding_failed'
    ) {
      throw new BadRequestError(
        `Unable to complete operation on port ${id}, port is already bound, port type: ${r.binding_vif_type}, old_mac ${r.mac_address}, new_mac ${mac}.`,
        { type: 'PortBound' },
      )
    }
    next.mac_address = mac
  }
  if (b['allowed_address_pairs'] !== undefined)
    next.allowed_address_pairs = JSON.stringify(
      parseAddressPairs(b['allowed_address_pairs'] ?? [], next.mac_address),
    )
  let groups = cur.securityGroups
  if (b['security_groups'] !== undefined) {
    groups = [...new Set((b['security_groups'] ?? []) as string[])]
    await checkGroups(ctx.db, r.project_id, groups, isAdmin(auth))
  }
  const portSecurity = Boolean(next.port_security_enabled)
  if (!portSecurity) {
    if (b['security_groups'] !== undefined && groups.length > 0) throw sgNeedsPortSecurity()
    if (b['security_groups'] === undefined && groups.length > 0) {
      throw new ConflictError(
        'Port has security group associated. Cannot disable port security or ip address until security group is removed',
        { type: 'PortSecurityPortHasSecurityGroups' },
      )
    }
    if ((JSON.parse(next.allowed_address_pairs) as unknown[]).length > 0)
      throw pairsNeedPortSecurity()
  }
  const hostChanged =
    next.binding_host_id !== r.binding_host_id ||
    'binding:profile' in b ||
    next.binding_vnic_type !== r.binding_vnic_type
  // A bound port whose filtering changes is bound again: a driver whose binding depends on
  // the security groups (vsphere_dvs: a port group per group set) re-plugs it.
  const sorted = (g: readonly string[]) => [...g].sort().join()
  const filterChanged =
    !hostChanged &&
    r.binding_vif_type !== 'unbound' &&
    r.binding_vif_type !== 'binding_failed' &&
    (next.port_security_enabled !== r.port_security_enabled ||
      sorted(groups) !== sorted(cur.securityGroups))
  if (hostChanged) {
    next.binding_vif_type = 'unbound'
    next.binding_vif_details = '{}'
    next.status = 'DOWN'
  }
  next.updated_at = nowIso()
  next.revision_number = r.revision_number + 1
  let rec: PortRecord = { ...cur, row: next, securityGroups: groups }
  await ctx.db.transaction().execute(async (trx) => {
    let fixedIps = cur.fixedIps
    if (b['fixed_ips'] !== undefined) {
      const subnets = await subnetsOfNetwork(trx, r.network_id)
      fixedIps = await changeFixedIps(
        trx,
        r.network_id,
        subnets,
        id,
        next.mac_address,
        next.device_owner,
        cur.fixedIps,
        parseFixedIps(b['fixed_ips'] ?? []),
      )
    }
    await updatePortRow(trx, id, { ...next, id: r.id })
    if (b['security_groups'] !== undefined) await setPortGroups(trx, id, groups)
    rec = { ...rec, fixedIps }
    await chainOf(ctx).updatePortPrecommit({
      db: trx,
      current: hookView(rec),
      original: hookView(cur),
    })
  })
  await chainOf(ctx).updatePortPostcommit({
    db: ctx.db,
    current: hookView(rec),
    original: hookView(cur),
  })
  if ((hostChanged && next.binding_host_id) || filterChanged) rec = await bindPort(ctx, rec)
  return rec
}

/** DELETE /ports/{id}: router-owned ports go through the router API (409 as Neutron's L3 plugin). */
export async function deletePortFromApi(
  ctx: NetworkContext,
  auth: AuthContext,
  id: string,
): Promise<void> {
  const cur = await getVisiblePort(ctx.db, auth, id)
  // Router and floating-IP ports: 409 ServicePortInUse; floating IPs on this port are unbound.
  await beforePortDelete(ctx.db, cur.row, cur.fixedIps.length > 0)
  await deletePortById(ctx, cur)
}

/**
 * The ports a caller may see, filtered in SQL by the cheap common filters;
 * admin: all; others: their project's ports and ports on networks they own.
 */
export async function visiblePorts(
  db: Db,
  auth: AuthContext,
  q: Record<string, string | string[] | undefined>,
): Promise<PortRecord[]> {
  const list = (k: string): string[] | undefined =>
    q[k] === undefined ? undefined : ([] as string[]).concat(q[k])
  const networkIds = list('network_id')
  const deviceId = list('device_id')
  const deviceOwner = list('device_owner')
  const filter = {
    ...(networkIds ? { networkIds } : {}),
    ...(deviceId ? { deviceId } : {}),
    ...(deviceOwner ? { deviceOwner } : {}),
  }
  let rows = await listPorts(db, filter)
  if (!isAdmin(auth)) {
    const project = auth.project?.id ?? ''
    const owned = new Set(
      (
        await db.selectFrom('networks').select('id').where('project_id', '=', project).execute()
      ).map((n) => n.id),
    )
    rows = rows.filter((p) => p.project_id === project || owned.has(p.network_id))
  }
  const all = rows.length > 1000
  const ids = rows.map((r) => r.id)
  const allocs = await allocationsOfPorts(db, all ? undefined : ids)
  const byPort = new Map<string, Array<{ subnet_id: string; ip_address: string }>>()
  for (const a of allocs) {
    const l = byPort.get(a.port_id)
    const f = { subnet_id: a.subnet_id, ip_address: a.ip_address }
    if (l) l.push(f)
    else byPort.set(a.port_id, [f])
  }
  const groups = await portGroups(db, all ? undefined : ids)
  return rows.map((row) => ({
    row,
    fixedIps: byPort.get(row.id) ?? [],
    securityGroups: groups.get(row.id) ?? [],
  }))
}
