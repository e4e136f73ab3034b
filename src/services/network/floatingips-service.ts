import { isAdmin, type AuthContext } from '../../common/auth-context.js'
import { BadRequestError } from '../../common/errors.js'
import { newUuid } from '../../common/ids.js'
import type { Db } from '../../db/database.js'
import {
  deleteFloatingIp as deleteFloatingIpRow,
  findFloatingIp,
  insertFloatingIp,
  listFloatingIps as listFloatingIpRows,
  updateFloatingIp as updateFloatingIpRow,
  type FloatingIpChanges,
  type FloatingIpRow,
} from '../../db/repositories/network/floatingips.js'
import { fipAssociation } from './floatingip-association.js'
import { floatingIpNotFound, renderFloatingIp, renderFloatingIps } from './floatingips-render.js'
import { parseIp } from './ipam/ip.js'
import { checkUuid } from './l3-lookups.js'
import type { NetworkContext } from './network-context.js'
import { callerProject, forbid } from './policy.js'
import { enforceQuota } from './quota.js'
import { createL3Port, deleteL3Port } from './router-ports.js'
import { owningProject } from './routers-service.js'
import { deleteResourceTags } from './tags-service.js'
import { canUseAsExternal, getVisibleNetwork } from './visibility.js'

export const FLOATINGIP_OWNER = 'network:floatingip'

export interface FloatingIpCreate {
  readonly floating_network_id: string
  readonly floating_ip_address?: string | null
  readonly subnet_id?: string | null
  readonly port_id?: string | null
  readonly fixed_ip_address?: string | null
  readonly description?: string
  readonly project_id?: string
  readonly tenant_id?: string
}

export interface FloatingIpUpdate {
  readonly port_id?: string | null
  readonly fixed_ip_address?: string | null
  readonly description?: string
}

async function getOwn(db: Db, auth: AuthContext, id: string): Promise<FloatingIpRow> {
  const f = await findFloatingIp(db, id)
  if (!f || (!isAdmin(auth) && f.project_id !== auth.project?.id)) throw floatingIpNotFound(id)
  return f
}

export async function createFloatingIp(
  ctx: NetworkContext,
  auth: AuthContext,
  body: FloatingIpCreate,
): Promise<Record<string, unknown>> {
  const projectId = owningProject(auth, body)
  if (body.floating_ip_address != null && !isAdmin(auth))
    forbid('create_floatingip:floating_ip_address')
  checkUuid(body.floating_network_id)
  if (body.subnet_id != null) checkUuid(body.subnet_id)
  const net = await getVisibleNetwork(ctx.db, auth, body.floating_network_id)
  if (!(await canUseAsExternal(ctx.db, auth, net))) {
    throw new BadRequestError(`Network ${net.id} is not a valid external network`)
  }
  const v4 = await ctx.db
    .selectFrom('subnets')
    .select('id')
    .where('network_id', '=', net.id)
    .where('ip_version', '=', 4)
    .execute()
  if (v4.length === 0)
    throw new BadRequestError(`Network ${net.id} does not contain any IPv4 subnet`)
  const id = newUuid()
  const now = new Date().toISOString()
  await ctx.db.transaction().execute(async (trx) => {
    await enforceQuota(ctx, trx, projectId, 'floatingip')
    const fixed = {
      ...(body.subnet_id != null ? { subnet_id: body.subnet_id } : {}),
      ...(body.floating_ip_address != null ? { ip_address: body.floating_ip_address } : {}),
    }
    const port = await createL3Port(ctx, trx, {
      projectId: '',
      networkId: net.id,
      deviceId: id,
      deviceOwner: FLOATINGIP_OWNER,
      fixedIps: Object.keys(fixed).length ? [fixed] : [],
      status: 'N/A',
    })
    const address = port.fixed_ips.find((f) => parseIp(f.ip_address)?.version === 4)?.ip_address
    if (!address) {
      throw new BadRequestError(`Unable to find any IP address on external network ${net.id}.`, {
        type: 'ExternalIpAddressExhausted',
      })
    }
    const base = {
      id,
      project_id: projectId,
      floating_network_id: net.id,
      floating_ip_address: address,
      fixed_port_id: null,
    }
    const assoc = await fipAssociation(trx, auth, base, body.port_id, body.fixed_ip_address)
    await insertFloatingIp(trx, {
      ...base,
      floating_port_id: port.id,
      fixed_port_id: assoc.fixed_port_id ?? null,
      fixed_ip_address: assoc.fixed_ip_address ?? null,
      router_id: assoc.router_id ?? null,
      status: assoc.status ?? 'DOWN',
      description: body.description ?? '',
      dns_name: '',
      dns_domain: '',
      created_at: now,
      updated_at: now,
      revision_number: 0,
    })
  })
  return renderFloatingIp(ctx.db, id)
}

export async function listFloatingIps(
  ctx: NetworkContext,
  auth: AuthContext,
): Promise<Record<string, unknown>[]> {
  return renderFloatingIps(
    ctx.db,
    await listFloatingIpRows(ctx.db, isAdmin(auth) ? undefined : callerProject(auth)),
  )
}

export async function showFloatingIp(
  ctx: NetworkContext,
  auth: AuthContext,
  id: string,
): Promise<Record<string, unknown>> {
  return (await renderFloatingIps(ctx.db, [await getOwn(ctx.db, auth, id)]))[0]!
}

export async function updateFloatingIp(
  ctx: NetworkContext,
  auth: AuthContext,
  id: string,
  body: FloatingIpUpdate,
): Promise<Record<string, unknown>> {
  await ctx.db.transaction().execute(async (trx) => {
    const fip = await getOwn(trx, auth, id)
    const changes: FloatingIpChanges = {}
    if (body.description !== undefined) changes.description = body.description
    // Neutron: without port_id in the body an associated floating IP stays on its port (fixed_ip_address may move).
    const portId = 'port_id' in body ? body.port_id : fip.fixed_port_id
    if ('port_id' in body || body.fixed_ip_address !== undefined) {
      Object.assign(changes, await fipAssociation(trx, auth, fip, portId, body.fixed_ip_address))
    }
    await updateFloatingIpRow(trx, id, changes, new Date().toISOString())
  })
  return renderFloatingIp(ctx.db, id)
}

export async function deleteFloatingIp(
  ctx: NetworkContext,
  auth: AuthContext,
  id: string,
): Promise<void> {
  await ctx.db.transaction().execute(async (trx) => {
    const fip = await getOwn(trx, auth, id)
    await deleteL3Port(ctx, trx, fip.floating_port_id)
    await deleteResourceTags(trx, 'floatingip', id)
    await deleteFloatingIpRow(trx, id)
  })
}
