import { isAdmin, type AuthContext } from '../../common/auth-context.js'
import { ConflictError, NotFoundError } from '../../common/errors.js'
import { newUuid } from '../../common/ids.js'
import type { Db } from '../../db/database.js'
import { allocationsOfPorts } from '../../db/repositories/network/ip-allocations.js'
import {
  deletePortRow,
  getPort,
  insertPort,
  macInUse,
  portGroups,
  setPortGroups,
  type PortRow,
} from '../../db/repositories/network/ports.js'
import { findSecurityGroup } from '../../db/repositories/network/security-groups.js'
import { subnetsOfNetwork } from '../../db/repositories/network/subnets.js'
import { chainOf, nowIso, segmentsOf } from './ipam/ml2-hooks.js'
import { generateMac, normaliseMac } from './mac.js'
import type { NetworkContext } from './network-context.js'
import {
  allocateDefault,
  allocateResolved,
  resolveRequests,
  type FixedIp,
} from './port-fixed-ips.js'
import { pairsNeedPortSecurity, sgNeedsPortSecurity, type FixedIpRequest } from './port-attrs.js'
import { enforceQuota } from './quota.js'
import { ensureDefaultSecurityGroup } from './security-groups-service.js'
import { badAttr } from './subnet-validate.js'
import { deleteResourceTags } from './tags-service.js'
import type { NetworkRow } from './visibility.js'

/** A port with what lives beside its row. */
export interface PortRecord {
  readonly row: PortRow
  readonly fixedIps: FixedIp[]
  readonly securityGroups: string[]
}

export const portNotFound = (id: string): NotFoundError =>
  new NotFoundError(`Port ${id} could not be found.`, { type: 'PortNotFound' })

/** Reads a port with its addresses and groups. */
export async function loadPort(db: Db, id: string): Promise<PortRecord | undefined> {
  const row = await getPort(db, id)
  if (!row) return undefined
  const fixedIps = (await allocationsOfPorts(db, [id])).map((a) => ({
    subnet_id: a.subnet_id,
    ip_address: a.ip_address,
  }))
  return { row, fixedIps, securityGroups: (await portGroups(db, [id])).get(id) ?? [] }
}

/** Neutron's get_port policy: admin, the port's project, or the owner of its network. */
export async function getVisiblePort(db: Db, auth: AuthContext, id: string): Promise<PortRecord> {
  const p = await loadPort(db, id)
  if (!p) throw portNotFound(id)
  if (isAdmin(auth) || p.row.project_id === auth.project?.id) return p
  const net = await db
    .selectFrom('networks')
    .select('project_id')
    .where('id', '=', p.row.network_id)
    .executeTakeFirst()
  if (net && net.project_id === auth.project?.id) return p
  throw portNotFound(id)
}

/** Everything a port is created from, already validated (API and internal callers alike). */
export interface PortSpec {
  readonly projectId: string
  readonly network: NetworkRow
  readonly name?: string
  readonly description?: string
  readonly macAddress?: string
  readonly adminStateUp?: boolean
  readonly deviceId?: string
  readonly deviceOwner?: string
  /** undefined: Neutron's default allocation. */
  readonly fixedIps?: readonly FixedIpRequest[]
  /** undefined: the project's default group when port security is on. */
  readonly securityGroups?: readonly string[]
  readonly portSecurityEnabled?: boolean
  readonly allowedAddressPairs?: ReadonlyArray<{ ip_address: string; mac_address?: string }>
  readonly extraDhcpOpts?: ReadonlyArray<{
    opt_name: string
    opt_value: string
    ip_version: number
  }>
  readonly hostId?: string
  readonly vnicType?: string
  readonly profile?: Record<string, unknown>
  readonly status?: string
}

/** Security group ids usable by a port of `projectId` (404 SecurityGroupNotFound otherwise). */
export async function checkGroups(
  db: Db,
  projectId: string,
  ids: readonly string[],
  admin: boolean,
): Promise<void> {
  for (const id of ids) {
    const g = typeof id === 'string' ? await findSecurityGroup(db, id) : undefined
    if (!g || (!admin && g.project_id !== projectId)) {
      throw new NotFoundError(`Security group ${String(id)} does not exist`, {
        type: 'SecurityGroupNotFound',
      })
    }
  }
}

/**
 * Creates a port inside `trx`: quota, MAC, fixed IPs (race-safe), security
 * groups, ML2 precommit. Routers and compute call this with their own
 * transaction; the API wraps it with postcommit and binding.
 */
