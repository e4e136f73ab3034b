import { ConflictError } from '../../../common/errors.js'
import type { BlockDevice, ImageSpec, InstanceSpec, Vif } from '../../driver.js'
import { isFault } from '../vim25/faults.js'
import type { Vim25Session } from '../vim25/session.js'
import { el, moRef, ref, text, type MoRef } from '../vim25/soap.js'
import { dsPath, type Datacenter, type ImageCache } from './image-cache.js'
import {
  controllerDevice,
  controllerFor,
  deviceChange,
  diskBacking,
  diskDevice,
  diskIoAllocation,
  extraConfig,
  flavorAllocations,
  guestIdFor,
  nicDevice,
  type NicTarget,
} from './vm-config.js'
import { RESCUE_SUFFIX, type VmDevices } from './vm-devices.js'
import type { VmwareConfig } from './vsphere-driver.js'

export interface BuildRequest {
  readonly instance: InstanceSpec
  readonly image: ImageSpec | undefined
  readonly vifs: readonly Vif[]
  readonly blockDevices: readonly BlockDevice[]
  readonly dc: Datacenter
  readonly folder: MoRef
  readonly pool: MoRef
  /** The ESXi host to create the VM on (vCenter needs one unless DRS places it). */
  readonly host?: MoRef
  readonly datastore: string
}

const KB_PER_GB = 1024 * 1024

/**
 * Builds a VM for spawn in as few round trips as vCenter allows: the root
 * disk is prepared next to where the VM will live (a linked clone of the
 * cached image, or a full copy grown to the flavor), then one CreateVM_Task
 * carries CPU, RAM, allocations, controller, disks, NICs and extraConfig, and
 * PowerOnVM_Task starts it. A failure removes what was made.
 */
export class VmBuilder {
  readonly #dvsUuids = new Map<string, string>()

  constructor(
    readonly session: Vim25Session,
    readonly cache: ImageCache,
    readonly devices: VmDevices,
    readonly config: VmwareConfig,
  ) {}

  async build(r: BuildRequest): Promise<MoRef> {
    const { instance, image, dc, datastore: ds } = r
    const flavor = instance.flavor
    const ctl = controllerFor(image)
    const backing = diskBacking(image)
    const io = diskIoAllocation(flavor.extraSpecs)
    const ctlKey = ctl.type === 'ide' ? 200 : -100
    let changes = ctl.type === 'ide' ? '' : deviceChange('add', controllerDevice(-100, ctl.type))
    const rootKb = flavor.rootGb * KB_PER_GB
    const dir = instance.uuid
    let copiedDir = false
    let vm: MoRef | undefined
    try {
      if (image) {
        const cached = await this.cache.ensure(dc, ds, image)
        const imageKb = Math.ceil(image.sizeBytes / 1024)
        if (this.config.use_linked_clone) {
          changes += deviceChange(
            'add',
            diskDevice({
              key: -1,
              controllerKey: ctlKey,
              unitNumber: 0,
              fileName: dsPath(ds, ''),
              capacityKb: Math.max(rootKb, imageKb),
              thin: true,
              parent: cached,
              io,
            }),
            'create',
          )
        } else {
          const root = dsPath(ds, `${dir}/${dir}.vmdk`)
          const vdm = this.session.content.virtualDiskManager
          await this.session.call(
            'MakeDirectory',
            this.session.content.fileManager,
            el('name', dsPath(ds, dir)) +
              ref('datacenter', dc.ref) +
              el('createParentDirectories', true),
          )
          copiedDir = true
          await this.session.runTask(
            'CopyVirtualDisk_Task',
            vdm,
            el('sourceName', cached) +
              ref('sourceDatacenter', dc.ref) +
              el('destName', root) +
              ref('destDatacenter', dc.ref) +
              el('force', false),
          )
          if (rootKb > imageKb)
            await this.session.runTask(
              'ExtendVirtualDisk_Task',
              vdm,
              el('name', root) +
                ref('datacenter', dc.ref) +
                el('newCapacityKb', rootKb) +
                el('eagerZero', false),
            )
          changes += deviceChange(
            'add',
            diskDevice({
              key: -1,
              controllerKey: ctlKey,
              unitNumber: 0,
              fileName: root,
              thin: backing.thin,
              io,
            }),
          )
        }
      } else if (rootKb > 0) {
        changes += deviceChange(
          'add',
          diskDevice({
            key: -1,
            controllerKey: ctlKey,
            unitNumber: 0,
            fileName: dsPath(ds, ''),
            capacityKb: rootKb,
            ...backing,
            io,
          }),
          'create',
        )
      }
      if (flavor.ephemeralGb > 0)
        changes += deviceChange(
          'add',
          diskDevice({
            key: -2,
            controllerKey: ctlKey,
            unitNumber: 1,
            fileName: dsPath(ds, ''),
            capacityKb: flavor.ephemeralGb * KB_PER_GB,
            thin: true,
          }),
          'create',
        )
      let key = -10
      for (const vif of r.vifs)
        changes += deviceChange('add', nicDevice(key--, await this.nicTarget(vif)))
      const config =
        el('name', instance.uuid) +
        el('instanceUuid', instance.uuid) +
        el('guestId', guestIdFor(image)) +
        `<files>${el('vmPathName', dsPath(ds, ''))}</files>` +
        el('numCPUs', flavor.vcpus) +
        el('memoryMB', flavor.memoryMb) +
        flavorAllocations(flavor) +
        changes +
        extraConfig(instance)
      const res = await this.session.runTask(
        'CreateVM_Task',
        r.folder,
        `<config>${config}</config>${ref('pool', r.pool)}${r.host ? ref('host', r.host) : ''}`,
      )
      vm = moRef(res.result)
      if (!vm) throw new Error('CreateVM_Task returned no VM')
      await this.session.runTask('PowerOnVM_Task', vm)
      return vm
    } catch (err) {
      await this.#undo(vm, copiedDir ? dsPath(ds, dir) : undefined, dc)
      throw err
    }
  }

