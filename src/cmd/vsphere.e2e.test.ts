/**
 * End to end on vcsim: `nubis serve` with `compute_driver = vsphere` boots a
 * server through the compute API into VMware's vCenter simulator, powers it
 * off and deletes it — the whole chain api → conductor → scheduler → worker
 * → vsphere driver → vCenter, not the driver alone.
 */
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { BenchClient } from '../bench/http-client.js'
import { passwordAuth, startServer, type ServerProcess } from '../bench/server-process.js'
import { startVcsim, vcsimBinary, type Vcsim } from '../virt/vmware/vim25/testing.js'

const bin = vcsimBinary()
const C = '/compute/v2.1'

describe(
  'nubis serve on vcsim (compute_driver = vsphere)',
  { skip: bin ? false : 'vcsim not built' },
  () => {
    let dir: string
    let vc: Vcsim
    let srv: ServerProcess
    let c: BenchClient
    let h: Record<string, string>
    const send = async (
      method: string,
      path: string,
      body?: unknown,
    ): Promise<{ status: number; body: any }> => {
      const r = await c.send(method, path, body, h)
      return { status: r.status, body: r.body === '' ? undefined : JSON.parse(r.body) }
    }
    const waitFor = async (id: string, want: (s: any) => boolean): Promise<any> => {
      for (let i = 0; i < 600; i++) {
        const r = await send('GET', `${C}/servers/${id}`)
        if (r.status === 404) return undefined
        if (want(r.body.server)) return r.body.server
        if (r.body.server.status === 'ERROR')
          assert.fail(`server went to ERROR: ${JSON.stringify(r.body.server.fault)}`)
        await new Promise((res) => setTimeout(res, 100))
      }
      assert.fail(`server ${id} never reached the wanted state`)
    }

    before(async () => {
      dir = mkdtempSync(join(tmpdir(), 'nubis-vsphere-e2e-'))
      vc = await startVcsim(bin as string)
      const [host, port] = vc.host.split(':') as [string, string]
      srv = await startServer({
        dataDir: join(dir, 'data'),
        port: 5188,
        password: 'e2e-admin-secret',
        env: {
          NUBIS_IDENTITY__PASSWORD_HASH_LOG_N: '12',
          NUBIS_COMPUTE__COMPUTE_DRIVER: 'vmwareapi.VMwareVCDriver',
          NUBIS_VMWARE__HOST_IP: host,
          NUBIS_VMWARE__HOST_PORT: port,
          NUBIS_VMWARE__HOST_USERNAME: 'user',
          NUBIS_VMWARE__HOST_PASSWORD: 'pass',
          NUBIS_VMWARE__INSECURE: 'true',
          NUBIS_VMWARE__CLUSTER_NAME: 'DC0_C0',
        },
      })
      c = new BenchClient(srv.base)
      const auth = await c.send(
        'POST',
        '/identity/v3/auth/tokens',
        passwordAuth('e2e-admin-secret'),
      )
      h = {
        'x-auth-token': String(auth.headers['x-subject-token']),
        'openstack-api-version': 'compute 2.60',
      }
    })
    after(async () => {
      c?.close()
      await srv?.stop()
      await vc?.stop()
      rmSync(dir, { recursive: true, force: true })
    })

    test('the cluster is a hypervisor; a server boots in vCenter, stops and is deleted', async () => {
      let hv: any[] = []
      for (let i = 0; i < 100 && hv.length === 0; i++) {
        hv = (await send('GET', `${C}/os-hypervisors/detail`)).body.hypervisors
        if (hv.length === 0) await new Promise((res) => setTimeout(res, 100))
      }
      assert.equal(hv.length, 1)
      assert.equal(hv[0].hypervisor_type, 'VMware vCenter Server')
      // <cluster moref>.<vCenter instance uuid>, like Nova's VMwareVCDriver
      assert.match(hv[0].hypervisor_hostname, /^[a-z]+-?\d+\.[0-9a-f-]{36}$/)

      const img = await send('POST', '/image/v2/images', {
        name: 'vmdk',
        disk_format: 'vmdk',
        container_format: 'bare',
        visibility: 'public',
      })
      assert.equal(img.status, 201)
      const up = await c.send('PUT', `/image/v2/images/${img.body.id}/file`, 'x'.repeat(65536), {
        ...h,
        'content-type': 'application/octet-stream',
      })
      assert.equal(up.status, 204)

      const created = await send('POST', `${C}/servers`, {
        server: { name: 'vm1', imageRef: img.body.id, flavorRef: '1', networks: 'none' },
      })
      assert.equal(created.status, 202, JSON.stringify(created.body))
      const id = created.body.server.id as string
      const active = await waitFor(id, (s) => s.status === 'ACTIVE')
      assert.equal(active['OS-EXT-SRV-ATTR:hypervisor_hostname'], hv[0].hypervisor_hostname)

      assert.equal(
        (await send('POST', `${C}/servers/${id}/action`, { 'os-stop': null })).status,
        202,
      )
      await waitFor(id, (s) => s.status === 'SHUTOFF')

      assert.equal((await send('DELETE', `${C}/servers/${id}`)).status, 204)
      assert.equal(await waitFor(id, () => false), undefined)
    })
  },
)
