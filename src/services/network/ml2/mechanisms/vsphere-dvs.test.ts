import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { after, before, describe, it } from 'node:test'
import pino from 'pino'
import type { Db } from '../../../../db/database.js'
import { VsphereDriver } from '../../../../virt/vmware/driver/vsphere-driver.js'
import { instance, vcsimConfig } from '../../../../virt/vmware/driver/testing.js'
import { listPortGroups } from '../../../../virt/vmware/vim25/dvs.js'
import { startVcsim, vcsimBinary, type Vcsim } from '../../../../virt/vmware/vim25/testing.js'
import { child, list, text, xsiType } from '../../../../virt/vmware/vim25/soap.js'
import type { Binding, Segment } from '../mechanism-driver.js'
import { loadMechanismDriver } from '../mechanism-registry.js'
import { configureVsphereDvs, createVsphereDvsDriver } from './vsphere-dvs.js'

const bin = vcsimBinary()
const db = {} as Db

describe(
  'vsphere_dvs mechanism driver against vcsim',
  { skip: bin ? false : 'vcsim not built' },
  () => {
    let vc: Vcsim
    let mech: ReturnType<typeof createVsphereDvsDriver>
    let compute: VsphereDriver
    const netId = randomUUID()
    const seg: Segment = {
      id: 'seg-1',
      network_type: 'vlan',
      physical_network: 'physnet1',
      segmentation_id: 101,
    }

    before(async () => {
      vc = await startVcsim(bin!)
      const cfg = vcsimConfig(vc)
      mech = createVsphereDvsDriver({
        vmware: cfg,
        ml2: {
          dvs_name: '',
          network_maps: ['physnet1:DVS0'],
          port_group_prefix: 'nubis-',
          security_group_reply_ports: '32768:65535',
        },
      })
      await mech.initialize?.(pino({ level: 'silent' }))
      compute = await VsphereDriver.create(cfg)
      await compute.init({ instanceChanged: () => {}, resourcesChanged: () => {} })
    })
    after(async () => {
      await mech?.close()
      await compute?.close()
      await vc?.stop()
    })

    it('is registered as vsphere_dvs', async () => {
      configureVsphereDvs({
        vmware: vcsimConfig(vc),
        ml2: {
          dvs_name: 'DVS0',
          network_maps: [],
          port_group_prefix: '',
          security_group_reply_ports: '32768:65535',
        },
      })
      const d = await loadMechanismDriver('vsphere_dvs')
      assert.equal(d.name, 'vsphere_dvs')
      await (d as unknown as { close(): Promise<void> }).close()
    })

    it('creates a port group with the segment\u2019s VLAN on the mapped DVS when a network is created', async () => {
      await mech.createNetworkPostcommit!({ db, current: { id: netId }, segments: [seg] })
      const pg = (await listPortGroups(await mech.session())).find(
        (p) => p.name === `nubis-${netId}`,
      )
      assert.ok(pg, 'port group exists in vCenter')
      assert.equal(pg.vlanId, 101)
      // Again (retry, or a second worker): same group, no duplicate.
      await mech.createNetworkPostcommit!({ db, current: { id: netId }, segments: [seg] })
      const same = (await listPortGroups(await mech.session())).filter(
        (p) => p.name === `nubis-${netId}`,
      )
      assert.equal(same.length, 1)
      // vxlan has no DVS mapping: nothing is made.
      const other = randomUUID()
      await mech.createNetworkPostcommit!({
        db,
        current: { id: other },
        segments: [
          { id: 's2', network_type: 'vxlan', physical_network: null, segmentation_id: 5000 },
        ],
      })
      assert.ok(!(await listPortGroups(await mech.session())).some((p) => p.name.endsWith(other)))
    })

    it('binds ports on vSphere nodes to the port group; the spawned NIC sits on it', async () => {
      const node = compute.nodes()[0]!
      let binding: Binding | undefined
      const bind = (host: string) =>
        mech.bindPort!({
          db,
          port: { id: 'p1', network_id: netId },
          host,
          vnicType: 'normal',
          profile: {},
          segmentsToBind: [seg],
          setBinding: (b) => {
            binding = b
          },
        })
      await bind('kvm-host-1')
      assert.equal(binding, undefined, 'not a vSphere node: left to the next driver')
      await bind(node)
      const b = binding as Binding | undefined
      assert.equal(b?.vifType, 'dvs')
      assert.equal(b?.segmentId, 'seg-1')
      const key = b?.vifDetails['dvs_port_group_key']
      assert.match(String(key), /^dvportgroup-/)

      const uuid = randomUUID()
      await compute.spawn(
        instance(uuid, node, {
          flavor: {
            id: '1',
            name: 'x',
            vcpus: 1,
            memoryMb: 128,
            rootGb: 0,
            ephemeralGb: 0,
            swapMb: 0,
            extraSpecs: {},
          },
        }),
        undefined,
        [
          {
            portId: 'p1',
            networkId: netId,
            macAddress: '00:50:56:01:02:03',
            fixedIps: [],
            vifType: b.vifType,
            vifDetails: b.vifDetails,
          },
        ],
        [],
      )
      const ref = await compute.session.call(
        'FindByUuid',
        compute.session.content.searchIndex,
        `<uuid>${uuid}</uuid><vmSearch>true</vmSearch><instanceUuid>true</instanceUuid>`,
      )
      const devices = await compute.session.property(
        { type: 'VirtualMachine', value: text(ref)! },
        'config.hardware.device',
      )
      const nic = list(child(devices, 'VirtualDevice')).find((d) => xsiType(d) === 'VirtualVmxnet3')
      assert.equal(text(child(child(child(nic, 'backing'), 'port'), 'portgroupKey')), key)
      await compute.destroy(instance(uuid, node), [], [], true)
    })

    it('removes the port group when the network is deleted', async () => {
      await mech.deleteNetworkPostcommit!({ db, current: { id: netId }, segments: [seg] })
      assert.ok(
        !(await listPortGroups(await mech.session())).some((p) => p.name === `nubis-${netId}`),
      )
      await mech.deleteNetworkPostcommit!({ db, current: { id: netId }, segments: [seg] })
    })
  },
)
