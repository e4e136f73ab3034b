import { BadRequestError, ConflictError, NotFoundError } from '../../../common/errors.js'
import {
  deleteInstancePort,
  insertInstancePort,
} from '../../../db/repositories/compute/instance-ports.js'
import { serviceAuth } from '../../conductor/service-auth.js'
import { ensureDefaultSecurityGroup } from '../../network/default-security-group.js'
import type { NetworkContext } from '../../network/network-context.js'
import {
  createPortFromApi,
  deletePortFromApi,
  updatePortFromApi,
  visiblePorts,
} from '../../network/ports-api.js'
import { loadPort, type PortRecord } from '../../network/ports-service.js'
import { getVisibleNetwork, visibleNetworksQuery } from '../../network/visibility.js'
import type { ComputeContext } from '../compute-context.js'
import { VmState } from '../states.js'
import { callCompute, recordAction, type ActionCaller } from './action-start.js'
import {
  checkHost,
  checkLock,
  checkState,
  loadInstance,
  type InstanceRow,
} from './instance-guard.js'

/** An os-interface entry (nova attach_interfaces.py view). */
export interface InterfaceView {
  net_id: string
  port_id: string
  mac_addr: string
  port_state: string
  fixed_ips: Array<{ subnet_id: string; ip_address: string }>
  /** The device tag (shown from 2.70). */
  tag?: string | null
}

/**
 * Device tags of the instance's ports when the caller's microversion shows
 * them (2.70), else undefined.
 */
async function tagsFor(
  ctx: ComputeContext,
  mv: number,
  instanceUuid: string,
): Promise<Map<string, string | null> | undefined> {
  if (mv < 70) return undefined
  const rows = await ctx.db
    .selectFrom('instance_ports')
    .select(['port_id', 'tag'])
    .where('instance_uuid', '=', instanceUuid)
    .execute()
  return new Map(rows.map((r) => [r.port_id, r.tag]))
}

export function interfaceView(
  p: PortRecord,
  tags?: ReadonlyMap<string, string | null>,
): InterfaceView {
  return {
    net_id: p.row.network_id,
    port_id: p.row.id,
    mac_addr: p.row.mac_address,
    port_state: p.row.status,
    fixed_ips: p.fixedIps.map((f) => ({ subnet_id: f.subnet_id, ip_address: f.ip_address })),
    ...(tags ? { tag: tags.get(p.row.id) ?? null } : {}),
  }
}

function network(ctx: ComputeContext): NetworkContext {
  if (!ctx.network) throw new NotFoundError('Network service is not available.')
  return ctx.network
}

const STATES = { vm: [VmState.ACTIVE, VmState.PAUSED, VmState.STOPPED], task: [null] }

export async function listInterfaces(
  ctx: ComputeContext,
  caller: ActionCaller,
  id: string,
  mv = 1,
) {
  const inst = await loadInstance(ctx, caller.auth, id)
  if (!ctx.network) return []
  const ports = await visiblePorts(ctx.network.db, caller.auth, { device_id: inst.uuid })
  const tags = await tagsFor(ctx, mv, inst.uuid)
  return ports.map((p) => interfaceView(p, tags))
}

export async function showInterface(
  ctx: ComputeContext,
  caller: ActionCaller,
  id: string,
  portId: string,
  mv = 1,
): Promise<InterfaceView> {
  const inst = await loadInstance(ctx, caller.auth, id)
  const p = await loadPort(network(ctx).db, portId)
  if (!p) throw new NotFoundError(`Port ${portId} could not be found.`)
  if (p.row.device_id !== inst.uuid)
    throw new NotFoundError(`Instance ${id} does not have a port with id ${portId}`)
  return interfaceView(p, await tagsFor(ctx, mv, inst.uuid))
}

/** The network of a request naming none: the only one the project can use (Nova's allocation rules). */
async function onlyNetwork(
  ctx: ComputeContext,
  caller: ActionCaller,
  inst: InstanceRow,
): Promise<string> {
  const rows = await visibleNetworksQuery(network(ctx).db, caller.auth)
    .where('networks.router_external', '=', 0)
    .execute()
  const own = rows.filter((r) => r.project_id === inst.project_id)
  const pick = own.length > 0 ? own : rows.filter((r) => r.shared === 1)
  if (pick.length > 1)
    throw new BadRequestError(
      'Multiple possible networks found, use a Network ID to be more specific.',
    )
  if (!pick[0]) throw new BadRequestError('No network(s) configured for this instance.')
  return pick[0].id
}

/**
 * os-interface create: the port is created (net_id) or adopted (port_id) and
 * bound to the server's host here, then the worker hot-plugs it; a failed
 * plug gives the port back.
 */
