import type { Selectable } from 'kysely'
import type { ComputeNodeTable } from '../../db/compute-schema.js'
import type { Db } from '../../db/database.js'
import { allProviderUsages } from '../../db/repositories/placement/allocations.js'
import { allBuildFailures } from '../../db/repositories/placement/build-failures.js'
import { aggregatesByHost } from '../../db/repositories/placement/host-aggregates.js'
import type { InventoryLimits } from '../placement/capacity.js'
import type { SubHostResources } from '../../virt/driver.js'
import type { ComputeServiceState, HostState } from './host-state.js'

/** The parts of a compute_nodes row that only change when the row does. */
interface NodeEntry {
  readonly updatedAt: string
  readonly host: string
  readonly nodename: string
  readonly uuid: string
  readonly hypervisorType: string
  readonly hypervisorVersion: number
  readonly hypervisorHostname: string
  readonly hostIp: string
  readonly cpuInfo: Readonly<Record<string, unknown>>
  readonly supportedInstances: ReadonlyArray<readonly [string, string, string]>
  readonly traits: readonly string[]
  readonly vcpus: number
  readonly memoryMb: number
  readonly localGb: number
  readonly subHosts: readonly SubHostResources[]
  readonly runningVms: number
}

function parseJson<T>(text: string, fallback: T): T {
  try {
    return JSON.parse(text) as T
  } catch {
    return fallback
  }
}

function nodeEntry(n: Selectable<ComputeNodeTable>): NodeEntry {
  const subHosts = parseJson<SubHostResources[]>(n.sub_hosts, [])
  return {
    updatedAt: n.updated_at,
    host: n.host,
    nodename: n.nodename,
    uuid: n.uuid,
    hypervisorType: n.hypervisor_type,
    hypervisorVersion: Number(n.hypervisor_version),
    hypervisorHostname: n.hypervisor_hostname,
    hostIp: n.host_ip,
    cpuInfo: parseJson<Record<string, unknown>>(n.cpu_info, {}),
    supportedInstances: parseJson<Array<[string, string, string]>>(n.supported_instances, []),
    traits: parseJson<string[]>(n.traits, []),
    vcpus: Number(n.vcpus),
    memoryMb: Number(n.memory_mb),
    localGb: Number(n.local_gb),
    subHosts: Array.isArray(subHosts) ? subHosts : [],
    runningVms: Number(n.running_vms),
  }
}

const CHUNK = 500

/**
 * Loads every compute node's state for one scheduling request: one query per
 * table, joined in memory. Node rows and inventories are cached between
 * requests and re-read only when they changed (node: its updated_at;
 * inventories: a count/sum signature), because at 10,000 nodes parsing them
 * dominates; services (heartbeats), usages, aggregates and build failures are
 * read fresh every time.
 */
export class HostStateLoader {
  readonly #db: Db
  readonly #nodes = new Map<number, NodeEntry>()
  #inventories = new Map<string, Record<string, InventoryLimits>>()
  #inventorySignature = ''

  constructor(db: Db) {
    this.#db = db
  }

