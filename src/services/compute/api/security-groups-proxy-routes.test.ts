import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { createTestCloud, type TestCloud } from '../../identity/testing.js'
import { computeRequest, memberOf, type Member } from './resource-test-fixtures.js'

describe('compute os-security-groups proxy', () => {
  let cloud: TestCloud
  let admin: string
  let a: Member
  let b: Member
  let req: ReturnType<typeof computeRequest>
  before(async () => {
    cloud = await createTestCloud()
    admin = await cloud.adminToken()
    a = await memberOf(cloud, admin, 'sgp-a')
    b = await memberOf(cloud, admin, 'sgp-b')
    req = computeRequest(cloud)
  })
  after(async () => cloud.close())

  test('groups: create, show, list, update, delete in Nova shapes; per project', async () => {
    const c = await req('POST', '/os-security-groups', a.token, {
      security_group: { name: 'web', description: 'web tier' },
    })
    assert.equal(c.status, 200)
    const g = c.body.security_group
    assert.deepEqual(Object.keys(g).sort(), ['description', 'id', 'name', 'rules', 'tenant_id'])
    assert.equal(g.tenant_id, a.projectId)
    assert.deepEqual(g.rules, [], 'egress rules are not shown')
    const list = await req('GET', '/os-security-groups', a.token)
    assert.deepEqual(
      list.body.security_groups.map((x: { name: string }) => x.name),
      ['default', 'web'],
    )
    const def = list.body.security_groups[0]
    assert.ok(
      def.rules.every((r: { group: { name?: string } }) => r.group.name === 'default'),
      'default allows its own members',
    )
    assert.equal((await req('GET', `/os-security-groups/${g.id}`, b.token)).status, 404)
    assert.ok(
      !(await req('GET', '/os-security-groups', b.token)).body.security_groups.some(
        (x: { id: string }) => x.id === g.id,
      ),
    )
    const u = await req('PUT', `/os-security-groups/${g.id}`, a.token, {
      security_group: { name: 'web2', description: 'd2' },
    })
    assert.equal(u.body.security_group.name, 'web2')
    for (const bad of [
      { security_group: { name: 'x'.repeat(256), description: '' } },
      { security_group: { description: 'no name' } },
      {},
    ])
      assert.equal(
        (await req('POST', '/os-security-groups', a.token, bad)).status,
        400,
        JSON.stringify(bad),
      )
    assert.equal((await req('GET', '/os-security-groups/not-a-uuid', a.token)).status, 400)
    assert.equal(
      (await req('DELETE', `/os-security-groups/${def.id}`, a.token)).status,
      400,
      'the default group stays',
    )
    assert.equal((await req('DELETE', `/os-security-groups/${g.id}`, a.token)).status, 202)
    assert.equal((await req('DELETE', `/os-security-groups/${g.id}`, a.token)).status, 404)
    assert.equal((await req('GET', '/os-security-groups', a.token, undefined, '2.36')).status, 404)
  })

  test('rules: defaults, validation, duplicates, group rules, delete', async () => {
    const g = (
      await req('POST', '/os-security-groups', a.token, {
        security_group: { name: 'rules', description: '' },
      })
    ).body.security_group
    const other = (
      await req('POST', '/os-security-groups', a.token, {
        security_group: { name: 'src', description: '' },
      })
    ).body.security_group
    const r = await req('POST', '/os-security-group-rules', a.token, {
      security_group_rule: {
        parent_group_id: g.id,
        ip_protocol: 'tcp',
        from_port: 22,
        to_port: 22,
        cidr: '10.0.0.0/8',
      },
    })
    assert.equal(r.status, 200)
    assert.deepEqual(
      { ...r.body.security_group_rule, id: 'x' },
      {
        id: 'x',
        parent_group_id: g.id,
        ip_protocol: 'tcp',
        from_port: 22,
        to_port: 22,
        group: {},
        ip_range: { cidr: '10.0.0.0/8' },
      },
    )
    const dup = await req('POST', '/os-security-group-rules', a.token, {
      security_group_rule: {
        parent_group_id: g.id,
        ip_protocol: 'tcp',
        from_port: 22,
        to_port: 22,
        cidr: '10.0.0.0/8',
      },
    })
    assert.equal(dup.status, 400)
    const icmp = await req('POST', '/os-security-group-rules', a.token, {
      security_group_rule: {
        parent_group_id: g.id,
        ip_protocol: 'icmp',
        from_port: -1,
        to_port: -1,
      },
    })
    assert.equal(icmp.body.security_group_rule.from_port, -1)
    assert.deepEqual(icmp.body.security_group_rule.ip_range, { cidr: '0.0.0.0/0' })
    const grp = await req('POST', '/os-security-group-rules', a.token, {
      security_group_rule: { parent_group_id: g.id, ip_protocol: 'udp', group_id: other.id },
    })
    assert.equal(grp.status, 200)
    assert.deepEqual(grp.body.security_group_rule.group, { name: 'src', tenant_id: a.projectId })
    assert.equal(grp.body.security_group_rule.from_port, 1)
    assert.equal(grp.body.security_group_rule.to_port, 65535)
    const shown = await req('GET', `/os-security-groups/${g.id}`, a.token)
    assert.equal(shown.body.security_group.rules.length, 3)
    const bad = [
      { parent_group_id: g.id, ip_protocol: 'abc', from_port: 22, to_port: 22 },
      { parent_group_id: g.id, ip_protocol: 'tcp', from_port: 'x', to_port: 22 },
      { parent_group_id: g.id, ip_protocol: 'tcp', from_port: 22, to_port: 65536 },
      { parent_group_id: g.id, ip_protocol: 'tcp', from_port: 30, to_port: 20 },
      { parent_group_id: g.id, ip_protocol: 'tcp' },
      { parent_group_id: 'not-a-uuid', ip_protocol: 'tcp', from_port: 22, to_port: 22 },
      { parent_group_id: g.id, ip_protocol: 'tcp', from_port: 22, to_port: 22, cidr: '10.0.0.0' },
    ]
    for (const rule of bad)
      assert.equal(
        (await req('POST', '/os-security-group-rules', a.token, { security_group_rule: rule }))
          .status,
        400,
        JSON.stringify(rule),
      )
    const missing = await req('POST', '/os-security-group-rules', a.token, {
      security_group_rule: {
        parent_group_id: crypto.randomUUID(),
        ip_protocol: 'tcp',
        from_port: 22,
        to_port: 22,
      },
    })
    assert.equal(missing.status, 404)
    assert.equal(
      (await req('DELETE', `/os-security-group-rules/${r.body.security_group_rule.id}`, b.token))
        .status,
      404,
    )
    assert.equal(
      (await req('DELETE', `/os-security-group-rules/${r.body.security_group_rule.id}`, a.token))
        .status,
      202,
    )
    assert.equal(
      (await req('DELETE', `/os-security-group-rules/${r.body.security_group_rule.id}`, a.token))
        .status,
      404,
    )
  })

  test('GET /servers/{id}/os-security-groups lists the groups of the server ports', async () => {
    const sg = (
      await req('POST', '/os-security-groups', a.token, {
        security_group: { name: 'srv', description: '' },
      })
    ).body.security_group
    const net = await cloud.request('POST', '/networking/v2.0/networks', {
      token: a.token,
      body: { network: { name: 'sgnet' } },
    })
    const port = await cloud.request('POST', '/networking/v2.0/ports', {
      token: a.token,
      body: { port: { network_id: net.body.network.id, security_groups: [sg.id] } },
    })
    assert.equal(port.status, 201, JSON.stringify(port.body))
    const uuid = crypto.randomUUID()
    const now = new Date().toISOString()
    await cloud.database.db
      .insertInto('instances')
      .values({
        uuid,
        project_id: a.projectId,
        user_id: a.userId,
        display_name: 'sg-vm',
        display_description: null,
        hostname: 'sg-vm',
        host: null,
        node: null,
        availability_zone: null,
        vm_state: 'active',
        task_state: null,
        power_state: 1,
        flavor: '{}',
        old_flavor: null,
        new_flavor: null,
        image_ref: '',
        key_name: null,
        key_data: null,
        user_data: null,
        config_drive: '',
        metadata: '{}',
        system_metadata: '{}',
        access_ip_v4: null,
        access_ip_v6: null,
        locked: 0,
        locked_by: null,
        locked_reason: null,
        launch_index: 0,
        reservation_id: 'r',
        request_spec: '{}',
        fault: null,
        progress: 0,
        root_device_name: null,
        launched_at: now,
        terminated_at: null,
        created_at: now,
        updated_at: now,
        deleted_at: null,
        deleted: 0,
      })
      .execute()
    await cloud.database.db
      .insertInto('instance_ports')
      .values({
        instance_uuid: uuid,
        port_id: port.body.port.id,
        network_id: net.body.network.id,
        mac_address: port.body.port.mac_address,
        created_by_compute: 0,
        tag: null,
        created_at: now,
      })
      .execute()
    const l = await req('GET', `/servers/${uuid}/os-security-groups`, a.token, undefined, '2.60')
    assert.equal(l.status, 200)
    assert.deepEqual(
      l.body.security_groups.map((g: { id: string }) => g.id),
      [sg.id],
    )
    assert.equal((await req('GET', `/servers/${uuid}/os-security-groups`, b.token)).status, 404)
  })
})
