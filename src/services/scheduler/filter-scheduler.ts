import { performance } from 'node:perf_hooks'
import type { Db } from '../../db/database.js'
import { claim, deleteAllocations } from '../placement/claims.js'
import type { RequestSpec, Selection } from '../compute/rpc.js'
import { NoValidHostError } from './errors.js'
import { buildFilters, type HostFilter } from './filters/index.js'
import type { HostState } from './host-state.js'
import { HostStateLoader } from './host-state-loader.js'
import { SubHostLedger } from './sub-host-ledger.js'
import { parseAvailabilityZone, pickSubHost, resourcesOf } from './request.js'
import type { SchedulerConfig } from './scheduler-config.js'
import { buildWeighers, weighHosts, type HostWeigher } from './weighers/index.js'

export interface FilterSchedulerOptions {
  /** Epoch ms (tests move time for ComputeFilter). */
  readonly now?: () => number
  /** In [0, 1) (tests pin host_subset_size picks). */
  readonly random?: () => number
  /** Called with each decision's duration in ms (filters + weighers, without claims and loading). */
  readonly onDecision?: (ms: number, hosts: number) => void
}

export interface FilterScheduler {
  /**
   * For each instance uuid: [primary, ...alternates], the primary claimed in
   * placement for that uuid. All-or-nothing: when one instance finds no host,
   * the claims made for the others are released and NoValidHostError is thrown.
   */
  selectDestinations(spec: RequestSpec, instanceUuids: readonly string[]): Promise<Selection[][]>
}

/** Outcome of the filters for one instance: the hosts left, or why none are. */
interface Filtered {
  readonly hosts: HostState[]
  readonly detail?: string
}

/** Builds the scheduler; unknown filter or weigher names throw ConfigError here, at start. */
export function createFilterScheduler(
  db: Db,
  config: SchedulerConfig,
  options: FilterSchedulerOptions = {},
): FilterScheduler {
  const now = options.now ?? Date.now
  const random = options.random ?? Math.random
  const filters = buildFilters(config, now)
  const weighers = buildWeighers(config)
  const maxAttempts = config.scheduler.max_attempts
  const subsetSize = config.filterScheduler.host_subset_size
  const loader = new HostStateLoader(db)
  const ledger = new SubHostLedger()

  return {
    async selectDestinations(spec, instanceUuids) {
      const hosts = await loader.load(config.compute.default_availability_zone)
      ledger.apply(hosts, now())
      const resources = resourcesOf(spec)
      const owner = { projectId: spec.projectId, userId: spec.userId }
      // Placements of this request update a private copy of the group, so the
      // group filters and weighers see earlier members of the same request.
      let group = spec.instanceGroup
        ? {
            ...spec.instanceGroup,
            hosts: [...spec.instanceGroup.hosts],
            memberCountByHost: { ...spec.instanceGroup.memberCountByHost },
          }
        : undefined
      const full = new Set<string>()
      const claimed: string[] = []
      const results: Selection[][] = []
      try {
        for (const uuid of instanceUuids) {
          const s: RequestSpec = group ? { ...spec, instanceGroup: group } : spec
          const t0 = performance.now()
          const filtered = candidates(filters, hosts, s, full)
          if (filtered.hosts.length === 0) throw new NoValidHostError(filtered.detail)
          const order = rank(weighers, filtered.hosts, s, subsetSize, random)
          options.onDecision?.(performance.now() - t0, hosts.length)

          let primary: HostState | undefined
          for (const h of order) {
            if (await claim(db, uuid, h.uuid, resources, owner)) {
              primary = h
              break
            }
            full.add(h.uuid)
          }
          if (!primary) throw new NoValidHostError('every candidate host filled up while claiming')
          claimed.push(uuid)
          const subHost = primary.subHosts.length > 0 ? pickSubHost(primary, s) : undefined
          consume(primary, resources, subHost?.name)
          if (subHost)
            ledger.record(primary.uuid, {
              consumer: uuid,
              subHost: subHost.name,
              vcpus: resources['VCPU'] ?? 0,
              memoryMb: resources['MEMORY_MB'] ?? 0,
              atMs: now(),
            })
          else ledger.forget(uuid)

          const alternates = order
            .filter((h) => h !== primary && !full.has(h.uuid))
            .slice(0, Math.max(0, maxAttempts - 1))
          results.push([
            selection(primary, resources, subHost?.name),
            ...alternates.map((h) =>
              selection(h, resources, h.subHosts.length > 0 ? pickSubHost(h, s)?.name : undefined),
            ),
          ])
          if (group) {
            const host = primary.host
            group = {
              ...group,
              hosts: group.hosts.includes(host) ? group.hosts : [...group.hosts, host],
              memberCountByHost: {
                ...group.memberCountByHost,
                [host]: (group.memberCountByHost[host] ?? (group.hosts.includes(host) ? 1 : 0)) + 1,
              },
            }
          }
        }
        return results
      } catch (err) {
        for (const uuid of claimed) {
          ledger.forget(uuid)
          await deleteAllocations(db, uuid)
        }
        throw err
      }
    },
  }
}

