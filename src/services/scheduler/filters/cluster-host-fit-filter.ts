import { fittingSubHosts } from '../request.js'
import type { HostFilterFactory } from './filter.js'

/**
 * For nodes made of sub-hosts (a vCenter cluster of ESXi hosts): some single
 * sub-host that is up must hold the flavor's vCPUs and memory, since a VM
 * cannot span hosts however much the cluster has in total (seed 004: the
 * 10 GB VM on a cluster of two hosts with 6 GB free each). Nodes without
 * sub-hosts pass.
 */
export const clusterHostFitFilter: HostFilterFactory = () => ({
  name: 'ClusterHostFitFilter',
  hostPasses(host, spec) {
    return host.subHosts.length === 0 || fittingSubHosts(host, spec).length > 0
  },
  explain(rejected, spec) {
    const names = rejected.filter((h) => h.subHosts.length > 0).map((h) => h.nodename)
    const f = spec.flavor
    return `no single host in cluster ${names.join(', ')} can hold ${f.memoryMb} MB and ${f.vcpus} vCPUs`
  },
})

/** Keeps everything (Nova's AllHostsFilter). */
export const allHostsFilter: HostFilterFactory = () => ({
  name: 'AllHostsFilter',
  hostPasses: () => true,
})
