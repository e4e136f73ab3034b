import { matchExtraSpec } from './extra-specs-ops.js'
import type { HostFilterFactory } from './filter.js'

const SCOPE = 'aggregate_instance_extra_specs'

/**
 * Flavor extra specs in the `aggregate_instance_extra_specs:` scope (or
 * unscoped, as Nova) must match the metadata of one of the host's aggregates.
 */
export const aggregateInstanceExtraSpecsFilter: HostFilterFactory = () => ({
  name: 'AggregateInstanceExtraSpecsFilter',
  hostPasses(host, spec) {
    for (const [rawKey, req] of Object.entries(spec.flavor.extraSpecs)) {
      const i = rawKey.indexOf(':')
      if (i >= 0 && rawKey.slice(0, i) !== SCOPE) continue
      const key = i >= 0 ? rawKey.slice(i + 1) : rawKey
      const values = host.aggregateMetadata.get(key)
      if (!values || values.length === 0) return false
      if (!values.some((v) => matchExtraSpec(v, req))) return false
    }
    return true
  },
  explain() {
    return 'no host aggregate matches the flavor extra specs'
  },
})