  async load(defaultAz: string): Promise<HostState[]> {
    const db = this.#db
    const [, , services, usages, aggs, failures] = await Promise.all([
      this.#refreshNodes(),
      this.#refreshInventories(),
      db
        .selectFrom('compute_services')
        .select(['host', 'binary', 'disabled', 'disabled_reason', 'forced_down', 'last_seen_up'])
        .where((eb) => eb.or([eb('binary', '=', 'nova-compute'), eb('topic', '=', 'compute')]))
        .execute(),
      allProviderUsages(db),
      aggregatesByHost(db),
      allBuildFailures(db),
    ])
    const serviceByHost = new Map<string, ComputeServiceState>()
    for (const s of services) {
      // A 'nova-compute' row wins over any other row with topic compute on the same host.
      if (serviceByHost.has(s.host) && s.binary !== 'nova-compute') continue
      serviceByHost.set(s.host, {
        disabled: Number(s.disabled) === 1,
        disabledReason: s.disabled_reason,
        forcedDown: Number(s.forced_down) === 1,
        lastSeenUpMs: s.last_seen_up ? Date.parse(s.last_seen_up) : undefined,
      })
    }
    const metaCache = new Map<string, { meta: Map<string, string[]>; azs: string[] }>()
    const metaOf = (host: string): { meta: Map<string, string[]>; azs: string[] } => {
      let hm = metaCache.get(host)
      if (!hm) {
        const meta = new Map<string, string[]>()
        for (const a of aggs.get(host) ?? [])
          for (const [k, v] of Object.entries(a.metadata)) {
            const list = meta.get(k)
            if (!list) meta.set(k, [v])
            else if (!list.includes(v)) list.push(v)
          }
        hm = { meta, azs: meta.get('availability_zone') ?? [defaultAz] }
        metaCache.set(host, hm)
      }
      return hm
    }
    const out: HostState[] = []
    for (const n of this.#nodes.values()) {
      const hm = metaOf(n.host)
      out.push({
        host: n.host,
        nodename: n.nodename,
        uuid: n.uuid,
        hypervisorType: n.hypervisorType,
        hypervisorVersion: n.hypervisorVersion,
        hypervisorHostname: n.hypervisorHostname,
        hostIp: n.hostIp,
        cpuInfo: n.cpuInfo,
        supportedInstances: n.supportedInstances,
        traits: n.traits,
        vcpus: n.vcpus,
        memoryMb: n.memoryMb,
        localGb: n.localGb,
        service: serviceByHost.get(n.host),
        inventory: this.#inventories.get(n.uuid) ?? {},
        used: { ...(usages.get(n.uuid) ?? {}) },
        aggregates: aggs.get(n.host) ?? [],
        aggregateMetadata: hm.meta,
        availabilityZones: hm.azs,
        subHosts: n.subHosts.map((s) => ({
          name: s.name,
          state: s.state,
          vcpus: s.vcpus,
          vcpusUsed: s.vcpusUsed,
          memoryMb: s.memoryMb,
          memoryMbUsed: s.memoryMbUsed,
        })),
        reportedAtMs: Date.parse(n.updatedAt),
        failedBuilds: failures.get(n.host) ?? 0,
        numInstances: n.runningVms,
      })
    }
    return out
  }

  async #refreshNodes(): Promise<void> {
    const db = this.#db
    const stamps = await db.selectFrom('compute_nodes').select(['id', 'updated_at']).execute()
    const seen = new Set<number>()
    const stale: number[] = []
    for (const s of stamps) {
      seen.add(s.id)
      if (this.#nodes.get(s.id)?.updatedAt !== s.updated_at) stale.push(s.id)
    }
    for (const id of this.#nodes.keys()) if (!seen.has(id)) this.#nodes.delete(id)
    if (stale.length === 0) return
    const rows =
      stale.length > stamps.length / 2
        ? await db.selectFrom('compute_nodes').selectAll().orderBy('id').execute()
        : (
            await Promise.all(
              Array.from({ length: Math.ceil(stale.length / CHUNK) }, (_, i) =>
                db
                  .selectFrom('compute_nodes')
                  .selectAll()
                  .where('id', 'in', stale.slice(i * CHUNK, (i + 1) * CHUNK))
                  .orderBy('id')
                  .execute(),
              ),
            )
          ).flat()
    for (const r of rows) this.#nodes.set(r.id, nodeEntry(r))
  }

  async #refreshInventories(): Promise<void> {
    const db = this.#db
    const sig = await db
      .selectFrom('inventories')
      .select((eb) => [
        eb.fn.countAll<number | string>().as('n'),
        eb.fn.max('updated_at').as('latest'),
        eb.fn.sum<number | string>('total').as('total'),
        eb.fn.sum<number | string>('reserved').as('reserved'),
        eb.fn.sum<number | string>('allocation_ratio').as('ratio'),
        eb.fn.sum<number | string>('max_unit').as('max'),
      ])
      .executeTakeFirst()
    const signature = JSON.stringify(sig ?? {})
    if (signature === this.#inventorySignature) return
    const rows = await db.selectFrom('inventories').selectAll().execute()
    const next = new Map<string, Record<string, InventoryLimits>>()
    for (const i of rows) {
      let m = next.get(i.resource_provider_uuid)
      if (!m) next.set(i.resource_provider_uuid, (m = {}))
      m[i.resource_class] = {
        total: Number(i.total),
        reserved: Number(i.reserved),
        min_unit: Number(i.min_unit),
        max_unit: Number(i.max_unit),
        step_size: Number(i.step_size),
        allocation_ratio: Number(i.allocation_ratio),
      }
    }
    this.#inventories = next
    this.#inventorySignature = signature
  }
}

/** One-shot load without a cache. */
export async function loadHostStates(db: Db, defaultAz: string): Promise<HostState[]> {
  return new HostStateLoader(db).load(defaultAz)
}
