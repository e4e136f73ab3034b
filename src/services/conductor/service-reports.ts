import type { NodeResources } from '../../virt/driver.js'
import { upsertComputeNode } from '../../db/repositories/compute/compute-nodes.js'
import { heartbeat } from '../../db/repositories/compute/services.js'
import { syncProvider } from '../placement/index.js'
import { COMPUTE_TOPIC } from '../compute/rpc.js'
import {
  conductorMethod,
  type ConductorContext,
  type ConductorMethods,
} from './conductor-method.js'

/** Stores a node's resource report and mirrors it into placement. */
export async function recordNodeReport(
  c: ConductorContext,
  host: string,
  r: NodeResources,
): Promise<void> {
  const running = await c.db
    .selectFrom('instances')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('host', '=', host)
    .where('node', '=', r.nodename)
    .where('deleted', '=', 0)
    .executeTakeFirst()
  const row = await upsertComputeNode(c.db, host, r.nodename, {
    hypervisor_hostname: r.hypervisorHostname,
    hypervisor_type: r.hypervisorType,
    hypervisor_version: r.hypervisorVersion,
    host_ip: r.hostIp,
    vcpus: r.vcpus,
    vcpus_used: r.vcpusUsed,
    memory_mb: r.memoryMb,
    memory_mb_used: r.memoryMbUsed,
    local_gb: r.localGb,
    local_gb_used: r.localGbUsed,
    running_vms: Number(running?.n ?? 0),
    cpu_info: JSON.stringify(r.cpuInfo),
    supported_instances: JSON.stringify(r.supportedInstances),
    traits: JSON.stringify(r.traits),
    sub_hosts: JSON.stringify(r.subHosts ?? []),
  })
  const p = c.config.placement
  await syncProvider(
    c.db,
    { uuid: row.uuid, name: r.nodename, resources: r },
    {
      cpuAllocationRatio: p.cpu_allocation_ratio,
      ramAllocationRatio: p.ram_allocation_ratio,
      diskAllocationRatio: p.disk_allocation_ratio,
      reservedHostMemoryMb: p.reserved_host_memory_mb,
      reservedHostDiskMb: p.reserved_host_disk_mb,
      reservedHostCpus: p.reserved_host_cpus,
    },
  )
}

/** Heartbeats and node reports of compute workers. */
export const serviceReportMethods: ConductorMethods = {
  service_heartbeat: conductorMethod<{ host: string }>(async (c, a) =>
    heartbeat(c.db, { host: a.host, binary: 'nova-compute', topic: COMPUTE_TOPIC }),
  ),
  node_report: conductorMethod<{ host: string; resources: NodeResources }>(async (c, a) =>
    recordNodeReport(c, a.host, a.resources),
  ),
}