export async function createPortInTransaction(
  ctx: NetworkContext,
  trx: Db,
  spec: PortSpec,
): Promise<PortRecord> {
  // Router gateway and floating-IP ports belong to no project (''): Neutron does not count them.
  if (spec.projectId !== '') await enforceQuota(ctx, trx, spec.projectId, 'port')
  const network = spec.network
  const portSecurity = spec.portSecurityEnabled ?? Boolean(network.port_security_enabled)
  const owner = spec.deviceOwner ?? ''
  if (!portSecurity && spec.securityGroups?.length) throw sgNeedsPortSecurity()
  if (!portSecurity && spec.allowedAddressPairs?.length) throw pairsNeedPortSecurity()
  const now = nowIso()
  const id = newUuid()
  const row: PortRow = {
    id,
    project_id: spec.projectId,
    network_id: network.id,
    name: spec.name ?? '',
    description: spec.description ?? '',
    mac_address: spec.macAddress ?? generateMac(ctx.config.base.base_mac),
    admin_state_up: spec.adminStateUp === false ? 0 : 1,
    status: spec.status ?? 'DOWN',
    device_id: spec.deviceId ?? '',
    device_owner: owner,
    binding_host_id: spec.hostId ?? '',
    binding_vif_type: 'unbound',
    binding_vif_details: '{}',
    binding_vnic_type: spec.vnicType ?? 'normal',
    binding_profile: JSON.stringify(spec.profile ?? {}),
    port_security_enabled: portSecurity ? 1 : 0,
    allowed_address_pairs: '[]',
    extra_dhcp_opts: JSON.stringify(spec.extraDhcpOpts ?? []),
    dns_name: '',
    created_at: now,
    updated_at: now,
    revision_number: 0,
  }
  row.allowed_address_pairs = JSON.stringify(
    (spec.allowedAddressPairs ?? []).map((p) => ({
      ip_address: p.ip_address,
      mac_address: p.mac_address ?? row.mac_address,
    })),
  )
  // A generated MAC may (rarely) collide on the network: draw again. A requested one in use is a 409.
  for (let i = 0; !(await insertPort(trx, row)); i++) {
    if (spec.macAddress !== undefined || i > 10) {
      throw new ConflictError(
        `Unable to complete operation for network ${network.id}. The mac address ${row.mac_address} is in use.`,
        { type: 'MacAddressInUse' },
      )
    }
    row.mac_address = generateMac(ctx.config.base.base_mac)
  }
  const subnets = await subnetsOfNetwork(trx, network.id)
  const fixedIps =
    spec.fixedIps === undefined
      ? await allocateDefault(trx, network.id, subnets, id, row.mac_address, owner)
      : await allocateResolved(
          trx,
          id,
          row.mac_address,
          owner,
          resolveRequests(network.id, subnets, spec.fixedIps, owner),
        )
  let groups: string[] = []
  if (spec.securityGroups !== undefined) {
    groups = [...new Set(spec.securityGroups)]
  } else if (portSecurity && !owner.startsWith('network:')) {
    groups = [await ensureDefaultSecurityGroup(ctx, trx, spec.projectId)]
  }
  await setPortGroups(trx, id, groups)
  const rec: PortRecord = { row, fixedIps, securityGroups: groups }
  await chainOf(ctx).createPortPrecommit({
    db: trx,
    current: hookView(rec),
    network: { ...network },
    segments: await segmentsOf(trx, network.id),
  })
  return rec
}

/** The plain dict drivers see. */
export function hookView(p: PortRecord): Record<string, unknown> {
  return { ...p.row, fixed_ips: p.fixedIps, security_groups: p.securityGroups }
}

/**
 * Binds the port to its host through the ML2 chain (after commit, as
 * Neutron's _bind_port_if_needed) and stores the result. A bound port is
 * ACTIVE; unbound or failed stays DOWN.
 */
export async function bindPort(ctx: NetworkContext, rec: PortRecord): Promise<PortRecord> {
  const r = rec.row
  const result = await chainOf(ctx).bindPort({
    db: ctx.db,
    port: hookView(rec),
    host: r.binding_host_id,
    vnicType: r.binding_vnic_type,
    profile: JSON.parse(r.binding_profile) as Record<string, unknown>,
    segments: await segmentsOf(ctx.db, r.network_id),
  })
  const bound = result.vifType !== 'unbound' && result.vifType !== 'binding_failed'
  const changes = {
    binding_vif_type: result.vifType,
    binding_vif_details: JSON.stringify(result.vifDetails),
    status: bound && r.admin_state_up ? 'ACTIVE' : 'DOWN',
  }
  await ctx.db.updateTable('ports').set(changes).where('id', '=', r.id).execute()
  return { ...rec, row: { ...r, ...changes } }
}

/** Deletes a port with its addresses, groups and tags (ML2 hooks around it). */
export async function deletePortById(ctx: NetworkContext, rec: PortRecord): Promise<void> {
  await ctx.db.transaction().execute(async (trx) => {
    await chainOf(ctx).deletePortPrecommit({ db: trx, current: hookView(rec) })
    await deleteResourceTags(trx, 'port', rec.row.id)
    await deletePortRow(trx, rec.row.id)
  })
  await chainOf(ctx).deletePortPostcommit({ db: ctx.db, current: hookView(rec) })
}

/** A requested MAC: valid, and (for updates) free on the network. */
export async function parseRequestedMac(
  db: Db,
  networkId: string,
  v: unknown,
  checkFree: boolean,
): Promise<string> {
  const mac = typeof v === 'string' ? normaliseMac(v) : undefined
  if (!mac) throw badAttr('mac_address', `'${String(v)}' is not a valid MAC address`)
  if (checkFree && (await macInUse(db, networkId, mac))) {
    throw new ConflictError(
      `Unable to complete operation for network ${networkId}. The mac address ${mac} is in use.`,
      { type: 'MacAddressInUse' },
    )
  }
  return mac
}
