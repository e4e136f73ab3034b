import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { randomUUID } from 'node:crypto'
import { createTestCloud, type TestCloud } from '../../../identity/testing.js'
import { VsphereDriver } from '../../../../virt/vmware/driver/vsphere-driver.js'
import { instance, vcsimConfig } from '../../../../virt/vmware/driver/testing.js'
import { findVmByInstanceUuid } from '../../../../virt/vmware/vim25/vm-nic.js'
import { listPortGroups, type PortGroup } from '../../../../virt/vmware/vim25/dvs.js'
import { ruleSignature } from '../../../../virt/vmware/vim25/dvs-filter.js'
import { retrieveByType } from '../../../../virt/vmware/vim25/property-collector.js'
import { Vim25Session } from '../../../../virt/vmware/vim25/session.js'
import { at, child, list, text, xsiType } from '../../../../virt/vmware/vim25/soap.js'
import { startVcsim, vcsimBinary, type Vcsim } from '../../../../virt/vmware/vim25/testing.js'
import type { createVsphereDvsDriver } from './vsphere-dvs.js'

const bin = vcsimBinary()
const N = '/networking/v2.0'

/**
 * Security groups on vCenter through the whole network API: Nubis with
 * [ml2] mechanism_drivers = vsphere_dvs against vcsim; every filter is read
 * back from vCenter over SOAP.
 */
