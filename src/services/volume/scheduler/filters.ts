import type { PoolRow } from '../../../db/repositories/volume/backends.js'

/** What the scheduler must place (cinder's RequestSpec, trimmed). */
export interface VolumeRequestSpec {
  readonly sizeGb: number
  readonly availabilityZone: string
  readonly typeSpecs: Readonly<Record<string, string>>
  /** Only this backend (host@backend) may take it: volumes from a snapshot or clone. */
  readonly backend?: string | undefined
}

export interface PoolState {
  readonly row: PoolRow
  readonly capabilities: Record<string, unknown>
}

/** Most GiB the pool's allocation may reach: thin pools may over-subscribe. */
export function allocationLimit(p: PoolRow): number {
  const usable = p.total_capacity_gb * (1 - p.reserved_percentage / 100)
  return Math.floor(p.thin_provisioning === 1 ? usable * p.max_over_subscription_ratio : usable)
}

/** AvailabilityZoneFilter. */
export function availabilityZoneFilter(p: PoolState, spec: VolumeRequestSpec): boolean {
  return p.row.availability_zone === spec.availabilityZone
}

/**
 * CapacityFilter: thick pools need real free space; thin pools need the
 * provisioned ratio to stay within max_over_subscription_ratio.
 */
export function capacityFilter(p: PoolState, spec: VolumeRequestSpec): boolean {
  const r = p.row
  const reserved = (r.total_capacity_gb * r.reserved_percentage) / 100
  if (r.thin_provisioning === 1) {
    if (r.total_capacity_gb <= 0) return false
    const ratio = (r.allocated_capacity_gb + spec.sizeGb) / r.total_capacity_gb
    return (
      ratio <= r.max_over_subscription_ratio &&
      allocationLimit(r) >= r.allocated_capacity_gb + spec.sizeGb
    )
  }
  return (
    r.free_capacity_gb - reserved >= spec.sizeGb &&
    allocationLimit(r) >= r.allocated_capacity_gb + spec.sizeGb
  )
}

/**
 * CapabilitiesFilter (cinder/scheduler/filters/capabilities_filter.py): every
 * unscoped or `capabilities:` scoped extra spec must match the pool's
 * capability by cinder's extra_specs_ops; other scopes (vmware:…) are ignored.
 */
export function capabilitiesFilter(p: PoolState, spec: VolumeRequestSpec): boolean {
  for (const [key, req] of Object.entries(spec.typeSpecs)) {
    const scope = key.split(':')
    if (scope.length > 1 && scope[0] !== 'capabilities') continue
    const path = scope[0] === 'capabilities' ? scope.slice(1) : scope
    let cap: unknown = p.capabilities
    for (const part of path) {
      if (cap === null || typeof cap !== 'object' || !(part in cap)) {
        // multiattach is a request flag as much as a capability: absent means false.
        if (key === 'multiattach' && !/true/i.test(req)) break
        return false
      }
      cap = (cap as Record<string, unknown>)[part]
    }
    if (path.length === 1 && path[0] === 'multiattach' && cap === undefined) continue
    if (!matchSpec(cap, req)) return false
  }
  return true
}

/** cinder/scheduler/filters/extra_specs_ops.py match(). */
export function matchSpec(value: unknown, req: string): boolean {
  const words = req.trim().split(/\s+/)
  const op = words[0] ?? ''
  const v = typeof value === 'boolean' ? (value ? 'True' : 'False') : String(value)
  const num = (s: string): number => Number(s)
  switch (op) {
    case '<is>':
      return String(value).toLowerCase() === (words[1] ?? '').toLowerCase()
    case '<in>':
      return v.includes(words.slice(1).join(' '))
    case '<all-in>':
      return words.slice(1).every((w) => v.includes(w))
    case '<or>': {
      const alts = words.slice(1).filter((w) => w !== '<or>')
      return alts.includes(v)
    }
    case '=':
      return num(v) >= num(words[1] ?? '')
    case '==':
      return num(v) === num(words[1] ?? '')
    case '!=':
      return num(v) !== num(words[1] ?? '')
    case '>=':
      return num(v) >= num(words[1] ?? '')
    case '<=':
      return num(v) <= num(words[1] ?? '')
    case 's==':
      return v === words.slice(1).join(' ')
    case 's!=':
      return v !== words.slice(1).join(' ')
    case 's>=':
      return v >= words.slice(1).join(' ')
    case 's<=':
      return v <= words.slice(1).join(' ')
    case 's>':
      return v > words.slice(1).join(' ')
    case 's<':
      return v < words.slice(1).join(' ')
    default:
      return v === req || (typeof value === 'boolean' && v.toLowerCase() === req.toLowerCase())
  }
}

/** CapacityWeigher: most free (virtual, for thin) capacity first. */
export function freeCapacityWeight(p: PoolState): number {
  const r = p.row
  if (r.thin_provisioning === 1) return allocationLimit(r) - r.allocated_capacity_gb
  return r.free_capacity_gb - (r.total_capacity_gb * r.reserved_percentage) / 100
}
