import type { InstanceTable } from '../../db/compute-schema.js'
import type { ComputeContext } from '../compute/compute-context.js'
import { deletePortFromApi, updatePortFromApi } from '../network/ports-api.js'
import { loadPort } from '../network/ports-service.js'
import { serviceAuth } from './service-auth.js'

/** The owner as a plain member (what it may see) and as Nova's admin context (what it may set). */
export function auths(inst: InstanceTable) {
  const admin = serviceAuth(inst.project_id, inst.user_id)
  return { admin, owner: { ...admin, roles: ['member', 'reader'] } }
}

/** Deletes a port compute created, or hands a passed-in port back unbound. Gone ports are fine. */
export async function releasePort(
  ctx: ComputeContext,
  inst: InstanceTable,
  portId: string,
  created: boolean,
): Promise<void> {
  const net = ctx.network
  if (!net || !(await loadPort(net.db, portId))) return
  const { admin } = auths(inst)
  if (created) await deletePortFromApi(net, admin, portId)
  else
    await updatePortFromApi(net, admin, portId, {
      device_id: '',
      device_owner: '',
      'binding:host_id': '',
    })
}

/** Releases every port of an instance (delete / failed build); idempotent. */
export async function deallocateNetworks(ctx: ComputeContext, inst: InstanceTable): Promise<void> {
  const rows = await ctx.db
    .selectFrom('instance_ports')
    .selectAll()
    .where('instance_uuid', '=', inst.uuid)
    .execute()
  for (const r of rows) {
    await releasePort(ctx, inst, r.port_id, r.created_by_compute === 1)
    await ctx.db
      .deleteFrom('instance_ports')
      .where('instance_uuid', '=', inst.uuid)
      .where('port_id', '=', r.port_id)
      .execute()
  }
}

/** Moves the bindings of an instance's ports to another host (reschedule, migration). */
export async function rebindNetworks(
  ctx: ComputeContext,
  inst: InstanceTable,
  host: string,
): Promise<void> {
  const net = ctx.network
  if (!net) return
  const rows = await ctx.db
    .selectFrom('instance_ports')
    .select('port_id')
    .where('instance_uuid', '=', inst.uuid)
    .execute()
  for (const r of rows)
    if (await loadPort(net.db, r.port_id))
      await updatePortFromApi(net, auths(inst).admin, r.port_id, { 'binding:host_id': host })
}
