import type { Vim25Session } from './session.js'
import { child, el, list, moRef, num, text, typed, xmlEscape, xsiType, type MoRef } from './soap.js'

/** The VM whose config.instanceUuid is `uuid` (a Nubis server id), if vCenter has one. */
export async function findVmByInstanceUuid(
  session: Vim25Session,
  uuid: string,
): Promise<MoRef | undefined> {
  return moRef(
    await session.call(
      'FindByUuid',
      session.content.searchIndex,
      el('uuid', uuid) + el('vmSearch', true) + el('instanceUuid', true),
    ),
  )
}

/**
 * Moves the VM's NIC with MAC `mac` onto the distributed port group
 * `portgroupKey` of switch `switchUuid` (one ReconfigVM_Task; the NIC keeps
 * its key, type and MAC). False when the VM has no such NIC.
 */
export async function moveNicToPortGroup(
  session: Vim25Session,
  vm: MoRef,
  mac: string,
  switchUuid: string,
  portgroupKey: string,
): Promise<boolean> {
  const devices = list(child(await session.property(vm, 'config.hardware.device'), 'VirtualDevice'))
  const nic = devices.find((d) => text(child(d, 'macAddress'))?.toLowerCase() === mac.toLowerCase())
  const key = num(child(nic, 'key'))
  const type = xsiType(nic)
  if (!nic || key === undefined || !type) return false
  const label = text(child(child(nic, 'deviceInfo'), 'label')) ?? 'Network adapter'
  // NOTE: VirtualDevice element order (key, deviceInfo, backing, …, addressType, macAddress);
  // deviceInfo is required: vcsim's edit path dereferences it.
  const device = typed(
    'device',
    type,
    el('key', key) +
      `<deviceInfo>${el('label', label)}${el('summary', portgroupKey)}</deviceInfo>` +
      typed(
        'backing',
        'VirtualEthernetCardDistributedVirtualPortBackingInfo',
        `<port>${el('switchUuid', switchUuid)}${el('portgroupKey', portgroupKey)}</port>`,
      ) +
      el('addressType', 'manual') +
      `<macAddress>${xmlEscape(mac)}</macAddress>`,
  )
  await session.runTask(
    'ReconfigVM_Task',
    vm,
    `<spec><deviceChange>${el('operation', 'edit')}${device}</deviceChange></spec>`,
  )
  return true
}
