import { Agent, request } from 'node:http'

/** A tiny keep-alive JSON client for benchmarks on loopback (no retries, no redirects). */
export class BenchClient {
  readonly #agent = new Agent({ keepAlive: true, maxSockets: 64 })
  constructor(readonly base: string) {}

  send(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<{
    status: number
    headers: Record<string, string | string[] | undefined>
    body: string
  }> {
    const payload = body === undefined ? undefined : JSON.stringify(body)
    const url = new URL(path, this.base)
    return new Promise((resolve, reject) => {
      const req = request(
        url,
        {
          method,
          agent: this.#agent,
          headers: { ...(payload ? { 'content-type': 'application/json' } : {}), ...headers },
        },
        (res) => {
          const chunks: Buffer[] = []
          res.on('data', (c: Buffer) => chunks.push(c))
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              headers: res.headers,
              body: Buffer.concat(chunks).toString('utf8'),
            }),
          )
          res.on('error', reject)
        },
      )
      req.on('error', reject)
      if (payload) req.write(payload)
      req.end()
    })
  }

  close(): void {
    this.#agent.destroy()
  }
}

export interface LoadResult {
  readonly requests: number
  readonly errors: number
  readonly perSecond: number
  readonly p50Ms: number
  readonly p99Ms: number
}

/** Runs `op` with `concurrency` workers until `seconds` pass or `maxRequests` are done. */
export async function load(
  op: () => Promise<boolean>,
  o: { concurrency: number; seconds: number; maxRequests: number },
): Promise<LoadResult> {
  const lat: number[] = []
  let errors = 0
  let started = 0
  const t0 = performance.now()
  const deadline = t0 + o.seconds * 1000
  const worker = async (): Promise<void> => {
    while (performance.now() < deadline && started < o.maxRequests) {
      started++
      const t = performance.now()
      const ok = await op().catch(() => false)
      lat.push(performance.now() - t)
      if (!ok) errors++
    }
  }
  await Promise.all(Array.from({ length: o.concurrency }, worker))
  const elapsed = (performance.now() - t0) / 1000
  lat.sort((a, b) => a - b)
  const q = (p: number): number => lat[Math.min(lat.length - 1, Math.floor(p * lat.length))] ?? 0
  return {
    requests: lat.length,
    errors,
    perSecond: lat.length / elapsed,
    p50Ms: q(0.5),
    p99Ms: q(0.99),
  }
}
