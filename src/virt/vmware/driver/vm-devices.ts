import { BadRequestError, ConflictError, NotFoundError } from '../../../common/errors.js'
import type { BlockDevice, FlavorSpec } from '../../driver.js'
import type { Vim25Session } from '../vim25/session.js'
import {
  child,
  el,
  list,
  num,
  text,
  typed,
  xsiType,
  type MoRef,
  type XmlNode,
} from '../vim25/soap.js'
import {
  controllerDevice,
  deviceChange,
  diskDevice,
  nicDevice,
  type NicTarget,
} from './vm-config.js'

const SCSI = new Set([
  'VirtualLsiLogicController',
  'VirtualLsiLogicSASController',
  'VirtualBusLogicController',
  'ParaVirtualSCSIController',
])

/** One device of `config.hardware.device`, with the raw node for edits. */
export interface Device {
  readonly key: number
  readonly type: string
  readonly controllerKey: number | undefined
  readonly unitNumber: number | undefined
  readonly fileName: string | undefined
  readonly capacityKb: number | undefined
  readonly mac: string | undefined
  readonly label: string
}

export const RESCUE_SUFFIX = '-rescue.vmdk'

/** The vmdk path of a volume's connection info (Cinder's vmdk driver: data.vmdk_path). */
export function volumePath(bd: BlockDevice): string {
  const data = (bd.connectionInfo?.['data'] ?? {}) as Record<string, unknown>
  const p = data['vmdk_path'] ?? data['datastore_path'] ?? data['path']
  if (typeof p !== 'string' || !/^\[[^\]]+\] .+\.vmdk$/.test(p))
    throw new BadRequestError(
      `Volume ${bd.volumeId ?? ''} has no vmdk path in its connection info (data.vmdk_path '[datastore] path.vmdk')`,
    )
  return p
}

/**
 * A volume's front-end QoS (connection_info.data.qos_specs) as the disk's
 * storageIOAllocation: vSphere has one IOPS limit per disk, so total_iops_sec,
 * else read_iops_sec + write_iops_sec (Nova's VMware driver applies none).
 * Byte-rate specs have no vSphere equivalent and are left out.
 */
export function volumeIoLimit(bd: BlockDevice): string {
  const data = (bd.connectionInfo?.['data'] ?? {}) as Record<string, unknown>
  const q = data['qos_specs']
  if (!q || typeof q !== 'object') return ''
  const specs = q as Record<string, unknown>
  const n = (k: string) => {
    const v = Number(specs[k])
    return Number.isInteger(v) && v > 0 ? v : 0
  }
  const iops = n('total_iops_sec') || n('read_iops_sec') + n('write_iops_sec')
  return iops ? `<storageIOAllocation>${el('limit', iops)}</storageIOAllocation>` : ''
}

/** Reads and changes a VM's devices with ReconfigVM_Task. */
export class VmDevices {
  constructor(readonly session: Vim25Session) {}

  async list(vm: MoRef): Promise<Device[]> {
    const v = await this.session.property(vm, 'config.hardware.device')
    return list(child(v, 'VirtualDevice')).map((d: XmlNode) => ({
      key: num(child(d, 'key')) ?? 0,
      type: xsiType(d) ?? 'VirtualDevice',
      controllerKey: num(child(d, 'controllerKey')),
      unitNumber: num(child(d, 'unitNumber')),
      fileName: text(child(child(d, 'backing'), 'fileName')),
      capacityKb: num(child(d, 'capacityInKB')),
      mac: text(child(d, 'macAddress'))?.toLowerCase(),
      label: text(child(child(d, 'deviceInfo'), 'label')) ?? '',
    }))
  }

  async reconfigure(vm: MoRef, spec: string): Promise<void> {
    await this.session.runTask('ReconfigVM_Task', vm, `<spec>${spec}</spec>`)
  }

  /** A SCSI controller key and a free unit on it (adding a controller when there is none). */
  slot(devices: readonly Device[]): { controllerKey: number; unitNumber: number; add: string } {
    for (const c of devices.filter((d) => SCSI.has(d.type))) {
      const used = new Set(
        devices.filter((d) => d.controllerKey === c.key).map((d) => d.unitNumber),
      )
      for (let u = 0; u < 16; u++)
        if (u !== 7 && !used.has(u)) return { controllerKey: c.key, unitNumber: u, add: '' }
    }
    return {
      controllerKey: -100,
      unitNumber: 0,
      add: deviceChange('add', controllerDevice(-100, 'VirtualLsiLogicController')),
    }
  }

