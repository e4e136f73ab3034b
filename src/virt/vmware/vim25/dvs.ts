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
    ['config.name', 'config.distributedVirtualSwitch', 'config.defaultPortConfig'],
  )
  return all.map((o) => ({
    key: o.obj.value,
    name: text(o.props.get('config.name')) ?? '',
    vlanId: num(at(o.props.get('config.defaultPortConfig'), 'vlan.vlanId')),
    dvs: moRef(o.props.get('config.distributedVirtualSwitch') as never)?.value ?? '',
  }))
}

/**
 * The port group `name` on `sw` with VLAN `vlanId` (0: untagged), created
 * when missing. Two callers racing get the same group: the loser's
 * DuplicateName is answered by looking the winner's up.
 */
export async function ensurePortGroup(
  session: Vim25Session,
  sw: Switch,
  name: string,
  vlanId: number,
): Promise<PortGroup> {
  const existing = (await listPortGroups(session)).find(
    (p) => p.name === name && p.dvs === sw.ref.value,
  )
  if (existing) return existing
  // NOTE: element order follows DVPortgroupConfigSpec in the WSDL; vCenter checks it.
  const spec =
    `<spec>${el('name', name)}${el('numPorts', 32)}` +
    '<defaultPortConfig xsi:type="VMwareDVSPortSetting"><vlan xsi:type="VmwareDistributedVirtualSwitchVlanIdSpec">' +
    `${el('inherited', false)}${el('vlanId', vlanId)}</vlan></defaultPortConfig>` +
    `${el('description', `Nubis network ${name}`)}${el('type', 'earlyBinding')}</spec>`
  try {
    await session.runTask('AddDVPortgroup_Task', sw.ref, spec)
  } catch (err) {
    if (!isFault(err, 'DuplicateName')) throw err
  }
  const made = (await listPortGroups(session)).find(
    (p) => p.name === name && p.dvs === sw.ref.value,
  )
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