export async function attachInterface(
  ctx: ComputeContext,
  caller: ActionCaller,
  id: string,
  req: { netId?: string; portId?: string; fixedIp?: string; tag?: string },
  mv = 1,
): Promise<InterfaceView> {
  const inst = await loadInstance(ctx, caller.auth, id)
  if (req.netId && req.portId)
    throw new BadRequestError('Must not input both network_id and port_id')
  if (req.fixedIp && !req.netId)
    throw new BadRequestError('Must input network_id when request IP address')
  checkLock(caller.auth, inst)
  checkState(inst, 'attach_interface', STATES)
  const host = checkHost(inst)
  const net = network(ctx)
  const admin = serviceAuth(inst.project_id, inst.user_id)
  const bind = {
    device_id: inst.uuid,
    device_owner: `compute:${inst.availability_zone ?? ctx.config.compute.default_availability_zone}`,
    'binding:host_id': host,
  }
  await recordAction(ctx, inst, caller, 'attach_interface')
  let portId: string
  let created = false
  if (req.portId) {
    const cur = await loadPort(net.db, req.portId)
    if (
      !cur ||
      (cur.row.project_id !== caller.auth.project?.id && !caller.auth.roles.includes('admin'))
    )
      throw new NotFoundError(`Port ${req.portId} could not be found.`)
    if (cur.row.device_id !== '' && cur.row.device_id !== inst.uuid)
      throw new ConflictError(`Port ${req.portId} is still in use.`)
    portId = (await updatePortFromApi(net, admin, req.portId, bind)).row.id
  } else {
    const netId = req.netId ?? (await onlyNetwork(ctx, caller, inst))
    const n = await getVisibleNetwork(net.db, caller.auth, netId)
    const groups =
      n.port_security_enabled === 1
        ? [await ensureDefaultSecurityGroup(net, net.db, inst.project_id)]
        : undefined
    const rec = await createPortFromApi(net, admin, {
      network_id: netId,
      project_id: inst.project_id,
      ...bind,
      ...(req.fixedIp ? { fixed_ips: [{ ip_address: req.fixedIp }] } : {}),
      ...(groups ? { security_groups: groups } : {}),
    })
    portId = rec.row.id
    created = true
  }
  const port = (await loadPort(net.db, portId)) as PortRecord
  await insertInstancePort(ctx.db, {
    instance_uuid: inst.uuid,
    port_id: portId,
    network_id: port.row.network_id,
    mac_address: port.row.mac_address,
    created_by_compute: created ? 1 : 0,
    tag: req.tag ?? null,
    created_at: new Date().toISOString(),
  })
  try {
    await callCompute(ctx, host, 'attach_interface', {
      instanceUuid: inst.uuid,
      requestId: caller.requestId,
      portId,
    })
  } catch (err) {
    await releasePort(ctx, inst, portId, created)
    throw err
  }
  return interfaceView((await loadPort(net.db, portId)) ?? port, await tagsFor(ctx, mv, inst.uuid))
}

async function releasePort(
  ctx: ComputeContext,
  inst: InstanceRow,
  portId: string,
  created: boolean,
): Promise<void> {
  const net = network(ctx)
  const admin = serviceAuth(inst.project_id, inst.user_id)
  await deleteInstancePort(ctx.db, portId)
  if (!(await loadPort(net.db, portId))) return
  if (created) await deletePortFromApi(net, admin, portId)
  else
    await updatePortFromApi(net, admin, portId, {
      device_id: '',
      device_owner: '',
      'binding:host_id': '',
    })
}

/** os-interface delete: unplug on the worker, then delete the port if compute made it. */
export async function detachInterface(
  ctx: ComputeContext,
  caller: ActionCaller,
  id: string,
  portId: string,
): Promise<void> {
  const inst = await loadInstance(ctx, caller.auth, id)
  checkLock(caller.auth, inst)
  checkState(inst, 'detach_interface', STATES)
  const host = checkHost(inst)
  const row = await ctx.db
    .selectFrom('instance_ports')
    .selectAll()
    .where('instance_uuid', '=', inst.uuid)
    .where('port_id', '=', portId)
    .executeTakeFirst()
  if (!row) throw new NotFoundError(`Port ${portId} could not be found.`)
  await recordAction(ctx, inst, caller, 'detach_interface')
  await callCompute(ctx, host, 'detach_interface', {
    instanceUuid: inst.uuid,
    requestId: caller.requestId,
    portId,
  })
  await releasePort(ctx, inst, portId, row.created_by_compute === 1)
}
