import type { HostState } from './host-state.js'

interface Placement {
  readonly consumer: string
  readonly subHost: string
  readonly vcpus: number
  readonly memoryMb: number
  readonly atMs: number
}

/**
 * What this scheduler put on sub-hosts (ESXi hosts) since their node last
 * reported. Placement only knows cluster totals, and a node's sub-host usage
 * is as old as its last report, so without this, requests arriving between two
 * reports would all see the same free sub-host. A node report newer than a
 * placement supersedes it.
 *
 * NOTE: per scheduler process and in memory: a second scheduler worker does
 * not see these, and it is a heuristic (a report may precede the spawn); the
 * driver still has the last word when it picks the ESXi host.
 */
export class SubHostLedger {
  readonly #byProvider = new Map<string, Placement[]>()
  readonly #maxAgeMs: number

  constructor(maxAgeMs = 10 * 60_000) {
    this.#maxAgeMs = maxAgeMs
  }

  /** Adds the still-pending placements to freshly loaded host states. */
  apply(hosts: readonly HostState[], nowMs: number): void {
    for (const h of hosts) {
      if (h.subHosts.length === 0) continue
      const list = this.#byProvider.get(h.uuid)
      if (!list) continue
      const keep = list.filter((p) => p.atMs >= h.reportedAtMs && nowMs - p.atMs < this.#maxAgeMs)
      if (keep.length === 0) {
        this.#byProvider.delete(h.uuid)
        continue
      }
      this.#byProvider.set(h.uuid, keep)
      for (const p of keep) {
        const sh = h.subHosts.find((s) => s.name === p.subHost)
        if (!sh) continue
        sh.vcpusUsed += p.vcpus
        sh.memoryMbUsed += p.memoryMb
      }
    }
  }

  record(providerUuid: string, placement: Placement): void {
    this.forget(placement.consumer)
    const list = this.#byProvider.get(providerUuid)
    if (list) list.push(placement)
    else this.#byProvider.set(providerUuid, [placement])
  }

  /** Drops a consumer's placements (its claim was released or replaced). */
  forget(consumer: string): void {
    for (const [k, list] of this.#byProvider) {
      const keep = list.filter((p) => p.consumer !== consumer)
      if (keep.length === 0) this.#byProvider.delete(k)
      else if (keep.length !== list.length) this.#byProvider.set(k, keep)
    }
  }
}
