/**
 * End to end with the real `openstack` CLI against a real `nubis serve`:
 * the identity walkthrough of the foundation issue. Skipped only when the
 * CLI is not installed (scripts/install-test-deps.sh installs it).
 */
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { promisify } from 'node:util'
import { startServer, type ServerProcess } from '../bench/server-process.js'

const run = promisify(execFile)
const hasCli = existsSync('/usr/bin/openstack')

describe(
  'openstack CLI against nubis serve',
  { skip: hasCli ? false : 'openstack CLI not installed' },
  () => {
    let dir: string
    let srv: ServerProcess
    const env = (): NodeJS.ProcessEnv => ({
      ...process.env,
      OS_CLIENT_CONFIG_FILE: join(dir, 'data', 'clouds.yaml'),
    })
    const os = async (...args: string[]): Promise<string> =>
      (
        await run('/usr/bin/openstack', ['--os-cloud', 'nubis', ...args], {
          env: env(),
          timeout: 60_000,
        })
      ).stdout
    const osFails = async (args: string[], cloudEnv: NodeJS.ProcessEnv): Promise<string> => {
      try {
        await run('/usr/bin/openstack', args, { env: cloudEnv, timeout: 60_000 })
      } catch (err) {
        return String((err as { stderr?: string }).stderr)
      }
      assert.fail(`openstack ${args.join(' ')} should have failed`)
    }

    before(async () => {
      dir = mkdtempSync(join(tmpdir(), 'nubis-e2e-'))
      srv = await startServer({
        dataDir: join(dir, 'data'),
        port: 5191,
        password: 'e2e-admin-secret',
        env: { NUBIS_IDENTITY__PASSWORD_HASH_LOG_N: '12' },
      })
    })
    after(async () => {
      await srv?.stop()
      rmSync(dir, { recursive: true, force: true })
    })

    test('admin: token issue, catalog list, project/user/role setup', async () => {
      const token = JSON.parse(await os('token', 'issue', '-f', 'json')) as {
        id: string
        project_id: string
      }
      assert.ok(token.id.length > 100)
      const catalog = JSON.parse(await os('catalog', 'list', '-f', 'json')) as Array<{
        Type: string
      }>
      assert.ok(catalog.some((c) => c.Type === 'identity'))
      const project = JSON.parse(await os('project', 'create', 'demo', '-f', 'json')) as {
        name: string
      }
      assert.equal(project.name, 'demo')
      await os('user', 'create', '--project', 'demo', '--password', 's3cret', 'alice')
      await os('role', 'add', '--user', 'alice', '--project', 'demo', 'member')
    })

    test('alice: token scoped to demo; 403 on user list and project create', async () => {
      const alice: NodeJS.ProcessEnv = {
        ...process.env,
        OS_AUTH_URL: `${srv.base}/identity/v3`,
        OS_IDENTITY_API_VERSION: '3',
        OS_USERNAME: 'alice',
        OS_PASSWORD: 's3cret',
        OS_PROJECT_NAME: 'demo',
        OS_USER_DOMAIN_NAME: 'Default',
        OS_PROJECT_DOMAIN_NAME: 'Default',
      }
      const out = await run('/usr/bin/openstack', ['token', 'issue', '-f', 'json'], {
        env: alice,
        timeout: 60_000,
      })
      const token = JSON.parse(out.stdout) as { project_id: string }
      const demo = JSON.parse(await os('project', 'show', 'demo', '-f', 'json')) as { id: string }
      assert.equal(token.project_id, demo.id)
      assert.match(await osFails(['user', 'list'], alice), /HTTP 403/)
      assert.match(await osFails(['project', 'create', 'evil'], alice), /HTTP 403/)
    })
  },
)
