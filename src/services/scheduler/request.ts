import type { RequestSpec } from '../compute/rpc.js'
import type { HostState, SubHostState } from './host-state.js'

/**
 * Placement resources one instance of the request needs. Disk is root +
 * ephemeral + swap rounded up to GiB, as Nova's resources_from_flavor; a
 * boot from volume (no image) does not count the root disk.
 */
export function resourcesOf(spec: RequestSpec): Readonly<Record<string, number>> {
  let r = resourcesMemo.get(spec)
  if (!r) resourcesMemo.set(spec, (r = computeResources(spec)))
  return r
}

// Filters ask once per host; a request spec is immutable, so compute once per spec.
const resourcesMemo = new WeakMap<RequestSpec, Readonly<Record<string, number>>>()
const azMemo = new WeakMap<RequestSpec, ReturnType<typeof splitAvailabilityZone>>()

function computeResources(spec: RequestSpec): Record<string, number> {
  const f = spec.flavor
  const root = spec.image ? f.rootGb : 0
  return {
    VCPU: f.vcpus,
    MEMORY_MB: f.memoryMb,
    DISK_GB: root + f.ephemeralGb + Math.ceil(f.swapMb / 1024),
  }
}

/** `availability_zone` split as Nova does: "az", "az:host", "az:host:node", ":host". */
export function parseAvailabilityZone(spec: RequestSpec): ReturnType<typeof splitAvailabilityZone> {
  let r = azMemo.get(spec)
  if (!r) azMemo.set(spec, (r = splitAvailabilityZone(spec)))
  return r
}

function splitAvailabilityZone(spec: RequestSpec): {
  zone: string | undefined
  forceHost: string | undefined
  forceNode: string | undefined
} {
  const raw = spec.availabilityZone ?? ''
  const [zone, host, node] = raw.split(':')
  return {
    zone: zone ? zone : undefined,
    forceHost: spec.forceHost ?? (host ? host : undefined),
    forceNode: spec.forceNode ?? (node ? node : undefined),
  }
}

/** Sub-hosts that are up and have room for the flavor right now. */
export function fittingSubHosts(host: HostState, spec: RequestSpec): SubHostState[] {
  const f = spec.flavor
  return host.subHosts.filter(
    (s) =>
      s.state === 'up' &&
      s.vcpus - s.vcpusUsed >= f.vcpus &&
      s.memoryMb - s.memoryMbUsed >= f.memoryMb,
  )
}

/** The sub-host to put an instance on: the fitting one with the most free memory. */
export function pickSubHost(host: HostState, spec: RequestSpec): SubHostState | undefined {
  let best: SubHostState | undefined
  for (const s of fittingSubHosts(host, spec))
    if (!best || s.memoryMb - s.memoryMbUsed > best.memoryMb - best.memoryMbUsed) best = s
  return best
}