  async #undo(vm: MoRef | undefined, dir: string | undefined, dc: Datacenter): Promise<void> {
    if (vm) {
      await this.session.runTask('PowerOffVM_Task', vm).catch(() => undefined)
      await this.session.runTask('Destroy_Task', vm).catch(() => undefined)
    }
    if (dir)
      await this.session
        .runTask(
          'DeleteDatastoreFile_Task',
          this.session.content.fileManager,
          el('name', dir) + ref('datacenter', dc.ref),
        )
        .catch(() => undefined)
  }

  /** Where a port's NIC plugs in: the DVS port group its binding names, else integration_bridge. */
  async nicTarget(vif: Vif): Promise<NicTarget> {
    const d = vif.vifDetails
    const key = typeof d['dvs_port_group_key'] === 'string' ? d['dvs_port_group_key'] : undefined
    if (key) {
      let uuid = typeof d['dvs_uuid'] === 'string' ? d['dvs_uuid'] : this.#dvsUuids.get(key)
      if (!uuid) {
        const sw = moRef(
          await this.session.property(
            { type: 'DistributedVirtualPortgroup', value: key },
            'config.distributedVirtualSwitch',
          ),
        )
        uuid = sw ? text(await this.session.property(sw, 'uuid')) : undefined
        if (!uuid)
          throw new ConflictError(
            `Port group ${key} of port ${vif.portId} has no distributed switch`,
          )
        this.#dvsUuids.set(key, uuid)
      }
      return { mac: vif.macAddress, dvs: { switchUuid: uuid, portgroupKey: key } }
    }
    const pg =
      typeof d['port_group'] === 'string' ? d['port_group'] : this.config.integration_bridge
    if (!pg)
      throw new ConflictError(
        `Port ${vif.portId} is not bound to a vSphere port group (vif_type ${vif.vifType}); use the vsphere_dvs mechanism driver or set [vmware] integration_bridge`,
      )
    return { mac: vif.macAddress, networkName: pg }
  }

  /** Rescue: a copy of the image as an extra disk the VM boots from. */
  async attachRescueDisk(vm: MoRef, dc: Datacenter, image: ImageSpec): Promise<void> {
    const root = await this.devices.rootDiskFile(vm)
    const m = /^\[([^\]]+)\] (.*)\.vmdk$/.exec(root)
    if (!m) throw new ConflictError(`VM ${vm.value} root disk ${root} is not on a datastore`)
    const ds = m[1]!
    const rescue = `[${ds}] ${m[2]}${RESCUE_SUFFIX}`
    const cached = await this.cache.ensure(dc, ds, image)
    await this.session
      .runTask(
        'CopyVirtualDisk_Task',
        this.session.content.virtualDiskManager,
        el('sourceName', cached) +
          ref('sourceDatacenter', dc.ref) +
          el('destName', rescue) +
          ref('destDatacenter', dc.ref) +
          el('force', false),
      )
      .catch((err: unknown) => {
        if (!isFault(err, 'FileAlreadyExists')) throw err
      })
    const s = this.devices.slot(await this.devices.list(vm))
    await this.devices.reconfigure(
      vm,
      s.add +
        deviceChange(
          'add',
          diskDevice({
            key: -1,
            controllerKey: s.controllerKey,
            unitNumber: s.unitNumber,
            fileName: rescue,
            thin: true,
          }),
        ) +
        '<bootOptions><bootOrder xsi:type="VirtualMachineBootOptionsBootableDiskDevice"><deviceKey>-1</deviceKey></bootOrder></bootOptions>',
    )
  }
}