/**
 * The hosts an instance may go to: forced host/node bypass the filters (they
 * must exist), ignoreHosts and hosts that filled up during this request are
 * dropped, then each enabled filter in order.
 */
function candidates(
  filters: readonly HostFilter[],
  all: readonly HostState[],
  spec: RequestSpec,
  full: ReadonlySet<string>,
): Filtered {
  if (all.length === 0) return { hosts: [], detail: 'There are no compute nodes.' }
  const ignore = new Set(spec.ignoreHosts ?? [])
  let hosts = all.filter((h) => !ignore.has(h.host) && !full.has(h.uuid))
  const { forceHost, forceNode } = parseAvailabilityZone(spec)
  if (forceHost !== undefined || forceNode !== undefined) {
    const forced = hosts.filter(
      (h) =>
        (forceHost === undefined || h.host === forceHost) &&
        (forceNode === undefined || h.nodename === forceNode || h.hypervisorHostname === forceNode),
    )
    if (forced.length > 0) return { hosts: forced }
    const what = [forceHost && `host ${forceHost}`, forceNode && `node ${forceNode}`]
      .filter(Boolean)
      .join(', ')
    return { hosts: [], detail: `The requested ${what} is not available.` }
  }
  if (spec.requestedHost !== undefined || spec.requestedNode !== undefined) {
    const { requestedHost: rh, requestedNode: rn } = spec
    hosts = hosts.filter(
      (h) =>
        (rh === undefined || h.host === rh) &&
        (rn === undefined || h.nodename === rn || h.hypervisorHostname === rn),
    )
    if (hosts.length === 0)
      return {
        hosts,
        detail: `The requested destination ${[rh, rn].filter(Boolean).join('/')} is excluded or full.`,
      }
  }
  if (hosts.length === 0) return { hosts, detail: 'every compute node is excluded or full' }
  // One pass with every filter; only when nothing is left, replay filter by
  // filter to name the one that removed the last hosts.
  const passed = hosts.filter((h) => filters.every((f) => f.hostPasses(h, spec)))
  if (passed.length > 0) return { hosts: passed }
  for (const f of filters) {
    const kept = hosts.filter((h) => f.hostPasses(h, spec))
    if (kept.length === 0) {
      const why = f.explain?.(hosts, spec)
      return {
        hosts: [],
        detail: `Filter ${f.name} rejected the remaining ${hosts.length} host(s)${why ? `: ${why}` : ''}.`,
      }
    }
    hosts = kept
  }
  return { hosts: [], detail: 'no host passes every filter' }
}

/**
 * Hosts best first. With host_subset_size > 1 the first is drawn at random
 * among the best N (Nova's spreading of concurrent schedulers).
 */
function rank(
  weighers: readonly HostWeigher[],
  hosts: readonly HostState[],
  spec: RequestSpec,
  subsetSize: number,
  random: () => number,
): HostState[] {
  const weights = weighHosts(weighers, hosts, spec)
  const idx = hosts.map((_, i) => i).sort((a, b) => (weights[b] ?? 0) - (weights[a] ?? 0))
  const n = Math.min(subsetSize, idx.length)
  if (n > 1) {
    const pick = Math.floor(random() * n)
    const [chosen] = idx.splice(pick, 1)
    if (chosen !== undefined) idx.unshift(chosen)
  }
  return idx.map((i) => hosts[i] as HostState)
}

function consume(
  host: HostState,
  resources: Readonly<Record<string, number>>,
  subHost?: string,
): void {
  for (const [cls, n] of Object.entries(resources)) host.used[cls] = (host.used[cls] ?? 0) + n
  host.numInstances += 1
  const sh = subHost === undefined ? undefined : host.subHosts.find((s) => s.name === subHost)
  if (sh) {
    sh.vcpusUsed += resources['VCPU'] ?? 0
    sh.memoryMbUsed += resources['MEMORY_MB'] ?? 0
  }
}

function selection(
  host: HostState,
  resources: Readonly<Record<string, number>>,
  subHost: string | undefined,
): Selection {
  return {
    host: host.host,
    nodename: host.nodename,
    providerUuid: host.uuid,
    ...(subHost !== undefined ? { subHost } : {}),
    resources: { ...resources },
  }
}
