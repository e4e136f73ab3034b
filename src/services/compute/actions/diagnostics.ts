import { NotImplementedError } from '../../../common/errors.js'
import type { ServerDiagnostics } from '../../../virt/driver.js'
import type { ComputeContext } from '../compute-context.js'
import { callCompute, type ActionCaller } from './action-start.js'
import { checkHost, loadInstance, requireAdmin } from './instance-guard.js'

/**
 * os-server-diagnostics (admin): the driver's view of a running server,
 * fetched from its compute host. From 2.48 in Nova's standard form; before,
 * the flat libvirt-style dict older clients read.
 */
export async function serverDiagnostics(
  ctx: ComputeContext,
  caller: ActionCaller,
  id: string,
  mv: number,
): Promise<Record<string, unknown>> {
  const inst = await loadInstance(ctx, caller.auth, id)
  requireAdmin(caller.auth, 'os_compute_api:os-server-diagnostics')
  const host = checkHost(inst)
  let d: ServerDiagnostics
  try {
    d = (await callCompute(ctx, host, 'get_diagnostics', {
      instanceUuid: inst.uuid,
      requestId: caller.requestId,
    })) as unknown as ServerDiagnostics
  } catch (err) {
    if (err instanceof NotImplementedError)
      throw new NotImplementedError('Unable to get diagnostics, functionality not implemented')
    throw err
  }
  return mv >= 48 ? { ...d } : legacyDiagnostics(d)
}

/** The pre-2.48 shape: one flat key per counter (cpu0_time, memory, vda_read, vnet0_rx, …). */
function legacyDiagnostics(d: ServerDiagnostics): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const c of d.cpu_details) out[`cpu${c.id ?? 0}_time`] = c.time
  if (d.memory_details.maximum !== null) out['memory'] = d.memory_details.maximum * 1024
  d.disk_details.forEach((x, i) => {
    const dev = `vd${String.fromCharCode(97 + i)}`
    out[`${dev}_read`] = x.read_bytes
    out[`${dev}_read_req`] = x.read_requests
    out[`${dev}_write`] = x.write_bytes
    out[`${dev}_write_req`] = x.write_requests
    out[`${dev}_errors`] = x.errors_count
  })
  d.nic_details.forEach((n, i) => {
    out[`vnet${i}_rx`] = n.rx_octets
    out[`vnet${i}_rx_drop`] = n.rx_drop
    out[`vnet${i}_rx_errors`] = n.rx_errors
    out[`vnet${i}_rx_packets`] = n.rx_packets
    out[`vnet${i}_tx`] = n.tx_octets
    out[`vnet${i}_tx_drop`] = n.tx_drop
    out[`vnet${i}_tx_errors`] = n.tx_errors
    out[`vnet${i}_tx_packets`] = n.tx_packets
  })
  return out
}
