import type { RequestSpec } from '../../compute/rpc.js'
import type { HostState } from '../host-state.js'
import type { SchedulerConfig } from '../scheduler-config.js'

/**
 * A host weigher (nova/scheduler/weights): raw weights are normalised to 0..1
 * across the candidate hosts, multiplied by multiplier(host) and summed over
 * weighers; the highest total wins.
 */
export interface HostWeigher {
  readonly name: string
  weigh(host: HostState, spec: RequestSpec): number
  multiplier(host: HostState): number
}

export type HostWeigherFactory = (config: SchedulerConfig) => HostWeigher

/**
 * Nova's get_weight_multiplier: the `<option>` metadata of the host's
 * aggregates overrides the configured value (the smallest when several do).
 */
export function weightMultiplier(host: HostState, option: string, configured: number): number {
  const values = (host.aggregateMetadata.get(option) ?? [])
    .map(Number)
    .filter((v) => Number.isFinite(v))
  return values.length > 0 ? Math.min(...values) : configured
}

/** Nova's weights.normalize: to 0..1 by min and max; all equal → all 0. */
export function normalize(values: readonly number[]): number[] {
  if (values.length === 0) return []
  let min = Infinity
  let max = -Infinity
  for (const v of values) {
    if (v < min) min = v
    if (v > max) max = v
  }
  if (min === max) return values.map(() => 0)
  const range = max - min
  return values.map((v) => (v - min) / range)
}

/** Total weight of each host (same order as `hosts`). */
export function weighHosts(
  weighers: readonly HostWeigher[],
  hosts: readonly HostState[],
  spec: RequestSpec,
): number[] {
  const totals = hosts.map(() => 0)
  for (const w of weighers) {
    const norm = normalize(hosts.map((h) => w.weigh(h, spec)))
    for (let i = 0; i < hosts.length; i++) {
      const h = hosts[i] as HostState
      totals[i] = (totals[i] ?? 0) + w.multiplier(h) * (norm[i] ?? 0)
    }
  }
  return totals
}
