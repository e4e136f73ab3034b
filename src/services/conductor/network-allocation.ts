import { BadRequestError, ConflictError } from '../../common/errors.js'
import type { InstanceTable } from '../../db/compute-schema.js'
import type { ComputeContext } from '../compute/compute-context.js'
import type { RequestedNetworks } from '../compute/rpc.js'
import { createPortFromApi, updatePortFromApi } from '../network/ports-api.js'
import { ensureDefaultSecurityGroup } from '../network/default-security-group.js'
import { loadPort } from '../network/ports-service.js'
import { getVisibleNetwork, visibleNetworksQuery } from '../network/visibility.js'
import { auths, releasePort } from './network-release.js'

/**
 * Networking for a server (Nova's network/neutron.py allocate_for_instance),
 * done by the conductor in-process with the network service: create or adopt
 * the ports, bind them to the chosen host, and remember them in instance_ports.
 */
export interface NetworkPlacement {
  readonly host: string
  readonly availabilityZone: string
  readonly securityGroups: readonly string[]
}

/** 'auto': the project's one network, else the one shared network (never an external one). */
async function autoNetwork(ctx: ComputeContext, inst: InstanceTable): Promise<string> {
  const net = ctx.network
  if (!net) throw new BadRequestError('No network service is available to allocate a network.')
  const rows = await visibleNetworksQuery(net.db, auths(inst).owner)
    .where('networks.router_external', '=', 0)
    .execute()
  const own = rows.filter((r) => r.project_id === inst.project_id)
  const pick = own.length > 0 ? own : rows.filter((r) => r.shared === 1)
  if (pick.length > 1)
    throw new ConflictError(
      'Multiple possible networks found, use a Network ID to be more specific.',
      {
        type: 'NetworkAmbiguous',
      },
    )
  const only = pick[0]
  if (!only)
    throw new BadRequestError(
      `Unable to automatically allocate a network for project ${inst.project_id}`,
      { type: 'UnableToAutoAllocateNetwork' },
    )
  return only.id
}

/** Security group names (or ids) of the request → ids in the owner's project. */
async function groupIds(
  ctx: ComputeContext,
  inst: InstanceTable,
  names: readonly string[],
): Promise<string[]> {
  const ids: string[] = []
  for (const name of names) {
    // Neutron creates a project's default group on first use; Nova relies on that.
    if (name === 'default' && ctx.network) {
      ids.push(await ensureDefaultSecurityGroup(ctx.network, ctx.network.db, inst.project_id))
      continue
    }
    const g = await ctx.db
      .selectFrom('security_groups')
      .select('id')
      .where('project_id', '=', inst.project_id)
      .where((eb) => eb.or([eb('name', '=', name), eb('id', '=', name)]))
      .orderBy('created_at')
      .executeTakeFirst()
    if (!g)
      throw new BadRequestError(
        `Security group ${name} not found for project ${inst.project_id}.`,
        {
          type: 'SecurityGroupNotFound',
        },
      )
    ids.push(g.id)
  }
  return [...new Set(ids)]
}

/**
 * Creates/updates the ports of `requested` for the instance on `where.host`.
 * Any failure undoes what this call did and throws.
 */
export async function allocateNetworks(
  ctx: ComputeContext,
  inst: InstanceTable,
  requested: RequestedNetworks,
  where: NetworkPlacement,
): Promise<void> {
  if (requested === 'none') return
  const net = ctx.network
  if (!net)
    throw new BadRequestError('Networks were requested but this cloud runs no network service.')
  const { admin, owner } = auths(inst)
  const wanted = requested === 'auto' ? [{ uuid: await autoNetwork(ctx, inst) }] : requested
  const owner_ = `compute:${where.availabilityZone}`
  const done: Array<{ portId: string; created: boolean }> = []
  try {
    for (const req of wanted) {
      const base = { device_id: inst.uuid, device_owner: owner_, 'binding:host_id': where.host }
      if (req.port !== undefined) {
        const cur = await loadPort(net.db, req.port)
        if (cur && cur.row.device_id !== '' && cur.row.device_id !== inst.uuid)
          throw new ConflictError(`Port ${req.port} is still in use.`, { type: 'PortInUse' })
        const rec = await updatePortFromApi(net, admin, req.port, base)
        done.push({ portId: rec.row.id, created: false })
        await remember(
          ctx,
          inst.uuid,
          rec.row.id,
          rec.row.network_id,
          rec.row.mac_address,
          false,
          req.tag,
        )
        checkBound(rec.row.id, rec.row.binding_vif_type)
        continue
      }
      const networkId = req.uuid
      if (networkId === undefined)
        throw new BadRequestError('A requested network has neither uuid nor port.')
      const network = await getVisibleNetwork(net.db, owner, networkId)
      let groups: string[] | undefined
      if (network.port_security_enabled === 1)
        groups = await groupIds(ctx, inst, where.securityGroups)
      else if (where.securityGroups.some((g) => g !== 'default'))
        throw new BadRequestError(
          `Network requires port_security_enabled and subnet associated in order to apply security groups.`,
          { type: 'SecurityGroupCannotBeApplied' },
        )
      const rec = await createPortFromApi(net, admin, {
        network_id: networkId,
        project_id: inst.project_id,
        ...base,
        ...(req.fixedIp !== undefined ? { fixed_ips: [{ ip_address: req.fixedIp }] } : {}),
        ...(groups !== undefined ? { security_groups: groups } : {}),
      })
      done.push({ portId: rec.row.id, created: true })
      await remember(ctx, inst.uuid, rec.row.id, networkId, rec.row.mac_address, true, req.tag)
      checkBound(rec.row.id, rec.row.binding_vif_type)
    }
  } catch (err) {
    for (const d of done.reverse())
      await releasePort(ctx, inst, d.portId, d.created).catch(() => undefined)
    await ctx.db.deleteFrom('instance_ports').where('instance_uuid', '=', inst.uuid).execute()
    throw err
  }
}

/** Nova's PortBindingFailed: no mechanism driver could bind the port on the host. */
function checkBound(portId: string, vifType: string): void {
  if (vifType === 'binding_failed')
    throw new BadRequestError(
      `Binding failed for port ${portId}, please check neutron logs for more information.`,
      { type: 'PortBindingFailed' },
    )
}

async function remember(
  ctx: ComputeContext,
  instanceUuid: string,
  portId: string,
  networkId: string,
  mac: string,
  created: boolean,
  tag: string | undefined,
): Promise<void> {
  await ctx.db
    .insertInto('instance_ports')
    .values({
      instance_uuid: instanceUuid,
      port_id: portId,
      network_id: networkId,
      mac_address: mac,
      created_by_compute: created ? 1 : 0,
      tag: tag ?? null,
      created_at: new Date().toISOString(),
    })
    .execute()
}

// Releasing and rebinding live in network-release.ts; callers keep importing them from here.
export { deallocateNetworks, rebindNetworks } from './network-release.js'
