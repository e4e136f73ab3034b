import { ConfigError } from '../../../config/load.js'
import type { SchedulerConfig } from '../scheduler-config.js'
import { buildFailureWeigher, cpuWeigher, diskWeigher, ramWeigher } from './resource-weighers.js'
import {
  serverGroupSoftAffinityWeigher,
  serverGroupSoftAntiAffinityWeigher,
} from './server-group-weighers.js'
import type { HostWeigher, HostWeigherFactory } from './weigher.js'

/** Every weigher by its [filter_scheduler] weight_classes name. */
export const weigherFactories: Readonly<Record<string, HostWeigherFactory>> = {
  RAMWeigher: ramWeigher,
  CPUWeigher: cpuWeigher,
  DiskWeigher: diskWeigher,
  ServerGroupSoftAffinityWeigher: serverGroupSoftAffinityWeigher,
  ServerGroupSoftAntiAffinityWeigher: serverGroupSoftAntiAffinityWeigher,
  BuildFailureWeigher: buildFailureWeigher,
}

/** The configured weighers; an unknown name is a ConfigError. */
export function buildWeighers(config: SchedulerConfig): HostWeigher[] {
  return config.filterScheduler.weight_classes.map((name) => {
    const f = weigherFactories[name]
    if (!f)
      throw new ConfigError(
        `[filter_scheduler] weight_classes: unknown weigher ${JSON.stringify(name)}; known: ${Object.keys(weigherFactories).join(', ')}`,
      )
    return f(config)
  })
}

export { normalize, weighHosts, weightMultiplier, type HostWeigher } from './weigher.js'