  async rootDiskFile(vm: MoRef): Promise<string> {
    const disk = (await this.list(vm)).find(
      (d) => d.type === 'VirtualDisk' && d.fileName && !d.fileName.endsWith(RESCUE_SUFFIX),
    )
    if (!disk?.fileName) throw new NotFoundError(`VM ${vm.value} has no disk`)
    return disk.fileName
  }

  async attachDisk(vm: MoRef, bd: BlockDevice): Promise<void> {
    const path = volumePath(bd)
    const devices = await this.list(vm)
    if (devices.some((d) => d.fileName === path))
      throw new ConflictError(`Volume ${bd.volumeId ?? path} is already attached`)
    const s = this.slot(devices)
    await this.reconfigure(
      vm,
      s.add +
        deviceChange(
          'add',
          diskDevice({
            key: -1,
            controllerKey: s.controllerKey,
            unitNumber: s.unitNumber,
            fileName: path,
            thin: true,
            io: volumeIoLimit(bd),
          }),
        ),
    )
  }

  /** Removes the volume's disk from the VM without deleting its file. */
  async detachDisk(vm: MoRef, bd: BlockDevice): Promise<void> {
    const path = volumePath(bd)
    const disk = (await this.list(vm)).find((d) => d.type === 'VirtualDisk' && d.fileName === path)
    if (!disk)
      throw new NotFoundError(`Volume ${bd.volumeId ?? path} is not attached to VM ${vm.value}`)
    await this.reconfigure(
      vm,
      deviceChange('remove', typed('device', 'VirtualDisk', el('key', disk.key))),
    )
  }

  /** Grows a disk in place (`edit` with capacityInKB; deviceInfo keeps vcsim's handler alive). */
  async #grow(vm: MoRef, disk: Device, kb: number): Promise<void> {
    await this.reconfigure(
      vm,
      deviceChange(
        'edit',
        typed(
          'device',
          'VirtualDisk',
          el('key', disk.key) +
            `<deviceInfo>${el('label', disk.label || 'Hard disk')}${el('summary', `${kb} KB`)}</deviceInfo>` +
            typed(
              'backing',
              'VirtualDiskFlatVer2BackingInfo',
              el('fileName', disk.fileName ?? '') + el('diskMode', 'persistent'),
            ) +
            el('controllerKey', disk.controllerKey ?? 0) +
            el('unitNumber', disk.unitNumber ?? 0) +
            el('capacityInKB', kb),
        ),
      ),
    )
  }

  async extendDisk(vm: MoRef, bd: BlockDevice, newSizeGb: number): Promise<void> {
    const path = volumePath(bd)
    const disk = (await this.list(vm)).find((d) => d.type === 'VirtualDisk' && d.fileName === path)
    if (!disk)
      throw new NotFoundError(`Volume ${bd.volumeId ?? path} is not attached to VM ${vm.value}`)
    await this.#grow(vm, disk, newSizeGb * 1024 * 1024)
  }

  /** CPU/RAM to the flavor's (one ReconfigVM_Task), the root disk grown to its size when asked. */
  async resize(vm: MoRef, flavor: FlavorSpec, opts: { growDisk?: boolean } = {}): Promise<void> {
    await this.reconfigure(vm, el('numCPUs', flavor.vcpus) + el('memoryMB', flavor.memoryMb))
    if (opts.growDisk === false || flavor.rootGb <= 0) return
    const devices = await this.list(vm)
    const root = devices.find(
      (d) => d.type === 'VirtualDisk' && !d.fileName?.endsWith(RESCUE_SUFFIX),
    )
    const kb = flavor.rootGb * 1024 * 1024
    if (root && (root.capacityKb ?? 0) < kb) await this.#grow(vm, root, kb)
  }

  async attachNic(vm: MoRef, nic: NicTarget): Promise<void> {
    await this.reconfigure(vm, deviceChange('add', nicDevice(-1, nic)))
  }

  async detachNic(vm: MoRef, mac: string): Promise<void> {
    const nic = (await this.list(vm)).find((d) => d.mac === mac.toLowerCase())
    if (!nic) throw new NotFoundError(`VM ${vm.value} has no interface with MAC ${mac}`)
    await this.reconfigure(
      vm,
      deviceChange('remove', typed('device', nic.type, el('key', nic.key))),
    )
  }

  async removeRescueDisk(vm: MoRef): Promise<void> {
    const disk = (await this.list(vm)).find((d) => d.fileName?.endsWith(RESCUE_SUFFIX))
    if (!disk) return
    await this.reconfigure(
      vm,
      deviceChange('remove', typed('device', 'VirtualDisk', el('key', disk.key)), 'destroy'),
    )
  }
}
