import { isIPv6 } from 'node:net'
import type { PortRange, TrafficRule } from '../../../../virt/vmware/vim25/dvs-filter.js'
import { IP_PROTOCOL_MAP } from '../../sg-rule-rules.js'

/** A security group rule as stored (the columns the translation needs). */
export interface SgRule {
  readonly id: string
  readonly security_group_id: string
  readonly direction: string
  readonly ethertype: string
  readonly protocol: string | null
  readonly port_range_min: number | null
  readonly port_range_max: number | null
  readonly remote_ip_prefix: string | null
  readonly remote_group_id: string | null
}

export interface FilterInput {
  /** Rules of every group of the port set. */
  readonly rules: readonly SgRule[]
  /** Groups whose `stateful` is false: their rules get no reply rules. */
  readonly statelessGroups: ReadonlySet<string>
  /** Addresses (IP or CIDR) of the ports in each group named as a remote group. */
  readonly members: ReadonlyMap<string, readonly string[]>
  /** Destination ports of replies to guest-opened connections (Linux and Windows ephemeral ports). */
  readonly ephemeral: PortRange
}

const TCP = 6
const UDP = 17
const PORTED = new Set([TCP, UDP, 33, 132, 136])

/** Protocol number of a rule (names as neutron_lib maps them; icmp under IPv6 is 58); undefined: any. */
function protocolNumber(r: SgRule): number | undefined {
  if (r.protocol === null || r.protocol === '') return undefined
  const p = r.protocol.toLowerCase()
  const n = p in IP_PROTOCOL_MAP ? IP_PROTOCOL_MAP[p]! : Number(p)
  if (!Number.isInteger(n) || n === 0) return undefined
  return n === 1 && r.ethertype === 'IPv6' ? 58 : n
}

const anyOf = (ethertype: string): string => (ethertype === 'IPv6' ? '::/0' : '0.0.0.0/0')
const withPrefix = (a: string): string => (a.includes('/') ? a : `${a}/${isIPv6(a) ? 128 : 32}`)

/** The remote addresses of a rule: its prefix, its remote group's members of the same family, or any. */
function remotes(r: SgRule, members: FilterInput['members']): string[] {
  if (r.remote_ip_prefix) return [r.remote_ip_prefix]
  if (r.remote_group_id) {
    const v6 = r.ethertype === 'IPv6'
    return (members.get(r.remote_group_id) ?? [])
      .filter((a) => isIPv6(a.split('/')[0] ?? '') === v6)
      .map(withPrefix)
  }
  return [anyOf(r.ethertype)]
}

/**
 * Neutron's always-on rules: the guest may ask for DHCP (v4 and v6) but not
 * answer it, and ICMPv6 passes both ways, since neighbour discovery needs it
 * and a DVS rule cannot tell ICMP types apart.
 */
function baseline(): TrafficRule[] {
  const r = (
    description: string,
    direction: TrafficRule['direction'],
    action: TrafficRule['action'],
    src: number,
    dst: number,
    v6: boolean,
  ): TrafficRule => ({
    description,
    direction,
    action,
    protocol: UDP,
    source: v6 ? '::/0' : '0.0.0.0/0',
    sourcePort: { min: src, max: src },
    destinationPort: { min: dst, max: dst },
  })
  return [
    r('no DHCP server in the guest', 'incomingPackets', 'drop', 67, 68, false),
    r('no DHCPv6 server in the guest', 'incomingPackets', 'drop', 547, 546, true),
    r('DHCP request', 'incomingPackets', 'accept', 68, 67, false),
    r('DHCP reply', 'outgoingPackets', 'accept', 67, 68, false),
    r('DHCPv6 request', 'incomingPackets', 'accept', 546, 547, true),
    r('DHCPv6 reply', 'outgoingPackets', 'accept', 547, 546, true),
    {
      description: 'ICMPv6 (neighbour discovery)',
      direction: 'incomingPackets',
      action: 'accept',
      protocol: 58,
    },
    {
      description: 'ICMPv6 (neighbour discovery)',
      direction: 'outgoingPackets',
      action: 'accept',
      protocol: 58,
    },
  ]
}

function range(r: SgRule): PortRange | undefined {
  if (r.port_range_min === null) return undefined
  return { min: r.port_range_min, max: r.port_range_max ?? r.port_range_min }
}

/**
 * The traffic filter of a port group whose ports carry a set of security
 * groups: the baseline, each rule as an accept (an `ingress` rule filters
 * packets leaving the port towards the VM, `egress` the ones entering it), and
 * a final drop both ways. A DVS filter is stateless, so each rule of a
 * stateful group also gets the accept for its replies: to an ingress rule,
 * the guest's answers from the rule's ports; to an egress rule, answers from
 * the remote to the rule's ports, or to the ephemeral ports when the rule
 * names none. Rules of stateless groups (`stateful: false`) get no replies,
 * as Neutron. ICMP type/code ranges widen to the whole protocol (a DVS rule
 * cannot match them).
 */
export function trafficRules(input: FilterInput): TrafficRule[] {
  const out: TrafficRule[] = baseline()
  const seen = new Set<string>()
  const push = (r: TrafficRule) => {
    const k = JSON.stringify({ ...r, description: '' })
    if (seen.has(k)) return
    seen.add(k)
    out.push(r)
  }
  const ordered = [...input.rules].sort((a, b) => a.id.localeCompare(b.id))
  for (const rule of ordered) {
    const protocol = protocolNumber(rule)
    const ports = protocol !== undefined && PORTED.has(protocol) ? range(rule) : undefined
    const stateful = !input.statelessGroups.has(rule.security_group_id)
    const tag = `sg ${rule.security_group_id} rule ${rule.id}`
    const proto = protocol !== undefined ? { protocol } : {}
    for (const remote of remotes(rule, input.members)) {
      if (rule.direction === 'ingress') {
        push({
          description: tag,
          direction: 'outgoingPackets',
          action: 'accept',
          ...proto,
          source: remote,
          ...(ports ? { destinationPort: ports } : {}),
        })
        if (stateful)
          push({
            description: `reply: ${tag}`,
            direction: 'incomingPackets',
            action: 'accept',
            ...proto,
            destination: remote,
            ...(ports ? { sourcePort: ports } : {}),
          })
        continue
      }
      push({
        description: tag,
        direction: 'incomingPackets',
        action: 'accept',
        ...proto,
        destination: remote,
        ...(ports ? { destinationPort: ports } : {}),
      })
      if (!stateful) continue
      const reply = (p: number | undefined, extra: Partial<TrafficRule>) =>
        push({
          description: `reply: ${tag}`,
          direction: 'outgoingPackets',
          action: 'accept',
          ...(p !== undefined ? { protocol: p } : {}),
          source: remote,
          ...extra,
        })
      if (ports) reply(protocol, { sourcePort: ports })
      else if (protocol !== undefined && PORTED.has(protocol))
        reply(protocol, { destinationPort: input.ephemeral })
      else if (protocol !== undefined) reply(protocol, {})
      else {
        // Any protocol out: replies are TCP/UDP to ephemeral ports and ICMP, not everything.
        reply(TCP, { destinationPort: input.ephemeral })
        reply(UDP, { destinationPort: input.ephemeral })
        reply(rule.ethertype === 'IPv6' ? 58 : 1, {})
      }
    }
  }
  out.push(
    { description: 'default drop', direction: 'incomingPackets', action: 'drop' },
    { description: 'default drop', direction: 'outgoingPackets', action: 'drop' },
  )
  return out
}
