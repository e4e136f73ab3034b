/**
 * End to end on vcsim, as the vSphere issue checks it: `nubis serve` with
 * `compute_driver = vmwareapi.VMwareVCDriver` over a vCenter with two
 * clusters (one compute node each) and the `vsphere_dvs` mechanism driver.
 * The real `openstack` CLI lists both nodes, uploads a vmdk image and boots a
 * server on a VLAN network; the VM is then read back over SOAP (flavor CPU and
 * RAM, a disk from the datastore's image cache, a NIC on the network's DVS
 * port group with the segment's VLAN). The whole chain api → conductor →
 * scheduler → worker → vsphere driver → vCenter runs, not the driver alone.
 */
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { startServer, type ServerProcess } from '../bench/server-process.js'
import { DatastoreFiles } from '../virt/vmware/vim25/datastore-files.js'
import { listPortGroups } from '../virt/vmware/vim25/dvs.js'
import { retrieveByType } from '../virt/vmware/vim25/property-collector.js'
import { Vim25Session } from '../virt/vmware/vim25/session.js'
import { child, list, num, text, xsiType } from '../virt/vmware/vim25/soap.js'
import { startVcsim, vcsimBinary, type Vcsim } from '../virt/vmware/vim25/testing.js'
import { hasOpenstackCli, openstackCli } from './testing.js'

const bin = vcsimBinary()
const hasCli = hasOpenstackCli

interface Server {
  id: string
  status: string
  fault?: { message: string }
  'OS-EXT-SRV-ATTR:hypervisor_hostname'?: string
}

