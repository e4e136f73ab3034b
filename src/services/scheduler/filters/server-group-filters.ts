import type { RequestSpec } from '../../compute/rpc.js'
import type { HostFilterFactory } from './filter.js'

/** Members of the request's group already on `host` (the conductor's counts plus this request's placements). */
export function groupMembersOn(spec: RequestSpec, host: string): number {
  const g = spec.instanceGroup
  if (!g) return 0
  const counted = g.memberCountByHost[host]
  if (counted !== undefined) return counted
  return g.hosts.includes(host) ? 1 : 0
}

/**
 * anti-affinity groups: fewer than rules.max_server_per_host (default 1)
 * members may already be on the host.
 */
export const serverGroupAntiAffinityFilter: HostFilterFactory = () => ({
  name: 'ServerGroupAntiAffinityFilter',
  hostPasses(host, spec) {
    const g = spec.instanceGroup
    if (!g || g.policy !== 'anti-affinity') return true
    const max = g.rules.max_server_per_host ?? 1
    return groupMembersOn(spec, host.host) < max
  },
  explain(_rejected, spec) {
    const g = spec.instanceGroup
    return `every host already has ${g?.rules.max_server_per_host ?? 1} member(s) of anti-affinity server group ${g?.uuid ?? ''}`
  },
})

/** affinity groups: once a member is placed, only its host qualifies. */
export const serverGroupAffinityFilter: HostFilterFactory = () => ({
  name: 'ServerGroupAffinityFilter',
  hostPasses(host, spec) {
    const g = spec.instanceGroup
    if (!g || g.policy !== 'affinity' || g.hosts.length === 0) return true
    return g.hosts.includes(host.host)
  },
  explain(_rejected, spec) {
    return `the host(s) of affinity server group ${spec.instanceGroup?.uuid ?? ''} (${spec.instanceGroup?.hosts.join(', ') ?? ''}) cannot take the server`
  },
})

function hostsOf(spec: RequestSpec, uuids: readonly string[]): Set<string> {
  const out = new Set<string>()
  for (const u of uuids) {
    const h = spec.hostsOfInstances?.[u]
    if (h) out.add(h)
  }
  return out
}

/** same_host hint: only hosts that run one of the listed instances. */
export const sameHostFilter: HostFilterFactory = () => ({
  name: 'SameHostFilter',
  hostPasses(host, spec) {
    const uuids = spec.schedulerHints.sameHost ?? []
    return uuids.length === 0 || hostsOf(spec, uuids).has(host.host)
  },
})

/** different_host hint: no host that runs one of the listed instances. */
export const differentHostFilter: HostFilterFactory = () => ({
  name: 'DifferentHostFilter',
  hostPasses(host, spec) {
    const uuids = spec.schedulerHints.differentHost ?? []
    return uuids.length === 0 || !hostsOf(spec, uuids).has(host.host)
  },
})
