import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { BenchClient, load, type LoadResult } from './http-client.js'
import { passwordAuth, startServer } from './server-process.js'

export interface NetworkBench {
  /** POST /v2.0/ports (one IPv4 address each from a /16) with 10 requests in flight. */
  readonly portCreate: LoadResult
  /** How many ports existed when the list was timed. */
  readonly listedPorts: number
  /** GET /v2.0/ports (all of them, full views), one request at a time. */
  readonly listPorts: LoadResult
}

const N = '/networking/v2.0'

/** Port create rate and latency, and listing 10,000 ports, against a real `nubis serve` on loopback. */
export async function benchNetwork(
  seconds: number,
  port = 5194,
  listSize = 10_000,
): Promise<NetworkBench> {
  const dataDir = mkdtempSync(join(tmpdir(), 'nubis-bench-net-'))
  const password = 'bench-secret'
  try {
    const srv = await startServer({
      dataDir,
      port,
      password,
      env: { NUBIS_QUOTAS__QUOTA_PORT: '-1' },
    })
    const c = new BenchClient(srv.base)
    try {
      const auth = await c.send('POST', '/identity/v3/auth/tokens', passwordAuth(password))
      const h = { 'x-auth-token': String(auth.headers['x-subject-token']) }
      const post = async (path: string, body: unknown): Promise<Record<string, any>> => {
        const r = await c.send('POST', `${N}${path}`, body, h)
        if (r.status !== 201) throw new Error(`POST ${path}: ${r.status} ${r.body}`)
        return JSON.parse(r.body) as Record<string, any>
      }
      const net = (await post('/networks', { network: { name: 'bench' } }))['network'].id as string
      await post('/subnets', { subnet: { network_id: net, ip_version: 4, cidr: '10.200.0.0/16' } })

      const portCreate = await load(
        async () =>
          (await c.send('POST', `${N}/ports`, { port: { network_id: net } }, h)).status === 201,
        { concurrency: 10, seconds, maxRequests: Math.min(listSize, 50_000) },
      )
      // Fill up to listSize with bulk creates, then time the full list.
      let have = portCreate.requests - portCreate.errors
      while (have < listSize) {
        const n = Math.min(200, listSize - have)
        await post('/ports', { ports: Array.from({ length: n }, () => ({ network_id: net })) })
        have += n
      }
      const listPorts = await load(
        async () => (await c.send('GET', `${N}/ports`, undefined, h)).status === 200,
        {
          concurrency: 1,
          seconds,
          maxRequests: 50,
        },
      )
      return { portCreate, listedPorts: have, listPorts }
    } finally {
      c.close()
      await srv.stop()
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true })
  }
}
