import {
  filterPolicyXml,
  parseTrafficRules,
  ruleSignature,
  type TrafficRule,
} from './dvs-filter.js'
import { isFault } from './faults.js'
import { retrieveByType } from './property-collector.js'
import type { Vim25Session } from './session.js'
import { at, el, moRef, num, text, type MoRef } from './soap.js'

/** A distributed port group as the DVS mechanism driver and the spawn path need it. */
export interface PortGroup {
  /** The port group's key (its moref value), what a NIC backing names. */
  readonly key: string
  readonly name: string
  readonly vlanId: number | undefined
  /** Moref value of its switch. */
  readonly dvs: string
  /** Its traffic filter ([] when none). */
  readonly rules: readonly TrafficRule[]
  /** config.configVersion: a reconfiguration names the version it replaces. */
  readonly configVersion: string | undefined
}

export interface Switch {
  readonly ref: MoRef
  readonly name: string
  readonly uuid: string
}

/** Distributed switches of the vCenter by name (vcsim types them DistributedVirtualSwitch, vCenter VmwareDistributedVirtualSwitch: a subtype). */
export async function findSwitch(session: Vim25Session, name: string): Promise<Switch | undefined> {
  const all = await retrieveByType(
    session,
    session.content.rootFolder,
    'DistributedVirtualSwitch',
    ['name', 'uuid'],
  )
  const s = all.find((o) => text(o.props.get('name')) === name)
  return s ? { ref: s.obj, name, uuid: text(s.props.get('uuid')) ?? '' } : undefined
}

export async function listPortGroups(session: Vim25Session): Promise<PortGroup[]> {
  const all = await retrieveByType(
    session,
    session.content.rootFolder,
    'DistributedVirtualPortgroup',
    [
      'config.name',
      'config.distributedVirtualSwitch',
      'config.defaultPortConfig',
      'config.configVersion',
    ],
  )
  return all.map((o) => ({
    key: o.obj.value,
    name: text(o.props.get('config.name')) ?? '',
    vlanId: num(at(o.props.get('config.defaultPortConfig'), 'vlan.vlanId')),
    dvs: moRef(o.props.get('config.distributedVirtualSwitch') as never)?.value ?? '',
    rules: parseTrafficRules(o.props.get('config.defaultPortConfig')),
    configVersion: text(o.props.get('config.configVersion')),
  }))
}

const boolPolicy = (name: string, value: boolean): string =>
  `<${name}>${el('inherited', false)}${el('value', value)}</${name}>`

/**
 * A port group's whole config spec. With a filter, its ports also refuse MAC
 * changes, forged source MACs and promiscuous mode: Neutron's port security at
 * layer 2. (ReconfigureDVPortgroup_Task replaces what it is sent on vcsim, so
 * every field is sent each time.)
 */
function portGroupSpec(
  name: string,
  vlanId: number,
  filter: readonly TrafficRule[] | undefined,
  configVersion?: string,
): string {
  // NOTE: element order follows DVPortgroupConfigSpec / VMwareDVSPortSetting in the WSDL; vCenter checks it.
  const setting =
    (filter ? filterPolicyXml(filter) : '') +
    '<vlan xsi:type="VmwareDistributedVirtualSwitchVlanIdSpec">' +
    `${el('inherited', false)}${el('vlanId', vlanId)}</vlan>` +
    (filter
      ? `<securityPolicy>${el('inherited', false)}${boolPolicy('allowPromiscuous', false)}` +
        `${boolPolicy('macChanges', false)}${boolPolicy('forgedTransmits', false)}</securityPolicy>`
      : '')
  return (
    `<spec>${configVersion ? el('configVersion', configVersion) : ''}${el('name', name)}${el('numPorts', 32)}` +
    `<defaultPortConfig xsi:type="VMwareDVSPortSetting">${setting}</defaultPortConfig>` +
    `${el('description', `Nubis network ${name}`)}${el('type', 'earlyBinding')}` +
    `${el('autoExpand', true)}</spec>`
  )
}

const sameRules = (a: readonly TrafficRule[], b: readonly TrafficRule[]): boolean =>
  a.length === b.length && a.every((r, i) => ruleSignature(r) === ruleSignature(b[i]!))

/**
 * The port group `name` on `sw` with VLAN `vlanId` (0: untagged), created
 * when missing (`known`: a listing to look in first). With `filter`, the group carries exactly those traffic rules:
 * an existing group whose rules differ is reconfigured. Two callers racing
 * get the same group: the loser's DuplicateName is answered by looking the
 * winner's up.
 */
export async function ensurePortGroup(
  session: Vim25Session,
  sw: Switch,
  name: string,
  vlanId: number,
  filter?: readonly TrafficRule[],
  /** The switch's port groups when the caller just listed them (saves a listing). */
  known?: readonly PortGroup[],
): Promise<PortGroup> {
  const mine = (all: readonly PortGroup[]) =>
    all.find((p) => p.name === name && p.dvs === sw.ref.value)
  const find = async () => mine(await listPortGroups(session))
  const existing = known ? mine(known) : await find()
  if (existing) {
    if (!filter || sameRules(existing.rules, filter)) return existing
    await session.runTask(
      'ReconfigureDVPortgroup_Task',
      { type: 'DistributedVirtualPortgroup', value: existing.key },
      portGroupSpec(name, vlanId, filter, existing.configVersion),
    )
    return { ...existing, rules: filter }
  }
  try {
    await session.runTask('AddDVPortgroup_Task', sw.ref, portGroupSpec(name, vlanId, filter))
  } catch (err) {
    if (!isFault(err, 'DuplicateName')) throw err
  }
  const made = await find()
  if (!made) throw new Error(`port group ${name} not found on ${sw.name} after creating it`)
  return made
}

/** Removes the port group `name` (absent: nothing to do). */
export async function removePortGroup(session: Vim25Session, name: string): Promise<boolean> {
  const pg = (await listPortGroups(session)).find((p) => p.name === name)
  if (!pg) return false
  try {
    await session.runTask('Destroy_Task', { type: 'DistributedVirtualPortgroup', value: pg.key })
  } catch (err) {
    if (!isFault(err, 'ManagedObjectNotFound')) throw err
  }
  return true
}
