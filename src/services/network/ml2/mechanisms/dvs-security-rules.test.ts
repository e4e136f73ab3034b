import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { ruleSignature } from '../../../../virt/vmware/vim25/dvs-filter.js'
import { trafficRules, type SgRule } from './dvs-security-rules.js'

const rule = (over: Partial<SgRule> & Pick<SgRule, 'id' | 'direction'>): SgRule => ({
  security_group_id: 'web',
  ethertype: 'IPv4',
  protocol: null,
  port_range_min: null,
  port_range_max: null,
  remote_ip_prefix: null,
  remote_group_id: null,
  ...over,
})

const base = {
  statelessGroups: new Set<string>(),
  members: new Map(),
  ephemeral: { min: 32768, max: 65535 },
}

/** The rules after the 8 baseline ones and before the 2 final drops, as signatures. */
const middle = (rules: SgRule[], over: Partial<typeof base> = {}): string[] => {
  const all = trafficRules({ ...base, ...over, rules }).map(ruleSignature)
  return all.slice(8, -2)
}

describe('security group rules → DVS traffic rules', () => {
  it('frames every filter: DHCP client allowed, DHCP server refused, ICMPv6, then drop both ways', () => {
    const all = trafficRules({ ...base, rules: [] })
    assert.deepEqual(
      all.slice(0, 2).map((r) => [r.action, r.direction, r.sourcePort?.min]),
      [
        ['drop', 'incomingPackets', 67],
        ['drop', 'incomingPackets', 547],
      ],
    )
    assert.equal(all.length, 10, 'no rule: baseline + 2 drops')
    assert.deepEqual(all.slice(-2).map(ruleSignature), [
      'incomingPackets drop * * * * *',
      'outgoingPackets drop * * * * *',
    ])
  })

  it('an ingress TCP rule accepts towards the VM and, stateful, the VM\u2019s answers from that port', () => {
    assert.deepEqual(
      middle([
        rule({
          id: 'r1',
          direction: 'ingress',
          protocol: 'tcp',
          port_range_min: 22,
          port_range_max: 22,
          remote_ip_prefix: '192.0.2.0/24',
        }),
      ]),
      [
        'outgoingPackets accept 6 192.0.2.0/24 * * 22-22',
        'incomingPackets accept 6 * 22-22 192.0.2.0/24 *',
      ],
    )
  })

  it('an egress rule without ports gets replies to the ephemeral ports only', () => {
    assert.deepEqual(middle([rule({ id: 'e1', direction: 'egress' })]), [
      'incomingPackets accept * * * 0.0.0.0/0 *',
      'outgoingPackets accept 6 0.0.0.0/0 * * 32768-65535',
      'outgoingPackets accept 17 0.0.0.0/0 * * 32768-65535',
      'outgoingPackets accept 1 0.0.0.0/0 * * *',
    ])
    assert.deepEqual(
      middle([
        rule({
          id: 'e2',
          direction: 'egress',
          ethertype: 'IPv6',
          protocol: 'udp',
          port_range_min: 53,
          port_range_max: 53,
        }),
      ]),
      ['incomingPackets accept 17 * * ::/0 53-53', 'outgoingPackets accept 17 ::/0 53-53 * *'],
    )
  })

  it('stateless groups get no reply rules', () => {
    assert.deepEqual(
      middle(
        [
          rule({
            id: 'r1',
            direction: 'ingress',
            protocol: 'tcp',
            port_range_min: 80,
            port_range_max: 90,
          }),
        ],
        {
          statelessGroups: new Set(['web']),
        },
      ),
      ['outgoingPackets accept 6 0.0.0.0/0 * * 80-90'],
    )
  })

  it('a remote group expands to its members of the rule\u2019s family; none → no rule', () => {
    const members = new Map([['db', ['10.0.0.5', '10.0.0.6', 'fd00::5', '10.1.0.0/16']]])
    assert.deepEqual(
      middle(
        [
          rule({
            id: 'g1',
            direction: 'ingress',
            protocol: 'tcp',
            port_range_min: 5432,
            port_range_max: 5432,
            remote_group_id: 'db',
          }),
        ],
        {
          members,
          statelessGroups: new Set(['web']),
        },
      ),
      [
        'outgoingPackets accept 6 10.0.0.5/32 * * 5432-5432',
        'outgoingPackets accept 6 10.0.0.6/32 * * 5432-5432',
        'outgoingPackets accept 6 10.1.0.0/16 * * 5432-5432',
      ],
    )
    assert.deepEqual(
      middle([rule({ id: 'g2', direction: 'ingress', remote_group_id: 'empty' })], {
        members: new Map([['empty', []]]),
      }),
      [],
    )
  })

  it('icmp under IPv6 is protocol 58; ICMP type/code ranges widen to the protocol; duplicates collapse', () => {
    assert.deepEqual(
      middle([
        rule({
          id: 'i1',
          direction: 'ingress',
          ethertype: 'IPv6',
          protocol: 'icmp',
          port_range_min: 128,
          port_range_max: 0,
        }),
        rule({
          id: 'i2',
          direction: 'ingress',
          ethertype: 'IPv6',
          protocol: '58',
          security_group_id: 'other',
        }),
      ]),
      ['outgoingPackets accept 58 ::/0 * * *', 'incomingPackets accept 58 * * ::/0 *'],
    )
  })
})