describe(
  'openstack CLI on nubis serve over vcsim (2 clusters, vsphere_dvs, VLAN network)',
  { skip: !bin ? 'vcsim not built' : !hasCli ? 'openstack CLI not installed' : false },
  () => {
    let dir: string
    let vc: Vcsim
    let srv: ServerProcess
    let soap: Vim25Session
    const cli = openstackCli(() => join(dir, 'data'), { OS_COMPUTE_API_VERSION: '2.79' }, 180_000)
    const { os, json } = cli
    const waitStatus = (id: string, status: string) =>
      cli.waitStatus<Server>(['server'], id, status)

    before(async () => {
      dir = mkdtempSync(join(tmpdir(), 'nubis-vsphere-e2e-'))
      vc = await startVcsim(bin as string, ['-cluster', '2'])
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
          NUBIS_VMWARE__CLUSTER_NAME: 'DC0_C0,DC0_C1',
          NUBIS_ML2__TYPE_DRIVERS: 'flat,vlan,vxlan,local',
          NUBIS_ML2__TENANT_NETWORK_TYPES: 'vlan',
          NUBIS_ML2__MECHANISM_DRIVERS: 'vsphere_dvs',
          NUBIS_ML2_TYPE_VLAN__NETWORK_VLAN_RANGES: 'physnet1:300:310',
          NUBIS_ML2_VMWARE__NETWORK_MAPS: 'physnet1:DVS0',
        },
      })
      soap = await Vim25Session.create({
        url: vc.url,
        username: 'user',
        password: 'pass',
        insecure: true,
      })
    })
    after(async () => {
      await soap?.close()
      await srv?.stop()
      await vc?.stop()
      rmSync(dir, { recursive: true, force: true })
    })

    test('two clusters are two hypervisors; a server boots on a VLAN port group, stops and is deleted', async () => {
      let hv: Array<{ 'Hypervisor Hostname': string; 'Hypervisor Type': string }> = []
      for (let i = 0; i < 100 && hv.length < 2; i++) {
        hv = await json('hypervisor', 'list', '--long')
        if (hv.length < 2) await new Promise((r) => setTimeout(r, 200))
      }
      assert.equal(hv.length, 2, JSON.stringify(hv))
      for (const h of hv) {
        assert.equal(h['Hypervisor Type'], 'VMware vCenter Server')
        // <cluster moref>.<vCenter instance uuid>, like Nova's VMwareVCDriver
        assert.match(h['Hypervisor Hostname'], /^[a-z]+-?\d+\.[0-9a-f-]{36}$/)
      }

      const file = join(dir, 'disk.vmdk')
      writeFileSync(file, Buffer.alloc(65536, 1))
      const img = await json<{ id: string }>(
        'image',
        'create',
        '--public',
        '--disk-format',
        'vmdk',
        '--container-format',
        'bare',
        '--file',
        file,
        'vmdk-img',
      )
      const net = await json<{ id: string; 'provider:segmentation_id': number }>(
        'network',
        'create',
        'vlan-net',
      )
      await os(
        'subnet',
        'create',
        '--network',
        'vlan-net',
        '--subnet-range',
        '10.30.0.0/24',
        'vlan-sub',
      )
      const shownNet = await json<Record<string, unknown>>('network', 'show', net.id)
      assert.equal(shownNet['provider:network_type'], 'vlan')
      const vlan = Number(shownNet['provider:segmentation_id'])
      assert.ok(vlan >= 300 && vlan <= 310, `VLAN ${vlan} from the configured range`)

      await os('flavor', 'create', '--vcpus', '2', '--ram', '256', '--disk', '1', 'vs.small')
      const created = await json<Server>(
        'server',
        'create',
        '--image',
        img.id,
        '--flavor',
        'vs.small',
        '--network',
        'vlan-net',
        '--wait',
        'vm1',
      )
      const active = await waitStatus(created.id, 'ACTIVE')
      assert.ok(
        hv.some((h) => h['Hypervisor Hostname'] === active['OS-EXT-SRV-ATTR:hypervisor_hostname']),
      )

      // The VM as vCenter has it.
      const [vm] = (
        await retrieveByType(soap, soap.content.rootFolder, 'VirtualMachine', [
          'config.instanceUuid',
          'config.hardware.numCPU',
          'config.hardware.memoryMB',
          'config.hardware.device',
        ])
      ).filter((v) => text(v.props.get('config.instanceUuid')) === created.id)
      assert.ok(vm, 'a VM whose instanceUuid is the server id')
      assert.equal(num(vm.props.get('config.hardware.numCPU')), 2)
      assert.equal(num(vm.props.get('config.hardware.memoryMB')), 256)
      const devices = list(child(vm.props.get('config.hardware.device'), 'VirtualDevice'))
      const disk = devices.find((d) => xsiType(d) === 'VirtualDisk')
      const diskFile = text(child(child(disk, 'backing'), 'fileName')) ?? ''
      const ds = /^\[([^\]]+)\]/.exec(diskFile)?.[1]
      assert.ok(ds, `disk on a datastore: ${diskFile}`)
      // The image was cached once on that datastore, and the disk was made from it.
      const cached = await new DatastoreFiles(soap).size({
        dcPath: 'DC0',
        dsName: ds,
        path: `vmware_base/${img.id}/${img.id}.vmdk`,
      })
      assert.ok(cached >= 0)
      const nic = devices.find(
        (d) => xsiType(d) === 'VirtualVmxnet3' || xsiType(d) === 'VirtualE1000',
      )
      assert.ok(nic, 'the VM has a NIC')
      const pgKey = text(child(child(child(nic, 'backing'), 'port'), 'portgroupKey'))
      const pg = (await listPortGroups(soap)).find((p) => p.key === pgKey)
      assert.ok(pg, `NIC on a distributed port group (${pgKey})`)
      assert.equal(pg.vlanId, vlan, 'the port group carries the network segment VLAN')
      assert.match(pg.name, new RegExp(net.id))
      // The port has the project's default security group: the group filters traffic.
      assert.ok(
        pg.rules.some((r) => r.action === 'drop') && pg.rules.some((r) => r.action === 'accept'),
        'the port group carries the default security group as a traffic filter',
      )
      const ports = await json<Array<{ 'MAC Address': string }>>(
        'port',
        'list',
        '--server',
        created.id,
      )
      assert.equal(text(child(nic, 'macAddress')), ports[0]?.['MAC Address'])

      await os('server', 'stop', created.id)
      await waitStatus(created.id, 'SHUTOFF')
      await os('server', 'delete', '--wait', created.id)
      const left = (
        await retrieveByType(soap, soap.content.rootFolder, 'VirtualMachine', [
          'config.instanceUuid',
        ])
      ).filter((v) => text(v.props.get('config.instanceUuid')) === created.id)
      assert.equal(left.length, 0, 'the VM is gone from vCenter')
    })
  },
)
