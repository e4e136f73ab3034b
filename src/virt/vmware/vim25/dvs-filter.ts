import { isIPv6 } from 'node:net'
import { at, child, el, list, num, text, typed, xsiType, type XmlNode } from './soap.js'

/**
 * A distributed switch traffic-filter rule (DvsTrafficRule with one
 * DvsIpNetworkRuleQualifier), in the switch port's terms: `incomingPackets`
 * enter the port from the VM (the guest's egress), `outgoingPackets` leave the
 * port towards the VM (the guest's ingress). Rules match in order; the first
 * match decides; unmatched traffic passes, so a filter ends with drops.
 */
export interface TrafficRule {
  readonly description: string
  readonly direction: 'incomingPackets' | 'outgoingPackets'
  readonly action: 'accept' | 'drop'
  /** IP protocol number; absent: any. */
  readonly protocol?: number
  /** CIDR (`10.0.0.5/32`, `::/0`); absent: any. */
  readonly source?: string
  readonly destination?: string
  readonly sourcePort?: PortRange
  readonly destinationPort?: PortRange
}

export interface PortRange {
  readonly min: number
  readonly max: number
}

/** One line per rule, field order fixed: compares a wanted filter with what vCenter holds. */
export function ruleSignature(r: TrafficRule): string {
  const port = (p?: PortRange) => (p ? `${p.min}-${p.max}` : '*')
  return [
    r.direction,
    r.action,
    r.protocol ?? '*',
    r.source ?? '*',
    port(r.sourcePort),
    r.destination ?? '*',
    port(r.destinationPort),
  ].join(' ')
}

const negate = el('negate', false)

function addressXml(name: string, cidr: string): string {
  const [addr = '', len = ''] = cidr.split('/')
  const full = isIPv6(addr) ? 128 : 32
  const prefix = len === '' ? full : Number(len)
  return prefix === full
    ? typed(name, 'SingleIp', `${negate}${el('address', addr)}`)
    : typed(name, 'IpRange', `${negate}${el('addressPrefix', addr)}${el('prefixLength', prefix)}`)
}

function portXml(name: string, p: PortRange): string {
  return p.min === p.max
    ? typed(name, 'DvsSingleIpPort', `${negate}${el('portNumber', p.min)}`)
    : typed(
        name,
        'DvsIpPortRange',
        `${negate}${el('startPortNumber', p.min)}${el('endPortNumber', p.max)}`,
      )
}

// NOTE: element order follows the WSDL (DvsIpNetworkRuleQualifier, DvsTrafficRule); vCenter checks it.
function ruleXml(r: TrafficRule, sequence: number): string {
  const q =
    (r.source ? addressXml('sourceAddress', r.source) : '') +
    (r.destination ? addressXml('destinationAddress', r.destination) : '') +
    (r.protocol !== undefined ? `<protocol>${negate}${el('value', r.protocol)}</protocol>` : '') +
    (r.sourcePort ? portXml('sourceIpPort', r.sourcePort) : '') +
    (r.destinationPort ? portXml('destinationIpPort', r.destinationPort) : '')
  const action = r.action === 'accept' ? 'DvsAcceptNetworkRuleAction' : 'DvsDropNetworkRuleAction'
  return (
    `<rules>${el('description', r.description)}${el('sequence', sequence)}` +
    typed('qualifier', 'DvsIpNetworkRuleQualifier', q) +
    `<action xsi:type="${action}"/>${el('direction', r.direction)}</rules>`
  )
}

/**
 * `<filterPolicy>` of a VMwareDVSPortSetting carrying `rules` as one enabled
 * traffic ruleset (sequence numbers 10, 20, … in list order).
 */
export function filterPolicyXml(rules: readonly TrafficRule[]): string {
  const ruleset =
    `${el('enabled', true)}${el('precedence', 1)}` +
    rules.map((r, i) => ruleXml(r, (i + 1) * 10)).join('')
  const config =
    `${el('inherited', false)}${el('agentName', 'dvfilter-generic-vmware')}` +
    `<trafficRuleset>${ruleset}</trafficRuleset>`
  return `<filterPolicy>${el('inherited', false)}${typed('filterConfig', 'DvsTrafficFilterConfig', config)}</filterPolicy>`
}

function parseAddress(node: XmlNode | XmlNode[] | undefined): string | undefined {
  if (node === undefined) return undefined
  if (xsiType(node) === 'IpRange')
    return `${text(child(node, 'addressPrefix')) ?? ''}/${num(child(node, 'prefixLength')) ?? 0}`
  const a = text(child(node, 'address')) ?? ''
  return `${a}/${isIPv6(a) ? 128 : 32}`
}

function parsePort(node: XmlNode | XmlNode[] | undefined): PortRange | undefined {
  if (node === undefined) return undefined
  if (xsiType(node) === 'DvsIpPortRange')
    return {
      min: num(child(node, 'startPortNumber')) ?? 0,
      max: num(child(node, 'endPortNumber')) ?? 0,
    }
  const p = num(child(node, 'portNumber')) ?? 0
  return { min: p, max: p }
}

/**
 * The traffic rules of a retrieved `config.defaultPortConfig` (a
 * VMwareDVSPortSetting), in sequence order; [] when it has no traffic filter.
 */
export function parseTrafficRules(portSetting: XmlNode | XmlNode[] | undefined): TrafficRule[] {
  const configs = list(at(portSetting, 'filterPolicy.filterConfig'))
  const ruleset = configs.find((c) => xsiType(c) === 'DvsTrafficFilterConfig')
  const rules = list(at(ruleset, 'trafficRuleset.rules'))
    .map((r) => ({ r, seq: num(child(r, 'sequence')) ?? 0 }))
    .sort((a, b) => a.seq - b.seq)
  return rules.map(({ r }) => {
    const q = list(child(r, 'qualifier')).find((x) => xsiType(x) === 'DvsIpNetworkRuleQualifier')
    const out: {
      -readonly [K in keyof TrafficRule]: TrafficRule[K]
    } = {
      description: text(child(r, 'description')) ?? '',
      direction:
        text(child(r, 'direction')) === 'incomingPackets' ? 'incomingPackets' : 'outgoingPackets',
      action: xsiType(child(r, 'action')) === 'DvsAcceptNetworkRuleAction' ? 'accept' : 'drop',
    }
    const protocol = num(at(q, 'protocol.value'))
    if (protocol !== undefined) out.protocol = protocol
    const source = parseAddress(child(q, 'sourceAddress'))
    if (source) out.source = source
    const destination = parseAddress(child(q, 'destinationAddress'))
    if (destination) out.destination = destination
    const sourcePort = parsePort(child(q, 'sourceIpPort'))
    if (sourcePort) out.sourcePort = sourcePort
    const destinationPort = parsePort(child(q, 'destinationIpPort'))
    if (destinationPort) out.destinationPort = destinationPort
    return out
  })
}