describe(
  'vsphere_dvs: security groups as DVS traffic filters (vcsim)',
  { skip: bin ? false : 'vcsim not built' },
  () => {
    let vc: Vcsim
    let cloud: TestCloud
    let soap: Vim25Session
    let admin: string
    let node: string
    let net: string
    let web: string
    let db: string
    const ports: Record<string, { id: string; ip: string; group?: string }> = {}
    const soapCalls: Record<string, number> = {}
    /** SOAP round trips the vsphere_dvs driver makes while `fn` runs. */
    const counted = async <T>(what: string, fn: () => Promise<T>): Promise<T> => {
      const mech = cloud.network.ctx.ml2.chain.driver('vsphere_dvs') as ReturnType<
        typeof createVsphereDvsDriver
      >
      const { result, calls } = await (await mech.session()).count(fn)
      soapCalls[what] = calls.total
      return result
    }

    before(async () => {
      vc = await startVcsim(bin!)
      const [host, port] = vc.host.split(':')
      cloud = await createTestCloud({
        env: {
          NUBIS_VMWARE__HOST_IP: host!,
          NUBIS_VMWARE__HOST_PORT: port!,
          NUBIS_VMWARE__HOST_USERNAME: 'user',
          NUBIS_VMWARE__HOST_PASSWORD: 'pass',
          NUBIS_VMWARE__INSECURE: 'true',
          NUBIS_ML2__TENANT_NETWORK_TYPES: 'vlan',
          NUBIS_ML2__MECHANISM_DRIVERS: 'vsphere_dvs',
          NUBIS_ML2_TYPE_VLAN__NETWORK_VLAN_RANGES: 'physnet1:300:310',
          NUBIS_ML2_VMWARE__NETWORK_MAPS: 'physnet1:DVS0',
          NUBIS_ML2_VMWARE__PORT_GROUP_PREFIX: 'nubis-',
        },
      })
      admin = await cloud.adminToken()
      soap = await Vim25Session.create({
        url: vc.url,
        username: 'user',
        password: 'pass',
        insecure: true,
      })
      const clusters = await retrieveByType(
        soap,
        soap.content.rootFolder,
        'ClusterComputeResource',
        ['name'],
      )
      node = `${clusters[0]!.obj.value}.${soap.content.instanceUuid}`
    })
    after(async () => {
      console.log('vsphere_dvs SOAP round trips:', soapCalls)
      await soap?.close()
      await cloud?.close()
      await vc?.stop()
    })

    const req = async (method: string, url: string, body?: unknown): Promise<any> => {
      const r = await cloud.request(method, `${N}${url}`, {
        token: admin,
        ...(body !== undefined ? { body } : {}),
      })
      assert.ok(r.status < 300, `${method} ${url}: ${r.status} ${JSON.stringify(r.body)}`)
      return r.body
    }
    const addRule = async (rule: Record<string, unknown>): Promise<string> =>
      (await req('POST', '/security-group-rules', { security_group_rule: rule }))
        .security_group_rule.id as string
    const groupOf = async (name: string): Promise<PortGroup> => {
      const pg = (await listPortGroups(soap)).find((p) => p.name === name)
      assert.ok(pg, `port group ${name} exists in vCenter`)
      return pg
    }
    const rulesOf = async (name: string): Promise<string[]> =>
      (await groupOf(name)).rules.map(ruleSignature)
    const createPort = async (
      key: string,
      body: Record<string, unknown>,
    ): Promise<Record<string, unknown>> => {
      const p: Record<string, any> = (
        await req('POST', '/ports', { port: { network_id: net, ...body } })
      ).port
      ports[key] = { id: p['id'], ip: p['fixed_ips'][0].ip_address }
      return p
    }

    it('a secured port on a vSphere node binds to its security-group port group, filter read back from vCenter', async () => {
      net = (await req('POST', '/networks', { network: { name: 'sg-net' } })).network.id
      await req('POST', '/subnets', {
        subnet: { network_id: net, cidr: '10.9.0.0/24', ip_version: 4, name: 's' },
      })
      web = (await req('POST', '/security-groups', { security_group: { name: 'web' } }))
        .security_group.id
      db = (await req('POST', '/security-groups', { security_group: { name: 'db' } }))
        .security_group.id
      await addRule({
        security_group_id: web,
        direction: 'ingress',
        protocol: 'tcp',
        port_range_min: 22,
        port_range_max: 22,
        remote_ip_prefix: '192.0.2.0/24',
      })
      await addRule({
        security_group_id: db,
        direction: 'ingress',
        protocol: 'tcp',
        port_range_min: 5432,
        port_range_max: 5432,
        remote_group_id: web,
      })

      const a = await counted('bind a port (creates its port group)', () =>
        createPort('a', { security_groups: [web], 'binding:host_id': node }),
      )
      assert.equal(a['binding:vif_type'], 'dvs')
      const details = a['binding:vif_details'] as Record<string, unknown>
      assert.equal(details['port_filter'], true)
      const name = String(details['dvs_port_group_name'])
      assert.match(name, new RegExp(`^nubis-${net}\\.sg-[0-9a-f]{12}$`))
      const pg = await groupOf(name)
      assert.equal(pg.key, details['dvs_port_group_key'])
      assert.equal(
        pg.vlanId,
        (await req('GET', `/networks/${net}`)).network['provider:segmentation_id'],
      )
      const rules = pg.rules.map(ruleSignature)
      // The group's own rule, its stateful reply, the default egress rules' replies, a final drop.
      assert.ok(rules.includes('outgoingPackets accept 6 192.0.2.0/24 * * 22-22'), rules.join('\n'))
      assert.ok(rules.includes('incomingPackets accept 6 * 22-22 192.0.2.0/24 *'))
      assert.ok(rules.includes('incomingPackets accept * * * 0.0.0.0/0 *'), 'default egress IPv4')
      assert.ok(rules.includes('outgoingPackets accept 6 0.0.0.0/0 * * 32768-65535'))
      assert.deepEqual(rules.slice(-2), [
        'incomingPackets drop * * * * *',
        'outgoingPackets drop * * * * *',
      ])
      // Layer-2 port security on the group's ports.
      const setting = await soap.property(
        { type: 'DistributedVirtualPortgroup', value: pg.key },
        'config.defaultPortConfig',
      )
      assert.equal(text(at(setting, 'securityPolicy.forgedTransmits.value')), 'false')
      assert.equal(text(at(setting, 'securityPolicy.macChanges.value')), 'false')
    })

    it('a remote group stands for its members\u2019 addresses, kept current as ports come and go', async () => {
      const b = await createPort('b', { security_groups: [db], 'binding:host_id': node })
      const bName = String(
        (b['binding:vif_details'] as Record<string, unknown>)['dvs_port_group_name'],
      )
      const from = (ip: string) => `outgoingPackets accept 6 ${ip}/32 * * 5432-5432`
      assert.ok((await rulesOf(bName)).includes(from(ports['a']!.ip)))
      // A new member of `web` (not even bound) is let in to the database…
      await counted('port joins a remote group (1 group reconfigured)', () =>
        createPort('c', { security_groups: [web] }),
      )
      assert.ok((await rulesOf(bName)).includes(from(ports['c']!.ip)))
      // …and leaves with its port.
      await req('DELETE', `/ports/${ports['c']!.id}`)
      const after = await rulesOf(bName)
      assert.ok(!after.includes(from(ports['c']!.ip)))
      assert.ok(after.includes(from(ports['a']!.ip)))
    })

    it('rule create and delete reconfigure the port groups carrying the group', async () => {
      const a = (await req('GET', `/ports/${ports['a']!.id}`)).port
      const name = String(a['binding:vif_details']['dvs_port_group_name'])
      const snmp = 'outgoingPackets accept 17 198.51.100.0/24 * * 161-162'
      assert.ok(!(await rulesOf(name)).includes(snmp))
      const id = await counted('rule create (1 group reconfigured)', () =>
        addRule({
          security_group_id: web,
          direction: 'ingress',
          protocol: 'udp',
          port_range_min: 161,
          port_range_max: 162,
          remote_ip_prefix: '198.51.100.0/24',
        }),
      )
      assert.ok((await rulesOf(name)).includes(snmp))
      await req('DELETE', `/security-group-rules/${id}`)
      assert.ok(!(await rulesOf(name)).includes(snmp))
    })

    it('changing a bound port’s security groups re-plugs its VM’s NIC into the new group', async () => {
      const compute = await VsphereDriver.create(vcsimConfig(vc))
      await compute.init({ instanceChanged: () => {}, resourcesChanged: () => {} })
      const server = randomUUID()
      try {
        const e = await createPort('e', {
          security_groups: [web],
          device_id: server,
          device_owner: 'compute:nova',
          'binding:host_id': node,
        })
        const before = e['binding:vif_details'] as Record<string, unknown>
        await compute.spawn(
          instance(server, node),
          undefined,
          [
            {
              portId: String(e['id']),
              networkId: net,
              macAddress: String(e['mac_address']),
              fixedIps: [],
              vifType: 'dvs',
              vifDetails: before,
            },
          ],
          [],
        )
        const vm = (await findVmByInstanceUuid(soap, server))!
        const nicGroup = async () => {
          const devices = await soap.property(vm, 'config.hardware.device')
          const nic = list(child(devices, 'VirtualDevice')).find(
            (d) => xsiType(d) === 'VirtualVmxnet3',
          )
          return text(at(nic, 'backing.port.portgroupKey'))
        }
        assert.equal(await nicGroup(), before['dvs_port_group_key'])
        const moved = (
          await req('PUT', `/ports/${ports['e']!.id}`, { port: { security_groups: [db] } })
        ).port
        const after = moved['binding:vif_details']
        assert.equal(moved['binding:vif_type'], 'dvs')
        assert.notEqual(after['dvs_port_group_key'], before['dvs_port_group_key'])
        assert.equal(await nicGroup(), after['dvs_port_group_key'])
        // Same set as port b: same port group.
        const b = (await req('GET', `/ports/${ports['b']!.id}`)).port
        assert.equal(after['dvs_port_group_key'], b['binding:vif_details']['dvs_port_group_key'])
        await compute.destroy(instance(server, node), [], [], true)
        await req('DELETE', `/ports/${ports['e']!.id}`)
      } finally {
        await compute.close()
      }
    })

    it('a port without port security binds to the network\u2019s unfiltered port group', async () => {
      const d = await createPort('d', {
        port_security_enabled: false,
        security_groups: [],
        'binding:host_id': node,
      })
      const details = d['binding:vif_details'] as Record<string, unknown>
      assert.equal(details['port_filter'], false)
      assert.equal(details['dvs_port_group_name'], `nubis-${net}`)
      assert.deepEqual(await rulesOf(`nubis-${net}`), [])
    })

    it('deleting the network removes its port group and every security-group variant', async () => {
      for (const k of ['a', 'b', 'd']) await req('DELETE', `/ports/${ports[k]!.id}`)
      const before = (await listPortGroups(soap)).filter((p) => p.name.startsWith(`nubis-${net}`))
      assert.equal(before.length, 3, before.map((p) => p.name).join(', '))
      await req('DELETE', `/networks/${net}`)
      assert.deepEqual(
        (await listPortGroups(soap)).filter((p) => p.name.startsWith(`nubis-${net}`)),
        [],
      )
    })
  },
)
