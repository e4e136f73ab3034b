import { Readable } from 'node:stream'
import type { GroupValues } from '../../../config/option.js'
import { vmwareGroup } from '../../../config/groups/vmware.js'
import { vmdkBackendGroup } from '../../../config/groups/volume.js'
import type { FlavorSpec, ImageSpec, InstanceSpec, Vif } from '../../driver.js'
import type { Vcsim } from '../vim25/testing.js'
import type { ImageSource } from './image-cache.js'

/** [vmware] for a vcsim: its defaults plus `over`. */
export function vcsimConfig(
  vc: Vcsim,
  over: Partial<GroupValues<typeof vmwareGroup>> = {},
): GroupValues<typeof vmwareGroup> {
  const defaults = Object.fromEntries(
    Object.entries(vmwareGroup.options).map(([k, o]) => [k, o.default]),
  ) as GroupValues<typeof vmwareGroup>
  const [host, port] = vc.host.split(':')
  return {
    ...defaults,
    host_ip: host!,
    host_port: Number(port),
    host_username: 'user',
    host_password: 'pass',
    insecure: true,
    cluster_name: ['DC0_C0'],
    api_retry_count: 2,
    inventory_resync_interval: 2,
    ...over,
  }
}

/** [vmdk] backend options (Cinder's vmware_* names) reaching `vc`, over the defaults. */
export function vmdkOptions(
  vc: Vcsim,
  over: Partial<GroupValues<typeof vmdkBackendGroup>> = {},
): GroupValues<typeof vmdkBackendGroup> {
  const defaults = Object.fromEntries(
    Object.entries(vmdkBackendGroup.options).map(([k, o]) => [k, o.default]),
  ) as GroupValues<typeof vmdkBackendGroup>
  const [host, port] = vc.host.split(':')
  return {
    ...defaults,
    vmware_host_ip: host!,
    vmware_host_port: Number(port),
    vmware_host_username: 'user',
    vmware_host_password: 'pass',
    vmware_insecure: true,
    ...over,
  }
}

/** An in-memory image source that counts how often each image was opened. */
export function memoryImages(
  images: Record<string, Buffer>,
): ImageSource & { opened: Map<string, number> } {
  const opened = new Map<string, number>()
  const src = async (id: string) => {
    const data = images[id]
    if (!data) throw new Error(`no image ${id}`)
    return {
      size: data.length,
      open: async () => {
        opened.set(id, (opened.get(id) ?? 0) + 1)
        return Readable.from([data])
      },
    }
  }
  return Object.assign(src, { opened })
}

export function flavor(over: Partial<FlavorSpec> = {}): FlavorSpec {
  return {
    id: '1',
    name: 'm1.small',
    vcpus: 1,
    memoryMb: 256,
    rootGb: 1,
    ephemeralGb: 0,
    swapMb: 0,
    extraSpecs: {},
    ...over,
  }
}

export function image(
  id: string,
  size: number,
  properties: Record<string, string> = {},
): ImageSpec {
  return {
    id,
    name: id,
    diskFormat: 'vmdk',
    containerFormat: 'bare',
    sizeBytes: size,
    minDiskGb: 0,
    minRamMb: 0,
    properties,
  }
}

export function instance(
  uuid: string,
  node: string,
  over: Partial<InstanceSpec> = {},
): InstanceSpec {
  return {
    uuid,
    name: `srv-${uuid.slice(0, 4)}`,
    hostname: 'srv',
    projectId: 'p1',
    userId: 'u1',
    node,
    flavor: flavor(),
    metadata: {},
    configDrive: false,
    ...over,
  }
}

export function dvsVif(mac: string, portgroupKey: string): Vif {
  return {
    portId: `port-${mac}`,
    networkId: 'net-1',
    macAddress: mac,
    fixedIps: [],
    vifType: 'dvs',
    vifDetails: { dvs_port_group_key: portgroupKey },
  }
}
