import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { Db } from '../../../db/database.js'
import { createTestCloud, type TestCloud } from '../../identity/testing.js'
import { ensureDefaultSecurityGroup } from '../security-groups-service.js'
import { memberOf, seedNetwork, seedPort } from './l3-test-fixtures.js'

const N = '/networking/v2.0'
type Rule = Record<string, string | number | null>

describe('network security groups API', () => {
  let cloud: TestCloud
  let db: Db
  let admin: string
  let a: { projectId: string; token: string }
  let b: { projectId: string; token: string }
  before(async () => {
    cloud = await createTestCloud()
    db = cloud.network.ctx.db
    admin = await cloud.adminToken()
    a = await memberOf(cloud, admin, 'sg-a')
    b = await memberOf(cloud, admin, 'sg-b')
  })
  after(async () => cloud.close())

  const req = (method: string, url: string, token: string, body?: unknown) =>
    cloud.request(method, `${N}${url}`, { token, ...(body !== undefined ? { body } : {}) })
  const newGroup = async (token: string, name = 'g'): Promise<string> =>
    String(
      (await req('POST', '/security-groups', token, { security_group: { name } })).body
        .security_group.id,
    )
  const rule = (token: string, body: Rule) =>
    req('POST', '/security-group-rules', token, {
      security_group_rule: { direction: 'ingress', ...body },
    })

  test('default group: created on first list with Neutron rules, once even when raced', async () => {
    const ids = await Promise.all(
      Array.from({ length: 5 }, () =>
        ensureDefaultSecurityGroup(cloud.network.ctx, db, a.projectId),
      ),
    )
    assert.equal(new Set(ids).size, 1)
    const list = await req('GET', '/security-groups', a.token)
    const defaults = list.body.security_groups.filter((g: { name: string }) => g.name === 'default')
    assert.equal(defaults.length, 1)
    const g = defaults[0]
    assert.equal(g.id, ids[0])
    assert.equal(g.description, 'Default security group')
    assert.equal(g.stateful, true)
    assert.match(g.created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/)
    const shape = g.security_group_rules
      .map(
        (r: Rule) =>
          `${r['direction']}/${r['ethertype']}/${r['remote_group_id'] === g.id ? 'self' : (r['remote_group_id'] ?? 'null')}`,
      )
      .sort()
    assert.deepEqual(shape, [
      'egress/IPv4/null',
      'egress/IPv6/null',
      'ingress/IPv4/self',
      'ingress/IPv6/self',
    ])
    // default cannot be renamed nor deleted by its project, nor created twice
    assert.equal(
      (await req('PUT', `/security-groups/${g.id}`, a.token, { security_group: { name: 'x' } }))
        .status,
      409,
    )
    assert.equal((await req('DELETE', `/security-groups/${g.id}`, a.token)).status, 409)
    assert.equal(
      (await req('POST', '/security-groups', a.token, { security_group: { name: 'default' } }))
        .status,
      409,
    )
    assert.equal(
      (
        await req('PUT', `/security-groups/${g.id}`, a.token, {
          security_group: { description: 'd' },
        })
      ).status,
      200,
    )
  })

  test('create, show, update, delete with egress rules; isolation between projects', async () => {
    const c = await req('POST', '/security-groups', a.token, {
      security_group: { name: 'web', description: 'w' },
    })
    assert.equal(c.status, 201)
    const g = c.body.security_group
    assert.equal(g.project_id, a.projectId)
    assert.deepEqual(g.tags, [])
    assert.deepEqual(
      g.security_group_rules.map((r: Rule) => `${r['direction']}/${r['ethertype']}`).sort(),
      ['egress/IPv4', 'egress/IPv6'],
    )
    assert.equal(
      (await req('GET', `/security-groups/${g.id}`, a.token)).body.security_group.name,
      'web',
    )
    const u = await req('PUT', `/security-groups/${g.id}`, a.token, {
      security_group: { name: 'web2' },
    })
    assert.equal(u.body.security_group.name, 'web2')
    assert.equal(u.body.security_group.revision_number, 1)
    assert.equal(
      (
        await req('PUT', `/security-groups/${g.id}`, a.token, {
          security_group: { name: 'default' },
        })
      ).status,
      409,
    )
    assert.equal((await req('GET', `/security-groups/${g.id}`, b.token)).status, 404)
    assert.equal((await req('DELETE', `/security-groups/${g.id}`, b.token)).status, 404)
    assert.equal((await rule(b.token, { security_group_id: g.id })).status, 404)
    assert.ok(
      !(await req('GET', '/security-groups', b.token)).body.security_groups.some(
        (x: { id: string }) => x.id === g.id,
      ),
    )
    assert.ok(
      (await req('GET', '/security-groups', admin)).body.security_groups.some(
        (x: { id: string }) => x.id === g.id,
      ),
    )
    const ruleIds = g.security_group_rules.map((r: Rule) => r['id'])
    assert.equal((await req('GET', `/security-group-rules/${ruleIds[0]}`, b.token)).status, 404)
    assert.equal((await req('DELETE', `/security-groups/${g.id}`, a.token)).status, 204)
    assert.equal((await req('GET', `/security-groups/${g.id}`, a.token)).status, 404)
    assert.equal((await req('GET', `/security-group-rules/${ruleIds[0]}`, a.token)).status, 404)
  })

  test('bad bodies are 400', async () => {
    assert.equal(
      (await req('POST', '/security-groups', a.token, { security_group: { bogus: 1 } })).status,
      400,
    )
    assert.equal(
      (await req('POST', '/security-groups', a.token, { security_group: { name: 5 } })).status,
      400,
    )
    assert.equal(
      (
        await req('POST', '/security-groups', a.token, {
          security_group: { project_id: b.projectId },
        })
      ).status,
      400,
    )
    assert.equal((await req('POST', '/security-groups', a.token, {})).status, 400)
    assert.equal(
      (await req('PUT', '/security-groups/nope', a.token, { security_group: { name: 'x' } }))
        .status,
      404,
    )
  })

  test('rules: protocols, ports, prefixes, remote groups and duplicates as Neutron', async () => {
    const sg = await newGroup(a.token)
    const ok = await rule(a.token, {
      security_group_id: sg,
      protocol: 'TCP',
      port_range_min: 80,
      port_range_max: 81,
      remote_ip_prefix: '10.0.0.5/24',
    })
    assert.equal(ok.status, 201, JSON.stringify(ok.body))
    const r = ok.body.security_group_rule
    assert.equal(r.protocol, 'tcp')
    assert.equal(r.ethertype, 'IPv4')
    assert.equal(r.remote_ip_prefix, '10.0.0.5/24')
    assert.equal(r.normalized_cidr, '10.0.0.0/24')
    assert.deepEqual(
      (await req('GET', `/security-group-rules/${r.id}`, a.token)).body.security_group_rule,
      r,
    )
    const dup = await rule(a.token, {
      security_group_id: sg,
      protocol: '6',
      port_range_min: 80,
      port_range_max: 81,
      remote_ip_prefix: '10.0.0.5/24',
    })
    assert.equal(dup.status, 409)
    assert.equal(dup.body.NeutronError.type, 'SecurityGroupRuleExists')
    assert.equal(
      dup.body.NeutronError.message,
      `Security group rule already exists. Rule id is ${r.id}.`,
    )
    const num = await rule(a.token, { security_group_id: sg, protocol: 17 })
    assert.equal(num.body.security_group_rule.protocol, '17')
    const v6 = await rule(a.token, {
      security_group_id: sg,
      ethertype: 'ipv6',
      protocol: 'icmp',
      port_range_min: 8,
      port_range_max: 0,
    })
    assert.equal(v6.body.security_group_rule.protocol, 'ipv6-icmp')
    assert.equal(v6.body.security_group_rule.ethertype, 'IPv6')
    const whole = await rule(a.token, {
      security_group_id: sg,
      protocol: 'sctp',
      port_range_min: 1,
      port_range_max: 65535,
    })
    assert.equal(whole.body.security_group_rule.port_range_min, null)
    const other = await newGroup(a.token, 'other')
    const remote = await rule(a.token, {
      security_group_id: sg,
      protocol: 'udp',
      port_range_min: 50,
      port_range_max: 55,
      remote_group_id: other,
    })
    assert.equal(remote.body.security_group_rule.remote_group_id, other)
    const bGroup = await newGroup(b.token)
    const bad: Array<[Rule, number, string?]> = [
      [{ protocol: 'bad_protocol_name' }, 400],
      [{ protocol: 256 }, 400],
      [{ protocol: 'tcp', remote_ip_prefix: '192.168.1.1/33' }, 400],
      [{ protocol: 'tcp', remote_ip_prefix: 'bad_prefix' }, 400],
      [{ protocol: 'tcp', remote_ip_prefix: '256' }, 400],
      [
        { protocol: 'tcp', ethertype: 'IPv6', remote_ip_prefix: '10.0.0.0/24' },
        400,
        'Conflicting value ethertype',
      ],
      [{ protocol: 'tcp', remote_group_id: 'bad_group_id' }, 404],
      [{ protocol: 'tcp', remote_group_id: bGroup }, 404],
      [{ protocol: 'tcp', remote_ip_prefix: '10.0.0.0/8', remote_group_id: other }, 400],
      [{ ethertype: 'bad_ethertype' }, 400],
      [{ direction: 'sideways' }, 400],
      [
        { protocol: 'tcp', port_range_min: -16, port_range_max: 80 },
        400,
        'Invalid value for port -16',
      ],
      [
        { protocol: 'tcp', port_range_min: 80, port_range_max: 79 },
        400,
        'port_range_min must be <= port_range_max',
      ],
      [
        { protocol: 'tcp', port_range_min: 80, port_range_max: 65536 },
        400,
        'Invalid value for port 65536',
      ],
      [{ protocol: 'tcp', port_range_max: 6 }, 400, 'port_range_min must be <= port_range_max'],
      [
        { protocol: 'icmp', port_range_min: 1, port_range_max: 256 },
        400,
        'Invalid value for ICMP code',
      ],
      [{ protocol: 'icmp', port_range_max: 6 }, 400, 'ICMP type (port-range-min) is missing'],
      [
        { protocol: 'icmp', port_range_min: 300, port_range_max: 1 },
        400,
        'Invalid value for ICMP type',
      ],
      [{ protocol: 'gre', port_range_min: 1, port_range_max: 2 }, 400],
      [{ port_range_min: 1, port_range_max: 2 }, 400],
      [{ protocol: 'ipv6-icmp', ethertype: 'IPv4' }, 400],
      [{ bogus: 1 }, 400],
    ]
    for (const [body, status, msg] of bad) {
      const res = await rule(a.token, { security_group_id: sg, ...body })
      assert.equal(res.status, status, `${JSON.stringify(body)} → ${JSON.stringify(res.body)}`)
      if (msg)
        assert.ok(
          String(res.body.NeutronError.message).includes(msg),
          res.body.NeutronError.message,
        )
    }
    assert.equal(
      (await rule(a.token, { security_group_id: '5ae6b5b4-0000-4000-8000-000000000000' })).status,
      404,
    )
    assert.equal(
      (
        await req('POST', '/security-group-rules', a.token, {
          security_group_rule: { security_group_id: sg },
        })
      ).status,
      400,
    )
    const listed = (await req('GET', `/security-group-rules?security_group_id=${sg}`, a.token)).body
      .security_group_rules
    assert.ok(listed.some((x: Rule) => x['id'] === r.id))
    assert.ok(
      !(await req('GET', '/security-group-rules', b.token)).body.security_group_rules.some(
        (x: Rule) => x['id'] === r.id,
      ),
    )
    assert.equal((await req('DELETE', `/security-group-rules/${r.id}`, b.token)).status, 404)
    assert.equal((await req('DELETE', `/security-group-rules/${r.id}`, a.token)).status, 204)
    assert.equal((await req('GET', `/security-group-rules/${r.id}`, a.token)).status, 404)
  })

  test('a group in use by a port cannot be deleted; quotas apply to groups and rules', async () => {
    const sg = await newGroup(a.token, 'used')
    const net = await seedNetwork(db, a.projectId)
    const port = await seedPort(db, net, a.projectId, [])
    await db
      .insertInto('port_security_groups')
      .values({ port_id: port, security_group_id: sg })
      .execute()
    const del = await req('DELETE', `/security-groups/${sg}`, a.token)
    assert.equal(del.status, 409)
    assert.equal(del.body.NeutronError.type, 'SecurityGroupInUse')
    const c = await memberOf(cloud, admin, 'sg-quota')
    await req('PUT', `/quotas/${c.projectId}`, admin, {
      quota: { security_group: 2, security_group_rule: 7 },
    })
    const first = await newGroup(c.token) // default (4 rules) + this one (2 rules) = 6 rules, 2 groups
    assert.ok(first)
    const over = await req('POST', '/security-groups', c.token, { security_group: { name: 'x' } })
    assert.equal(over.status, 409)
    assert.equal(over.body.NeutronError.type, 'OverQuota')
    assert.equal((await rule(c.token, { security_group_id: first, protocol: 'tcp' })).status, 201)
    const overRule = await rule(c.token, { security_group_id: first, protocol: 'udp' })
    assert.equal(overRule.status, 409)
    assert.equal(
      overRule.body.NeutronError.message,
      "Quota exceeded for resources: ['security_group_rule'].",
    )
  })

  test('concurrent creates never exceed the security group quota', async () => {
    const d = await memberOf(cloud, admin, 'sg-race')
    await req('PUT', `/quotas/${d.projectId}`, admin, { quota: { security_group: 5 } })
    const res = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        req('POST', '/security-groups', d.token, { security_group: { name: `r${i}` } }),
      ),
    )
    assert.deepEqual(
      res.filter((r) => r.status !== 201 && r.status !== 409),
      [],
    )
    const n = await db
      .selectFrom('security_groups')
      .select('id')
      .where('project_id', '=', d.projectId)
      .execute()
    assert.equal(n.length, 5)
    assert.equal(res.filter((r) => r.status === 201).length, 4)
  })
})
