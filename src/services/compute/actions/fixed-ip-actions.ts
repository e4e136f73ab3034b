import { BadRequestError, NotFoundError } from '../../../common/errors.js'
import { subnetsOfNetwork } from '../../../db/repositories/network/subnets.js'
import { serviceAuth } from '../../conductor/service-auth.js'
import { updatePortFromApi, visiblePorts } from '../../network/ports-api.js'
import type { ComputeContext } from '../compute-context.js'
import { VmState } from '../states.js'
import { recordAction, type ActionCaller } from './action-start.js'
import { checkLock, checkState, loadInstance, type InstanceRow } from './instance-guard.js'

const STATES = { vm: [VmState.ACTIVE, VmState.PAUSED, VmState.SUSPENDED, VmState.STOPPED] }

async function serverPorts(ctx: ComputeContext, inst: InstanceRow) {
  if (!ctx.network) return []
  return visiblePorts(ctx.network.db, serviceAuth(inst.project_id, inst.user_id), {
    device_id: inst.uuid,
  })
}

/** addFixedIp (≤ 2.43): one more address from the network's first subnet on the server's port there. */
export async function addFixedIp(
  ctx: ComputeContext,
  caller: ActionCaller,
  id: string,
  networkId: string,
): Promise<void> {
  const inst = await loadInstance(ctx, caller.auth, id)
  checkLock(caller.auth, inst)
  checkState(inst, 'addFixedIp', STATES)
  const notFound = new NotFoundError(`Network could not be found for instance ${inst.uuid}.`)
  const net = ctx.network
  if (!net) throw notFound
  const subnets = await subnetsOfNetwork(net.db, networkId)
  const port = (await serverPorts(ctx, inst)).find((p) => p.row.network_id === networkId)
  const subnet = subnets[0]
  if (!port || !subnet) throw notFound
  await recordAction(ctx, inst, caller, 'add_fixed_ip')
  await updatePortFromApi(net, serviceAuth(inst.project_id, inst.user_id), port.row.id, {
    fixed_ips: [...port.fixedIps, { subnet_id: subnet.id }],
  })
}

/** removeFixedIp (≤ 2.43): the address leaves the server's port that holds it. */
export async function removeFixedIp(
  ctx: ComputeContext,
  caller: ActionCaller,
  id: string,
  address: string,
): Promise<void> {
  const inst = await loadInstance(ctx, caller.auth, id)
  checkLock(caller.auth, inst)
  checkState(inst, 'removeFixedIp', STATES)
  const port = (await serverPorts(ctx, inst)).find((p) =>
    p.fixedIps.some((f) => f.ip_address === address),
  )
  if (!port || !ctx.network)
    throw new BadRequestError(`Instance ${inst.uuid} does not have fixed IP '${address}'.`)
  await recordAction(ctx, inst, caller, 'remove_fixed_ip')
  await updatePortFromApi(ctx.network, serviceAuth(inst.project_id, inst.user_id), port.row.id, {
    fixed_ips: port.fixedIps.filter((f) => f.ip_address !== address),
  })
}
