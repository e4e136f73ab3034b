import { createHash } from 'node:crypto'
import type { BdmRow } from '../../db/repositories/compute/block-device-mappings.js'
import { parseInstanceFlavor, type InstanceRow } from '../../db/repositories/compute/instances.js'
import { diskConfigOf } from './disk-config.js'
import { serverStatus } from './states.js'
import type { ServerNetworkInfo } from './servers-network-info.js'

/**
 * Nova's server views (nova/api/openstack/compute/views/servers.py) for
 * microversions 2.1–2.79. Tempest validates these shapes strictly: a field
 * shown at the wrong microversion fails its schema.
 */

/** Everything the detailed view needs beside the instance rows, loaded in bulk. */
export interface ServerViewData {
  readonly tags: ReadonlyMap<string, readonly string[]>
  readonly bdms: ReadonlyMap<string, readonly BdmRow[]>
  readonly network: ReadonlyMap<string, ServerNetworkInfo>
  /** host → UP | DOWN | MAINTENANCE | UNKNOWN (only loaded for admins at ≥ 2.16). */
  readonly hostStatus: ReadonlyMap<string, string>
  /** Default AZ of hosts outside any zone ([compute] default_availability_zone). */
  readonly defaultAz: string
  /** Loaded for show, update and rebuild only (2.71 shows `server_groups` there, not in lists). */
  readonly serverGroups?: ReadonlyMap<string, readonly string[]>
}

export interface ViewOptions {
  readonly microversion: number
  readonly admin: boolean
  /** e.g. http://host/compute (links: <base>/v2.1/servers/<id>, bookmark <base>/servers/<id>). */
  readonly computeUrl: string
}

/** `2012-08-20T21:11:09Z` (Nova's utils.isotime). */
export function isoTime(value: string): string {
  const d = new Date(value)
  return Number.isNaN(d.getTime()) ? value : d.toISOString().replace(/\.\d{3}Z$/, 'Z')
}

/** `2012-08-20T21:11:09.000000` (a naive datetime as Nova's JSON encoder prints it). */
export function naiveTime(value: string | null): string | null {
  if (value === null) return null
  const d = new Date(value)
  if (Number.isNaN(d.getTime())) return value
  return d.toISOString().replace(/\.(\d{3})Z$/, '.$1000')
}

/** Nova's utils.generate_hostid: sha224(project_id + host), '' when unscheduled. */
export function hostId(host: string | null, projectId: string): string {
  if (!host) return ''
  return createHash('sha224')
    .update(projectId + host)
    .digest('hex')
}

export function serverLinks(computeUrl: string, id: string): { rel: string; href: string }[] {
  return [
    { rel: 'self', href: `${computeUrl}/v2.1/servers/${id}` },
    { rel: 'bookmark', href: `${computeUrl}/servers/${id}` },
  ]
}

/** GET /servers entry. */
export function serverBasicView(row: InstanceRow, o: ViewOptions): Record<string, unknown> {
  return { id: row.uuid, name: row.display_name, links: serverLinks(o.computeUrl, row.uuid) }
}

function statusOf(row: InstanceRow): string {
  return row.deleted === 1 ? 'DELETED' : serverStatus(row.vm_state, row.task_state)
}

const PROGRESS_STATUSES = ['ACTIVE', 'BUILD', 'REBUILD', 'RESIZE', 'VERIFY_RESIZE', 'MIGRATING']

function flavorView(row: InstanceRow, o: ViewOptions): Record<string, unknown> {
  const f = parseInstanceFlavor(row.flavor)
  if (o.microversion >= 47)
    return {
      vcpus: f.vcpus,
      ram: f.memoryMb,
      disk: f.rootGb,
      ephemeral: f.ephemeralGb,
      swap: f.swapMb,
      original_name: f.name,
      extra_specs: { ...f.extraSpecs },
    }
  return { id: f.id, links: [{ rel: 'bookmark', href: `${o.computeUrl}/flavors/${f.id}` }] }
}

function imageView(row: InstanceRow, o: ViewOptions): Record<string, unknown> | string {
  if (!row.image_ref) return ''
  return {
    id: row.image_ref,
    links: [{ rel: 'bookmark', href: `${o.computeUrl}/images/${row.image_ref}` }],
  }
}

function addressesView(
  row: InstanceRow,
  info: ServerNetworkInfo | undefined,
  extended: boolean,
): Record<string, unknown[]> {
  // Nova hides addresses while the server is building.
  if (row.vm_state === 'building' || !info) return {}
  const out: Record<string, unknown[]> = {}
  for (const [label, ips] of info.addresses)
    out[label] = ips.map((ip) =>
      extended
        ? {
            version: ip.version,
            addr: ip.addr,
            'OS-EXT-IPS:type': ip.type,
            'OS-EXT-IPS-MAC:mac_addr': ip.mac,
          }
        : { version: ip.version, addr: ip.addr },
    )
  return out
}

function faultView(row: InstanceRow, admin: boolean): Record<string, unknown> | undefined {
  if (!row.fault) return undefined
  const f = JSON.parse(row.fault) as {
    code: number
    message: string
    details?: string | null
    created?: string
  }
  const view: Record<string, unknown> = {
    code: f.code,
    created: isoTime(f.created ?? row.updated_at),
    message: f.message,
  }
  if (f.details && (admin || f.code !== 500)) view.details = f.details
  return view
}

/** Which optional groups of fields a view shows (PUT before 2.75 shows a reduced set). */
interface Parts {
  readonly full: boolean
  /** key_name outside the full view (rebuild from 2.54). */
  readonly keypair?: boolean
  /** OS-EXT-SRV-ATTR:user_data (rebuild adds user_data itself, so leaves it out). */
  readonly userData?: boolean
}

