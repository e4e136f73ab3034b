import { readFileSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { BenchClient, load, type LoadResult } from './http-client.js'
import { passwordAuth, startServer } from './server-process.js'

export interface ComputeBench {
  /** One server create → ACTIVE, one at a time, `networks: none`. */
  readonly bootNoNetwork: LoadResult
  /** The same with a NIC on a tenant network (port create + binding). */
  readonly bootWithNetwork: LoadResult
  /** 200 servers (networks: none), 10 creates in flight, each polled to ACTIVE. */
  readonly boot200: {
    readonly servers: number
    readonly errors: number
    readonly seconds: number
    readonly perSecond: number
  }
  /** How many servers existed when the detail list was timed. */
  readonly listedServers: number
  /** GET /servers/detail with `listedServers` servers. */
  readonly listDetail: LoadResult
  /** RSS of the nubis serve process after all of the above (MiB). */
  readonly rssMiB: number
}

const C = '/compute/v2.1'

/**
 * Boot latency and throughput of the compute service on the fake driver, against
 * a real `nubis serve` on loopback (4 fake nodes, quotas lifted).
 */
export async function benchCompute(
  seconds: number,
  port = 5195,
  listSize = 1000,
): Promise<ComputeBench> {
  const dataDir = mkdtempSync(join(tmpdir(), 'nubis-bench-compute-'))
  const password = 'bench-secret'
  try {
    const srv = await startServer({
      dataDir,
      port,
      password,
      env: {
        NUBIS_FAKE__NODES: '4',
        NUBIS_QUOTA__INSTANCES: '-1',
        NUBIS_QUOTA__CORES: '-1',
        NUBIS_QUOTA__RAM: '-1',
        NUBIS_QUOTAS__QUOTA_PORT: '-1',
      },
    })
    const c = new BenchClient(srv.base)
    try {
      const auth = await c.send('POST', '/identity/v3/auth/tokens', passwordAuth(password))
      const h = {
        'x-auth-token': String(auth.headers['x-subject-token']),
        'openstack-api-version': 'compute 2.60',
      }
      const ok = async (
        method: string,
        path: string,
        body: unknown,
        want: number,
      ): Promise<any> => {
        const r = await c.send(method, path, body, h)
        if (r.status !== want) throw new Error(`${method} ${path}: ${r.status} ${r.body}`)
        return r.body === '' ? undefined : JSON.parse(r.body)
      }
      const image = await ok(
        'POST',
        '/image/v2/images',
        { name: 'bench', disk_format: 'raw', container_format: 'bare', visibility: 'public' },
        201,
      )
      const u = await c.send(
        'PUT',
        `/image/v2/images/${image.id}/file`,
        Buffer.alloc(0).toString(),
        {
          ...h,
          'content-type': 'application/octet-stream',
        },
      )
      if (u.status !== 204) throw new Error(`image upload: ${u.status} ${u.body}`)
      const net = (
        await ok('POST', '/networking/v2.0/networks', { network: { name: 'bench' } }, 201)
      ).network.id as string
      await ok(
        'POST',
        '/networking/v2.0/subnets',
        { subnet: { network_id: net, ip_version: 4, cidr: '10.201.0.0/16' } },
        201,
      )

      const waitActive = async (id: string): Promise<boolean> => {
        for (let i = 0; i < 6000; i++) {
          const r = await c.send('GET', `${C}/servers/${id}`, undefined, h)
          const status = (JSON.parse(r.body) as { server?: { status?: string } }).server?.status
          if (status === 'ACTIVE') return true
          if (status === 'ERROR' || r.status !== 200) return false
          await new Promise((res) => setTimeout(res, 2))
        }
        return false
      }
      let n = 0
      const boot = async (networks: unknown): Promise<boolean> => {
        const r = await c.send(
          'POST',
          `${C}/servers`,
          { server: { name: `b${n++}`, imageRef: image.id, flavorRef: '1', networks } },
          h,
        )
        if (r.status !== 202) return false
        return waitActive((JSON.parse(r.body) as { server: { id: string } }).server.id)
      }
      const bootNoNetwork = await load(() => boot('none'), {
        concurrency: 1,
        seconds,
        maxRequests: 200,
      })
      const bootWithNetwork = await load(() => boot([{ uuid: net }]), {
        concurrency: 1,
        seconds,
        maxRequests: 200,
      })
      const t0 = performance.now()
      const b200 = await load(() => boot('none'), {
        concurrency: 10,
        seconds: 600,
        maxRequests: 200,
      })
      const took = (performance.now() - t0) / 1000
      const boot200 = {
        servers: b200.requests - b200.errors,
        errors: b200.errors,
        seconds: took,
        perSecond: (b200.requests - b200.errors) / took,
      }
      // Fill up to listSize with multi-create requests, then time the detail list.
      let have = n
      while (have < listSize) {
        const count = Math.min(50, listSize - have)
        await ok(
          'POST',
          `${C}/servers`,
          {
            server: {
              name: 'fill',
              imageRef: image.id,
              flavorRef: '1',
              networks: 'none',
              min_count: count,
              max_count: count,
            },
          },
          202,
        )
        have += count
      }
      const listDetail = await load(
        async () =>
          (await c.send('GET', `${C}/servers/detail?limit=${listSize}`, undefined, h)).status ===
          200,
        { concurrency: 1, seconds, maxRequests: 50 },
      )
      const status = readFileSync(`/proc/${srv.child.pid}/status`, 'utf8')
      const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? '0')
      return {
        bootNoNetwork,
        bootWithNetwork,
        boot200,
        listedServers: have,
        listDetail,
        rssMiB: rssKb / 1024,
      }
    } finally {
      c.close()
      await srv.stop()
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true })
  }
}
