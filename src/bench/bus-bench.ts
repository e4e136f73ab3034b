import { performance } from 'node:perf_hooks'
import type { Bus, JsonValue } from '../bus/bus.js'

export interface BusBenchOptions {
  /** Calls kept in flight. Default 8. */
  readonly concurrency?: number
}

export interface BusBenchResult {
  readonly callsPerSec: number
  readonly p50Ms: number
  readonly p99Ms: number
}

const TARGET = { topic: 'nubis_bench', server: 'bench' } as const
/** About the size of a small RPC (an instance id and a flavor). */
const ARGS: JsonValue = {
  instance_id: '0d0f5e8a-6d3a-4a62-9c0f-6f1a2b3c4d5e',
  flavor: { name: 'm1.small', vcpus: 1, ram: 2048, disk: 20 },
}

/**
 * Call round trips through `bus` for `seconds`: the bus listens on a bench topic and
 * answers an echo, `concurrency` callers call it back to back. Latency is per call,
 * from `call()` to its result; calls/s counts completed calls over the whole run.
 */
export async function benchBus(
  bus: Bus,
  seconds: number,
  options: BusBenchOptions = {},
): Promise<BusBenchResult> {
  const concurrency = options.concurrency ?? 8
  const subscription = await bus.listen(TARGET, (_method, args) => args)
  try {
    for (let i = 0; i < 50; i++) await bus.call(TARGET, 'echo', ARGS) // warm-up
    const latencies: number[] = []
    const started = performance.now()
    const end = started + seconds * 1000
    const caller = async (): Promise<void> => {
      while (performance.now() < end) {
        const sent = performance.now()
        await bus.call(TARGET, 'echo', ARGS, { timeoutMs: 10_000 })
        latencies.push(performance.now() - sent)
      }
    }
    await Promise.all(Array.from({ length: concurrency }, caller))
    const elapsedS = (performance.now() - started) / 1000
    latencies.sort((a, b) => a - b)
    return {
      callsPerSec: latencies.length / elapsedS,
      p50Ms: percentile(latencies, 0.5),
      p99Ms: percentile(latencies, 0.99),
    }
  } finally {
    await subscription.close()
  }
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? Number.NaN
}
