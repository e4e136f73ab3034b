import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { homedir } from 'node:os'
import { join } from 'node:path'
import { Agent, request } from 'undici'

const insecure = new Agent({ connect: { rejectUnauthorized: false } })

/** A vcsim (VMware's vCenter simulator) started for one test file. */
export interface Vcsim {
  /** `https://127.0.0.1:<port>` (the SDK is at /sdk). */
  readonly url: string
  /** host:port, as [glance_store] vmware_server_host takes it. */
  readonly host: string
  stop(): Promise<void>
  /** `POST /vcsim/set` (the launcher's test control): flips a host's or VM's runtime state. */
  set(
    type: 'HostSystem' | 'VirtualMachine',
    ref: string,
    prop: string,
    value: string,
  ): Promise<void>
}

/** The vcsim binary (shared/tools/vcsim/install.sh builds it), or undefined when not built. */
export function vcsimBinary(): string | undefined {
  const candidates = [
    process.env['VCSIM_BIN'],
    join(process.env['VCSIM_HOME'] ?? join(homedir(), '.cache', 'vcsim'), 'vcsim'),
  ]
  return candidates.find((p): p is string => !!p && existsSync(p))
}

/**
 * Starts vcsim on a free port (extra launcher flags in `args`, e.g.
 * `['-cluster', '2', '-host', '3']`) and resolves once it printed its URL. Stop it
 * with `stop()` (SIGTERM to this child only; vcsim then removes its
 * temporary datastore directories).
 */
export async function startVcsim(bin: string, args: readonly string[] = []): Promise<Vcsim> {
  const child: ChildProcess = spawn(bin, ['-l', '127.0.0.1:0', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const url = await new Promise<string>((resolve, reject) => {
    let out = ''
    const timer = setTimeout(() => reject(new Error(`vcsim did not start: ${out}`)), 30_000)
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString()
      const m = /VCSIM_URL=(https?:\/\/[^/\s]+)/.exec(out)
      if (m?.[1]) {
        clearTimeout(timer)
        resolve(m[1])
      }
    })
    child.once('exit', (code) => reject(new Error(`vcsim exited with ${code}: ${out}`)))
  })
  return {
    url,
    host: url.replace(/^https?:\/\//, ''),
    async set(type, ref, prop, value) {
      const q = new URLSearchParams({ type, ref, prop, value })
      const res = await request(`${url}/vcsim/set?${q.toString()}`, {
        method: 'POST',
        dispatcher: insecure,
      })
      const body = await res.body.text()
      if (res.statusCode !== 200)
        throw new Error(`vcsim set ${prop}: HTTP ${res.statusCode} ${body}`)
    },
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve()
        // vcsim can sit on a delayed (-method-delay) request: kill it after 5 s.
        const hard = setTimeout(() => child.kill('SIGKILL'), 5000)
        child.once('exit', () => {
          clearTimeout(hard)
          resolve()
        })
        child.kill('SIGTERM')
      }),
  }
}
