import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { createTestCloud, type TestCloud } from '../../identity/testing.js'
import { memberOf } from './l3-test-fixtures.js'

const N = '/networking/v2.0'

describe('network ports API', () => {
  let cloud: TestCloud
  let admin: string
  let a: { projectId: string; token: string }
  let b: { projectId: string; token: string }
  before(async () => {
    cloud = await createTestCloud()
    admin = await cloud.adminToken()
    a = await memberOf(cloud, admin, 'port-a')
    b = await memberOf(cloud, admin, 'port-b')
  })
  after(async () => cloud.close())

  const req = (method: string, url: string, token: string, body?: unknown) =>
    cloud.request(method, `${N}${url}`, { token, ...(body !== undefined ? { body } : {}) })
  const netWithSubnet = async (
    token: string,
    cidr: string,
    extra: Record<string, unknown> = {},
  ) => {
    const n = (await req('POST', '/networks', token, { network: { name: 'n' } })).body.network
      .id as string
    const s = await req('POST', '/subnets', token, {
      subnet: { network_id: n, ip_version: 4, cidr, ...extra },
    })
    assert.equal(s.status, 201, JSON.stringify(s.body))
    return { n, s: s.body.subnet.id as string }
  }

  test('create with defaults: MAC, one IP, default security group, DOWN', async () => {
    const { n, s } = await netWithSubnet(a.token, '10.10.0.0/24')
    const c = await req('POST', '/ports', a.token, {
      port: { network_id: n, name: 'p', device_id: 'dev1', device_owner: 'compute:nova' },
    })
    assert.equal(c.status, 201, JSON.stringify(c.body))
    const p = c.body.port
    assert.match(p.mac_address, /^fa:16:3e(:[0-9a-f]{2}){3}$/)
    assert.equal(p.fixed_ips.length, 1)
    assert.equal(p.fixed_ips[0].subnet_id, s)
    assert.notEqual(p.fixed_ips[0].ip_address, '10.10.0.1', 'gateway is reserved')
    assert.equal(p.status, 'DOWN')
    assert.equal(p.port_security_enabled, true)
    assert.equal(p.security_groups.length, 1)
    assert.equal(p['binding:vnic_type'], 'normal')
    assert.equal('binding:host_id' in p, false, 'binding:host_id is admin-only')
    const sg = (await req('GET', `/security-groups/${p.security_groups[0]}`, a.token)).body
      .security_group
    assert.equal(sg?.name, 'default')
    assert.equal((await req('GET', `/ports/${p.id}`, b.token)).status, 404)
    const asAdmin = (await req('GET', `/ports/${p.id}`, admin)).body.port
    assert.equal(asAdmin['binding:vif_type'], 'unbound')
    assert.equal(asAdmin['binding:host_id'], '')

    const byIp = await req(
      'GET',
      `/ports?fixed_ips=ip_address%3D${p.fixed_ips[0].ip_address}`,
      a.token,
    )
    assert.deepEqual(
      byIp.body.ports.map((x: { id: string }) => x.id),
      [p.id],
    )
    const bySubnet = await req(
      'GET',
      `/ports?fixed_ips=subnet_id%3D${s}&device_owner=compute:nova&device_id=dev1`,
      a.token,
    )
    assert.deepEqual(
      bySubnet.body.ports.map((x: { id: string }) => x.id),
      [p.id],
    )
    assert.equal(
      (await req('GET', '/ports?fixed_ips=ip_address%3D10.99.0.1', a.token)).body.ports.length,
      0,
    )
    assert.equal((await req('GET', '/ports', b.token)).body.ports.length, 0)

    const inUse = await req('DELETE', `/subnets/${s}`, a.token)
    assert.equal(inUse.status, 409)
    assert.equal(inUse.body.NeutronError.type, 'SubnetInUse')
    assert.equal((await req('DELETE', `/ports/${p.id}`, a.token)).status, 204)
    assert.equal((await req('DELETE', `/subnets/${s}`, a.token)).status, 204)
  })

  test('fixed IPs: requested, outside pool, in use, invalid', async () => {
    const { n, s } = await netWithSubnet(a.token, '10.11.0.0/24', {
      allocation_pools: [{ start: '10.11.0.10', end: '10.11.0.20' }],
    })
    const post = (port: Record<string, unknown>, token = a.token) =>
      req('POST', '/ports', token, { port: { network_id: n, ...port } })
    const r1 = await post({ fixed_ips: [{ ip_address: '10.11.0.100' }] })
    assert.equal(r1.status, 201, 'an address outside the pools but inside the CIDR is allowed')
    assert.deepEqual(r1.body.port.fixed_ips, [{ subnet_id: s, ip_address: '10.11.0.100' }])
    const dup = await post({ fixed_ips: [{ subnet_id: s, ip_address: '10.11.0.100' }] })
    assert.equal(dup.status, 409)
    assert.equal(dup.body.NeutronError.type, 'IpAddressAlreadyAllocated')
    assert.equal((await post({ fixed_ips: [{ ip_address: '10.12.0.5' }] })).status, 400)
    assert.equal(
      (await post({ fixed_ips: [{ subnet_id: s, ip_address: '10.11.0.255' }] })).status,
      400,
    )
    assert.equal((await post({ fixed_ips: [{ subnet_id: 'nope' }] })).status, 400)
    assert.equal((await post({ fixed_ips: [{ ip_address: 'x' }] })).status, 400)
    assert.equal((await post({ admin_state_up: 'true' })).status, 400)
    assert.equal((await post({ bogus: 1 })).status, 400)
    assert.equal((await post({ mac_address: 'zz' })).status, 400)
    assert.equal((await post({ 'binding:host_id': 'h1' })).status, 403)
    assert.equal((await post({}, b.token)).status, 404, "another project's private network")
    const mac = await post({ mac_address: 'fa:16:3e:00:00:01' })
    assert.equal(mac.status, 201)
    const macDup = await post({ mac_address: 'FA:16:3E:00:00:01' })
    assert.equal(macDup.status, 409)
    assert.equal(macDup.body.NeutronError.type, 'MacAddressInUse')

    // update: move the address, then give it back
    const id = r1.body.port.id
    const u = await req('PUT', `/ports/${id}`, a.token, {
      port: { fixed_ips: [{ subnet_id: s, ip_address: '10.11.0.101' }], name: 'x' },
    })
    assert.equal(u.status, 200, JSON.stringify(u.body))
    assert.deepEqual(u.body.port.fixed_ips, [{ subnet_id: s, ip_address: '10.11.0.101' }])
    assert.equal(
      (await post({ fixed_ips: [{ ip_address: '10.11.0.100' }] })).status,
      201,
      'the old address was released',
    )
  })

  test('pool exhaustion → 409 IpAddressGenerationFailure', async () => {
    const { n } = await netWithSubnet(a.token, '10.13.0.0/29')
    const codes: number[] = []
    for (let i = 0; i < 6; i++)
      codes.push((await req('POST', '/ports', a.token, { port: { network_id: n } })).status)
    assert.deepEqual(codes, [201, 201, 201, 201, 201, 409])
    const r = await req('POST', '/ports', a.token, { port: { network_id: n } })
    assert.equal(r.body.NeutronError.type, 'IpAddressGenerationFailure')
    assert.equal(r.body.NeutronError.message, `No more IP addresses available on network ${n}.`)
  })

  test('port security, security groups, address pairs, extra DHCP options', async () => {
    const { n } = await netWithSubnet(a.token, '10.14.0.0/24')
    const post = (port: Record<string, unknown>) =>
      req('POST', '/ports', a.token, { port: { network_id: n, ...port } })
    const off = await post({ port_security_enabled: false })
    assert.equal(off.status, 201)
    assert.deepEqual(off.body.port.security_groups, [])
    const sgConflict = await post({
      port_security_enabled: false,
      security_groups: [off.body.port.id],
    })
    assert.ok([404, 409].includes(sgConflict.status))
    const sg = (await req('POST', '/security-groups', a.token, { security_group: { name: 'web' } }))
      .body.security_group
    assert.equal(
      (await post({ port_security_enabled: false, security_groups: [sg.id] })).status,
      409,
    )
    assert.equal(
      (
        await post({
          port_security_enabled: false,
          allowed_address_pairs: [{ ip_address: '10.0.0.9' }],
        })
      ).status,
      409,
    )
    assert.equal(
      (await post({ security_groups: ['00000000-0000-0000-0000-000000000000'] })).status,
      404,
    )
    const full = await post({
      security_groups: [sg.id],
      allowed_address_pairs: [
        { ip_address: '10.14.0.0/28' },
        { ip_address: '10.14.0.99', mac_address: 'fa:16:3e:aa:bb:cc' },
      ],
      extra_dhcp_opts: [{ opt_name: 'bootfile-name', opt_value: 'pxelinux.0' }],
    })
    assert.equal(full.status, 201, JSON.stringify(full.body))
    const p = full.body.port
    assert.deepEqual(p.security_groups, [sg.id])
    assert.deepEqual(p.allowed_address_pairs, [
      { ip_address: '10.14.0.0/28', mac_address: p.mac_address },
      { ip_address: '10.14.0.99', mac_address: 'fa:16:3e:aa:bb:cc' },
    ])
    assert.deepEqual(p.extra_dhcp_opts, [
      { opt_name: 'bootfile-name', opt_value: 'pxelinux.0', ip_version: 4 },
    ])
    const clear = await req('PUT', `/ports/${p.id}`, a.token, {
      port: { security_groups: [], allowed_address_pairs: [], port_security_enabled: false },
    })
    assert.equal(clear.status, 200, JSON.stringify(clear.body))
    assert.equal(clear.body.port.port_security_enabled, false)
  })

  test('binding through the ML2 chain (admin), network IP availability', async () => {
    const { n, s } = await netWithSubnet(admin, '10.15.0.0/24')
    const c = await req('POST', '/ports', admin, {
      port: { network_id: n, 'binding:host_id': 'compute1', 'binding:profile': { a: 1 } },
    })
    assert.equal(c.status, 201, JSON.stringify(c.body))
    assert.equal(c.body.port['binding:host_id'], 'compute1')
    assert.deepEqual(c.body.port['binding:profile'], { a: 1 })
    assert.ok(
      ['other', 'binding_failed'].includes(c.body.port['binding:vif_type']),
      c.body.port['binding:vif_type'],
    )
    const u = await req('PUT', `/ports/${c.body.port.id}`, admin, {
      port: { 'binding:host_id': 'compute2' },
    })
    assert.equal(u.body.port['binding:host_id'], 'compute2')
    assert.equal(
      (await req('PUT', `/ports/${c.body.port.id}`, admin, { port: { status: 'ACTIVE' } })).status,
      400,
    )

    const av = await req('GET', `/network-ip-availabilities/${n}`, admin)
    assert.equal(av.status, 200)
    assert.equal(av.body.network_ip_availability.total_ips, 253)
    assert.equal(av.body.network_ip_availability.used_ips, 1)
    assert.equal(av.body.network_ip_availability.subnet_ip_availability[0].subnet_id, s)
    assert.equal((await req('GET', '/network-ip-availabilities', a.token)).status, 403)
    const list = await req('GET', `/network-ip-availabilities?network_id=${n}`, admin)
    assert.equal(list.body.network_ip_availabilities.length, 1)
  })

  test('shared networks: others attach but may not pick addresses; SLAAC addresses from the MAC', async () => {
    const n = (await req('POST', '/networks', admin, { network: { name: 'shared', shared: true } }))
      .body.network.id as string
    const s4 = await req('POST', '/subnets', admin, {
      subnet: { network_id: n, ip_version: 4, cidr: '10.16.0.0/24' },
    })
    const s6 = await req('POST', '/subnets', admin, {
      subnet: {
        network_id: n,
        ip_version: 6,
        cidr: '2001:db8:16::/64',
        ipv6_ra_mode: 'slaac',
        ipv6_address_mode: 'slaac',
      },
    })
    assert.equal(s6.status, 201, JSON.stringify(s6.body))
    const p = await req('POST', '/ports', b.token, { port: { network_id: n } })
    assert.equal(p.status, 201, JSON.stringify(p.body))
    const mac = p.body.port.mac_address as string
    const b0 = (parseInt(mac.slice(0, 2), 16) ^ 2).toString(16)
    const v6 = p.body.port.fixed_ips.find(
      (f: { subnet_id: string }) => f.subnet_id === s6.body.subnet.id,
    )
    assert.equal(
      v6.ip_address,
      `2001:db8:16:0:${b0}${mac.slice(3, 5)}:${mac.slice(6, 8)}ff:fe${mac.slice(9, 11)}:${mac.slice(12, 14)}${mac.slice(15, 17)}`.replace(
        /:0+([0-9a-f])/g,
        ':$1',
      ),
    )
    assert.ok(
      p.body.port.fixed_ips.some((f: { subnet_id: string }) => f.subnet_id === s4.body.subnet.id),
    )
    const pick = await req('POST', '/ports', b.token, {
      port: { network_id: n, fixed_ips: [{ ip_address: '10.16.0.50' }] },
    })
    assert.equal(pick.status, 403)
    assert.equal(
      (
        await req('POST', '/ports', b.token, {
          port: { network_id: n, mac_address: 'fa:16:3e:00:11:22' },
        })
      ).status,
      403,
    )
    assert.equal(
      (
        await req('POST', '/subnets', b.token, {
          subnet: { network_id: n, ip_version: 4, cidr: '10.17.0.0/24' },
        })
      ).status,
      403,
    )
    // an update that restates the SLAAC address and adds an IPv4 one (what the CLI sends);
    // the allocator may have handed out .77 already, so pick one the port does not hold.
    const held = p.body.port.fixed_ips.map((f: { ip_address: string }) => f.ip_address)
    const extra = held.includes('10.16.0.77') ? '10.16.0.78' : '10.16.0.77'
    const grow = await req('PUT', `/ports/${p.body.port.id}`, admin, {
      port: {
        fixed_ips: [...p.body.port.fixed_ips, { subnet_id: s4.body.subnet.id, ip_address: extra }],
      },
    })
    assert.equal(grow.status, 200, JSON.stringify(grow.body))
    assert.equal(grow.body.port.fixed_ips.length, 3)
    const back = await req('PUT', `/ports/${p.body.port.id}`, admin, {
      port: { fixed_ips: p.body.port.fixed_ips },
    })
    assert.equal(back.body.port.fixed_ips.length, 2)
    // deleting the SLAAC subnet drops its derived addresses instead of refusing
    assert.equal((await req('DELETE', `/subnets/${s6.body.subnet.id}`, admin)).status, 204)
    assert.equal(
      (await req('GET', `/ports/${p.body.port.id}`, b.token)).body.port.fixed_ips.length,
      1,
    )
  })
})
