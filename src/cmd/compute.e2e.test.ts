/**
 * End to end with the real `openstack` CLI against a real `nubis serve` on three
 * fake compute nodes: the compute walkthrough of the compute issue (boot with a
 * network, every everyday action, snapshot, lock, anti-affinity).
 */
import assert from 'node:assert/strict'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { startServer, type ServerProcess } from '../bench/server-process.js'
import { hasOpenstackCli, OPENSTACK, openstackCli, run } from './testing.js'

const hasTools = hasOpenstackCli && existsSync('/usr/bin/qemu-img')

interface Server {
  id: string
  name: string
  status: string
  flavor: unknown
  fault?: { message: string }
  'OS-EXT-SRV-ATTR:host'?: string
}

describe(
  'openstack CLI: servers on nubis serve (fake driver, 3 nodes)',
  { skip: hasTools ? false : 'openstack CLI or qemu-img not installed' },
  () => {
    let dir: string
    let srv: ServerProcess
    let alice: NodeJS.ProcessEnv
    const admin = openstackCli(() => join(dir, 'data'))
    const { os, json } = admin
    const cli = async (env: NodeJS.ProcessEnv, ...args: string[]): Promise<string> =>
      (await run(OPENSTACK, args, { env, timeout: 120_000 })).stdout
    const waitStatus = (id: string, status: string) =>
      admin.waitStatus<Server>(['server'], id, status)

    before(async () => {
      dir = mkdtempSync(join(tmpdir(), 'nubis-compute-e2e-'))
      srv = await startServer({
        dataDir: join(dir, 'data'),
        port: 5189,
        password: 'e2e-admin-secret',
        env: { NUBIS_IDENTITY__PASSWORD_HASH_LOG_N: '12', NUBIS_FAKE__NODES: '3' },
      })
      await run('/usr/bin/qemu-img', [
        'create',
        '-q',
        '-f',
        'qcow2',
        join(dir, 'disk.qcow2'),
        '64M',
      ])
      await os(
        'image',
        'create',
        '--public',
        '--disk-format',
        'qcow2',
        '--container-format',
        'bare',
        '--file',
        join(dir, 'disk.qcow2'),
        'img',
      )
      await os('network', 'create', '--share', 'net')
      await os('subnet', 'create', '--network', 'net', '--subnet-range', '10.20.0.0/24', 'subnet')
      await os('project', 'create', 'demo')
      await os('user', 'create', '--project', 'demo', '--password', 's3cret', 'alice')
      await os('role', 'add', '--user', 'alice', '--project', 'demo', 'member')
      alice = {
        ...process.env,
        OS_AUTH_URL: `${srv.base}/identity/v3`,
        OS_IDENTITY_API_VERSION: '3',
        OS_USERNAME: 'alice',
        OS_PASSWORD: 's3cret',
        OS_PROJECT_NAME: 'demo',
        OS_USER_DOMAIN_NAME: 'Default',
        OS_PROJECT_DOMAIN_NAME: 'Default',
      }
    })
    after(async () => {
      await srv?.stop()
      rmSync(dir, { recursive: true, force: true })
    })

    test('boot with a network, list, show, every everyday action, snapshot, delete', async () => {
      const vm = await json<Server>(
        'server',
        'create',
        '--flavor',
        'm1.small',
        '--image',
        'img',
        '--network',
        'net',
        '--wait',
        'vm1',
      )
      assert.equal(vm.status, 'ACTIVE')
      const listed = await json<Array<{ ID: string; Networks: unknown }>>('server', 'list')
      assert.ok(listed.some((s) => s.ID === vm.id))
      const shown = await json<Server & { addresses: unknown }>('server', 'show', vm.id)
      assert.match(JSON.stringify(shown.addresses), /10\.20\.0\.\d+/)

      await os('server', 'reboot', '--wait', vm.id)
      await waitStatus(vm.id, 'ACTIVE')
      await os('server', 'stop', vm.id)
      await waitStatus(vm.id, 'SHUTOFF')
      await os('server', 'start', vm.id)
      await waitStatus(vm.id, 'ACTIVE')

      await os('server', 'resize', '--flavor', 'm1.medium', '--wait', vm.id)
      await waitStatus(vm.id, 'VERIFY_RESIZE')
      await os('server', 'resize', 'confirm', vm.id)
      const resized = await waitStatus(vm.id, 'ACTIVE')
      assert.match(JSON.stringify(resized.flavor), /m1\.medium/)

      await os('server', 'pause', vm.id)
      await waitStatus(vm.id, 'PAUSED')
      await os('server', 'unpause', vm.id)
      await waitStatus(vm.id, 'ACTIVE')
      await os('server', 'suspend', vm.id)
      await waitStatus(vm.id, 'SUSPENDED')
      await os('server', 'resume', vm.id)
      await waitStatus(vm.id, 'ACTIVE')

      const snap = await json<{ id: string; status: string }>(
        'server',
        'image',
        'create',
        '--name',
        'snap1',
        '--wait',
        vm.id,
      )
      assert.equal(snap.status, 'active')

      await os('server', 'delete', '--wait', vm.id)
      const after = await json<Array<{ ID: string }>>('server', 'list')
      assert.ok(!after.some((s) => s.ID === vm.id))
    })

    test('an admin lock blocks the owner from deleting', async () => {
      const vm = JSON.parse(
        await cli(
          alice,
          'server',
          'create',
          '--flavor',
          'm1.tiny',
          '--image',
          'img',
          '--network',
          'net',
          '--wait',
          'locked-vm',
          '-f',
          'json',
        ),
      ) as Server
      await os('server', 'lock', vm.id)
      await assert.rejects(cli(alice, 'server', 'delete', vm.id), (err: { stderr?: string }) => {
        assert.match(String(err.stderr), /locked/i)
        assert.match(String(err.stderr), /HTTP 409/)
        return true
      })
      await os('server', 'unlock', vm.id)
      await cli(alice, 'server', 'delete', '--wait', vm.id)
    })

    test('anti-affinity on 3 nodes: 3 members on 3 hosts, the 4th has no valid host', async () => {
      const group = await json<{ id: string }>(
        'server',
        'group',
        'create',
        '--policy',
        'anti-affinity',
        'spread',
      )
      const hosts: string[] = []
      for (const name of ['aa1', 'aa2', 'aa3']) {
        const s = await json<Server>(
          'server',
          'create',
          '--flavor',
          'm1.tiny',
          '--image',
          'img',
          '--network',
          'net',
          '--hint',
          `group=${group.id}`,
          '--wait',
          name,
        )
        hosts.push(String(s['OS-EXT-SRV-ATTR:host']))
      }
      assert.equal(new Set(hosts).size, 3, `members on distinct hosts: ${hosts.join(', ')}`)
      const fourth = await json<Server>(
        'server',
        'create',
        '--flavor',
        'm1.tiny',
        '--image',
        'img',
        '--network',
        'net',
        '--hint',
        `group=${group.id}`,
        'aa4',
      )
      const failed = await waitStatus(fourth.id, 'ERROR')
      assert.match(String(failed.fault?.message), /No valid host/)
    })
  },
)
