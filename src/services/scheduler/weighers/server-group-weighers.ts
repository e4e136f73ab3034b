import { groupMembersOn } from '../filters/server-group-filters.js'
import { weightMultiplier, type HostWeigherFactory } from './weigher.js'

/** soft-affinity groups: hosts with more members of the group weigh more. */
export const serverGroupSoftAffinityWeigher: HostWeigherFactory = (config) => ({
  name: 'ServerGroupSoftAffinityWeigher',
  weigh: (host, spec) =>
    spec.instanceGroup?.policy === 'soft-affinity' ? groupMembersOn(spec, host.host) : 0,
  multiplier: (host) =>
    weightMultiplier(
      host,
      'soft_affinity_weight_multiplier',
      config.filterScheduler.soft_affinity_weight_multiplier,
    ),
})

/** soft-anti-affinity groups: hosts with more members of the group weigh less. */
export const serverGroupSoftAntiAffinityWeigher: HostWeigherFactory = (config) => ({
  name: 'ServerGroupSoftAntiAffinityWeigher',
  weigh: (host, spec) =>
    spec.instanceGroup?.policy === 'soft-anti-affinity' ? -groupMembersOn(spec, host.host) : 0,
  multiplier: (host) =>
    weightMultiplier(
      host,
      'soft_anti_affinity_weight_multiplier',
      config.filterScheduler.soft_anti_affinity_weight_multiplier,
    ),
})
