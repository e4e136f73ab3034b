import type { FlavorSpec, ImageSpec, InstanceSpec } from '../../driver.js'
import { el, typed, xmlEscape } from '../vim25/soap.js'

/** The SCSI/IDE controller a disk hangs off, from vmware_adaptertype / hw_scsi_model. */
export interface ControllerChoice {
  /** vim25 device type, or 'ide' for the VM's built-in IDE controller (key 200). */
  readonly type: string
}

const ADAPTERS: Readonly<Record<string, string>> = {
  lsilogic: 'VirtualLsiLogicController',
  lsilogicsas: 'VirtualLsiLogicSASController',
  buslogic: 'VirtualBusLogicController',
  paravirtual: 'ParaVirtualSCSIController',
  'vmware.paravirtual': 'ParaVirtualSCSIController',
  pvscsi: 'ParaVirtualSCSIController',
  ide: 'ide',
}

export function controllerFor(image: ImageSpec | undefined): ControllerChoice {
  const p = image?.properties ?? {}
  const raw = (p['vmware_adaptertype'] ?? p['hw_scsi_model'] ?? 'lsiLogic').toLowerCase()
  return { type: ADAPTERS[raw] ?? 'VirtualLsiLogicController' }
}

/** The vSphere guestId, from vmware_ostype or a coarse os_type. */
export function guestIdFor(image: ImageSpec | undefined): string {
  const p = image?.properties ?? {}
  if (p['vmware_ostype']) return p['vmware_ostype']
  switch ((p['os_type'] ?? '').toLowerCase()) {
    case 'linux':
      return 'otherLinux64Guest'
    case 'windows':
      return 'windows9_64Guest'
    default:
      return 'otherGuest64'
  }
}

/** Thin unless vmware_disktype asks for thick or eager-zeroed disks. */
export function diskBacking(image: ImageSpec | undefined): {
  thin: boolean
  eagerlyScrub: boolean
} {
  const t = (image?.properties['vmware_disktype'] ?? 'thin').toLowerCase()
  if (t === 'eagerzeroedthick') return { thin: false, eagerlyScrub: true }
  if (t === 'preallocated' || t === 'thick') return { thin: false, eagerlyScrub: false }
  return { thin: true, eagerlyScrub: false }
}

/** `<cpuAllocation>`/`<memoryAllocation>` from quota:cpu_* / quota:memory_* extra specs. */
function allocation(tag: string, specs: Readonly<Record<string, string>>, prefix: string): string {
  const get = (k: string): string | undefined => specs[`quota:${prefix}_${k}`]
  const limit = get('limit')
  const reservation = get('reservation')
  const level = get('shares_level')
  const share = get('shares_share')
  if (!limit && !reservation && !level) return ''
  let inner = ''
  if (reservation) inner += el('reservation', Number(reservation))
  if (limit) inner += el('limit', Number(limit))
  if (level) {
    const custom = level === 'custom'
    inner += `<shares>${el('shares', custom ? Number(share ?? 1000) : 1000)}${el('level', level)}</shares>`
  }
  return `<${tag}>${inner}</${tag}>`
}

/** `<storageIOAllocation>` of a disk from quota:disk_io_*. */
export function diskIoAllocation(specs: Readonly<Record<string, string>>): string {
  const limit = specs['quota:disk_io_limit']
  const reservation = specs['quota:disk_io_reservation']
  const level = specs['quota:disk_io_shares_level']
  if (!limit && !reservation && !level) return ''
  let inner = ''
  if (limit) inner += el('limit', Number(limit))
  if (level) {
    const share = specs['quota:disk_io_shares_share'] ?? '1000'
    inner += `<shares>${el('shares', Number(share))}${el('level', level)}</shares>`
  }
  if (reservation) inner += el('reservation', Number(reservation))
  return `<storageIOAllocation>${inner}</storageIOAllocation>`
}

export function flavorAllocations(flavor: FlavorSpec): string {
  return (
    allocation('cpuAllocation', flavor.extraSpecs, 'cpu') +
    allocation('memoryAllocation', flavor.extraSpecs, 'memory')
  )
}

/** extraConfig that lets Nubis find the VM again after re-registration (Nova's nvp.vm-uuid). */
export function extraConfig(instance: InstanceSpec): string {
  const kv: Array<[string, string]> = [
    ['nvp.vm-uuid', instance.uuid],
    ['nubis.project-id', instance.projectId],
    ['nubis.user-id', instance.userId],
  ]
  return kv
    .map(
      ([k, v]) =>
        `<extraConfig>${el('key', k)}${typed('value', 'xsd:string', xmlEscape(v))}</extraConfig>`,
    )
    .join('')
}

/** A NIC on a distributed port group or a standard network. */
export interface NicTarget {
  readonly mac: string
  /** DVS uuid + port group key (distributed) or a network name (standard). */
  readonly dvs?: { readonly switchUuid: string; readonly portgroupKey: string }
  readonly networkName?: string
}

export function nicDevice(key: number, nic: NicTarget): string {
  const backing = nic.dvs
    ? typed(
        'backing',
        'VirtualEthernetCardDistributedVirtualPortBackingInfo',
        `<port>${el('switchUuid', nic.dvs.switchUuid)}${el('portgroupKey', nic.dvs.portgroupKey)}</port>`,
      )
    : typed(
        'backing',
        'VirtualEthernetCardNetworkBackingInfo',
        el('deviceName', nic.networkName ?? 'VM Network'),
      )
  return typed(
    'device',
    'VirtualVmxnet3',
    `${el('key', key)}${backing}${el('addressType', 'manual')}${el('macAddress', nic.mac)}`,
  )
}

export interface DiskDevice {
  readonly key: number
  readonly controllerKey: number
  readonly unitNumber: number
  readonly fileName: string
  readonly capacityKb?: number
  readonly thin: boolean
  readonly eagerlyScrub?: boolean
  /** Linked clone: the cached image disk this one is a delta of. */
  readonly parent?: string
  readonly io?: string
}

export function diskDevice(d: DiskDevice): string {
  const parent = d.parent
    ? typed(
        'parent',
        'VirtualDiskFlatVer2BackingInfo',
        el('fileName', d.parent) + el('diskMode', 'persistent'),
      )
    : ''
  const backing = typed(
    'backing',
    'VirtualDiskFlatVer2BackingInfo',
    el('fileName', d.fileName) +
      el('diskMode', 'persistent') +
      el('thinProvisioned', d.thin) +
      (d.eagerlyScrub ? el('eagerlyScrub', true) : '') +
      parent,
  )
  return typed(
    'device',
    'VirtualDisk',
    el('key', d.key) +
      backing +
      el('controllerKey', d.controllerKey) +
      el('unitNumber', d.unitNumber) +
      (d.capacityKb !== undefined ? el('capacityInKB', d.capacityKb) : '') +
      (d.io ?? ''),
  )
}

export function controllerDevice(key: number, type: string): string {
  return typed('device', type, el('key', key) + el('busNumber', 0) + el('sharedBus', 'noSharing'))
}

/** One `<deviceChange>`. */
export function deviceChange(
  op: 'add' | 'remove' | 'edit',
  device: string,
  fileOperation?: 'create' | 'destroy',
): string {
  return `<deviceChange>${el('operation', op)}${fileOperation ? el('fileOperation', fileOperation) : ''}${device}</deviceChange>`
}