function buildServerView(
  row: InstanceRow,
  data: ServerViewData,
  o: ViewOptions,
  parts: Parts,
): Record<string, unknown> {
  const mv = o.microversion
  const net = data.network.get(row.uuid)
  const status = statusOf(row)
  const s: Record<string, unknown> = {
    id: row.uuid,
    name: row.display_name,
    status,
    tenant_id: row.project_id,
    user_id: row.user_id,
    metadata: JSON.parse(row.metadata) as Record<string, string>,
    hostId: hostId(row.host, row.project_id),
    image: imageView(row, o),
    flavor: flavorView(row, o),
    created: isoTime(row.created_at),
    updated: isoTime(row.updated_at),
    addresses: addressesView(row, net, parts.full),
    accessIPv4: row.access_ip_v4 ?? '',
    accessIPv6: canonicalIpv6(row.access_ip_v6 ?? ''),
    links: serverLinks(o.computeUrl, row.uuid),
    'OS-DCF:diskConfig': diskConfigOf(row),
  }
  if (status === 'ERROR' || status === 'DELETED') {
    const fault = faultView(row, o.admin)
    if (fault) s.fault = fault
  }
  if (PROGRESS_STATUSES.includes(status)) s.progress = row.progress
  if (parts.full) {
    s['OS-EXT-AZ:availability_zone'] = row.availability_zone ?? (row.host ? data.defaultAz : '')
    s.config_drive = row.config_drive
    s.key_name = row.key_name
    s['OS-SRV-USG:launched_at'] = naiveTime(row.launched_at)
    s['OS-SRV-USG:terminated_at'] = naiveTime(row.terminated_at)
    if (net && net.securityGroups.length > 0)
      s.security_groups = net.securityGroups.map((name) => ({ name }))
    if (o.admin) {
      s['OS-EXT-SRV-ATTR:host'] = row.host
      s['OS-EXT-SRV-ATTR:instance_name'] = instanceName(row.uuid)
      s['OS-EXT-SRV-ATTR:hypervisor_hostname'] = row.node
      if (mv >= 3) {
        s['OS-EXT-SRV-ATTR:reservation_id'] = row.reservation_id
        s['OS-EXT-SRV-ATTR:launch_index'] = row.launch_index
        s['OS-EXT-SRV-ATTR:hostname'] = row.hostname
        s['OS-EXT-SRV-ATTR:kernel_id'] = ''
        s['OS-EXT-SRV-ATTR:ramdisk_id'] = ''
        s['OS-EXT-SRV-ATTR:root_device_name'] = row.root_device_name
        if (parts.userData !== false) s['OS-EXT-SRV-ATTR:user_data'] = row.user_data
      }
    }
    s['OS-EXT-STS:task_state'] = row.task_state
    s['OS-EXT-STS:vm_state'] = row.vm_state
    s['OS-EXT-STS:power_state'] = row.power_state
    s['os-extended-volumes:volumes_attached'] = (data.bdms.get(row.uuid) ?? [])
      .filter((b) => b.volume_id)
      .map((b) =>
        mv >= 3
          ? { id: b.volume_id, delete_on_termination: b.delete_on_termination === 1 }
          : { id: b.volume_id },
      )
    // Default policy: only admins see host_status.
    if (mv >= 16 && o.admin)
      s.host_status = row.host ? (data.hostStatus.get(row.host) ?? 'UNKNOWN') : ''
  }
  if (!parts.full && parts.keypair) s.key_name = row.key_name
  if (mv >= 9) s.locked = row.locked === 1
  if (mv >= 73) s.locked_reason = row.locked === 1 ? row.locked_reason : null
  if (mv >= 19) s.description = row.display_description
  if (mv >= 26) s.tags = [...(data.tags.get(row.uuid) ?? [])]
  if (mv >= 71 && data.serverGroups) s.server_groups = [...(data.serverGroups.get(row.uuid) ?? [])]
  if (mv >= 63)
    s.trusted_image_certificates = row.trusted_certs
      ? (JSON.parse(row.trusted_certs) as string[])
      : null
  return s
}

/** GET /servers/{id}, /servers/detail entries. */
export function serverDetailView(
  row: InstanceRow,
  data: ServerViewData,
  o: ViewOptions,
): Record<string, unknown> {
  return buildServerView(row, data, o, { full: true })
}

/** PUT /servers/{id} and rebuild: before 2.75 Nova leaves out the extension attributes. */
export function serverUpdateView(
  row: InstanceRow,
  data: ServerViewData,
  o: ViewOptions,
): Record<string, unknown> {
  return buildServerView(row, data, o, { full: o.microversion >= 75 })
}

/** Rebuild: as PUT, plus key_name from 2.54; never OS-EXT-SRV-ATTR:user_data (2.57 adds user_data). */
export function serverRebuildView(
  row: InstanceRow,
  data: ServerViewData,
  o: ViewOptions,
): Record<string, unknown> {
  return buildServerView(row, data, o, {
    full: o.microversion >= 75,
    keypair: o.microversion >= 54,
    userData: false,
  })
}

/** OS-EXT-SRV-ATTR:instance_name: the name of the VM on the hypervisor. */
function instanceName(uuid: string): string {
  return `instance-${uuid}`
}

/** Nova stores accessIPv6 through netaddr, so clients read back the compressed form. */
function canonicalIpv6(ip: string): string {
  if (ip === '') return ip
  try {
    return new URL(`http://[${ip}]/`).hostname.slice(1, -1)
  } catch {
    return ip
  }
}
