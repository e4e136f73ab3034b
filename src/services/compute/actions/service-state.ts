import { getServiceByHost } from '../../../db/repositories/compute/services.js'
import type { ComputeContext } from '../compute-context.js'

/** servicegroup_api.service_is_up for a host's nova-compute: recent heartbeat, not forced down. */
export async function computeServiceIsUp(ctx: ComputeContext, host: string): Promise<boolean> {
  const svc = await getServiceByHost(ctx.db, host, 'nova-compute')
  if (!svc || svc.forced_down === 1 || !svc.last_seen_up) return false
  const last = Date.parse(svc.last_seen_up)
  return Number.isFinite(last) && Date.now() - last <= ctx.config.compute.service_down_time * 1000
}

/** Whether a compute host is known at all (ComputeHostNotFound otherwise). */
export async function computeHostExists(ctx: ComputeContext, host: string): Promise<boolean> {
  return (await getServiceByHost(ctx.db, host, 'nova-compute')) !== undefined
}
