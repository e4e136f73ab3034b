import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'

/** Helpers of the end-to-end tests that drive `nubis serve` with the real `openstack` CLI. */

export const run = promisify(execFile)
export const OPENSTACK = '/usr/bin/openstack'
export const hasOpenstackCli = existsSync(OPENSTACK)

export interface Cli {
  /** `openstack <args>`; its stdout. Fails the test with the CLI's stderr on a non-zero exit. */
  readonly os: (...args: string[]) => Promise<string>
  /** `openstack <args> -f json`, parsed. */
  readonly json: <T = Record<string, any>>(...args: string[]) => Promise<T>
  /**
   * Polls `openstack <kind> show <id>` every 250 ms (at most 240 times) until
   * its status is `want`; a status of ERROR/error* that was not wanted fails.
   */
  readonly waitStatus: <T extends { status?: unknown } = Record<string, any>>(
    kind: readonly string[],
    id: string,
    want: string,
  ) => Promise<T>
}

/**
 * The CLI against the `nubis` cloud of `<dataDir()>/clouds.yaml` (what `nubis
 * serve` writes; dataDir is read at each call, so it may be set in `before`).
 */
export function openstackCli(
  dataDir: () => string,
  extra: NodeJS.ProcessEnv = {},
  timeoutMs = 120_000,
): Cli {
  const env = (): NodeJS.ProcessEnv => ({
    ...process.env,
    OS_CLIENT_CONFIG_FILE: join(dataDir(), 'clouds.yaml'),
    OS_CLOUD: 'nubis',
    ...extra,
  })
  const cli: Cli = {
    os: async (...args) => (await run(OPENSTACK, args, { env: env(), timeout: timeoutMs })).stdout,
    json: async <T>(...args: string[]) => JSON.parse(await cli.os(...args, '-f', 'json')) as T,
    waitStatus: async <T extends { status?: unknown }>(
      kind: readonly string[],
      id: string,
      want: string,
    ): Promise<T> => {
      let s = {} as T
      for (let i = 0; i < 240; i++) {
        s = await cli.json<T>(...kind, 'show', id)
        const status = String(s.status)
        if (status === want) return s
        if (/^error/i.test(status) && !/^error/i.test(want)) {
          const fault = (s as { fault?: { message?: string } }).fault?.message
          assert.fail(`${kind.join(' ')} ${id} is ${status}${fault ? `: ${fault}` : ''}`)
        }
        await new Promise((r) => setTimeout(r, 250))
      }
      assert.fail(`${kind.join(' ')} ${id} stayed ${String(s.status)}, wanted ${want}`)
    },
  }
  return cli
}
