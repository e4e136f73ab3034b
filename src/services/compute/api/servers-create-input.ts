import { certsNeedAnImage } from '../trusted-certs.js'
import { parseTrustedCerts } from './trusted-certs.js'
import type { Static } from '@sinclair/typebox'
import { BadRequestError } from '../../../common/errors.js'
import { generatePassword } from '../actions/password.js'
import type { DiskConfig } from '../disk-config.js'
import type { BdmRequest, CreateServerRequest } from '../servers-create-types.js'
import type { RequestedNetworks } from '../rpc.js'
import {
  checkBase64,
  checkDescription,
  checkIp,
  checkName,
  checkUuid,
  invalidField,
  isUuidLike,
} from './servers-formats.js'
import type { serverCreateSchema } from './servers-schemas.js'

type Body = Static<typeof serverCreateSchema>
type ServerBody = Body['server']

const TRUE = new Set(['true', '1', 'on', 'yes'])
/** oslo strutils.bool_from_string for the values Nova's 'boolean' type admits. */
export function boolish(v: boolean | string | undefined): boolean {
  return typeof v === 'boolean' ? v : v !== undefined && TRUE.has(v.toLowerCase())
}

/** Nova's schema error for a property its schema of this microversion does not know. */
export function unexpected(field: string): BadRequestError {
  return new BadRequestError(
    `Invalid input for field/attribute server. Value: Additional properties are not allowed ('${field}' was unexpected)`,
  )
}

/** Fields that only exist in some microversions (Nova picks a schema per range). */
function checkVersionedFields(s: ServerBody, mv: number): void {
  if (s.description !== undefined && mv < 19) throw unexpected('description')
  if (s.tags !== undefined && mv < 52) throw unexpected('tags')
  if (s.personality !== undefined && mv >= 57) throw unexpected('personality')
  const tagsAllowed = mv === 32 || mv >= 42
  if (Array.isArray(s.networks) && s.networks.some((n) => n.tag !== undefined)) {
    if (!((mv >= 32 && mv <= 36) || mv >= 42)) throw unexpected('tag')
  }
  if (!tagsAllowed && s.block_device_mapping_v2?.some((b) => b.tag !== undefined))
    throw unexpected('tag')
  if (mv < 74 && s.host !== undefined) throw unexpected('host')
  if (mv < 74 && s.hypervisor_hostname !== undefined) throw unexpected('hypervisor_hostname')
  if (mv < 67 && s.block_device_mapping_v2?.some((b) => b.volume_type !== undefined))
    throw unexpected('volume_type')
  if (mv >= 37 && s.networks === undefined)
    throw new BadRequestError(
      "Invalid input for field/attribute server. Value: 'networks' is a required property",
    )
  if (typeof s.networks === 'string' && (mv < 37 || !['auto', 'none'].includes(s.networks)))
    throw invalidField('networks', `${s.networks}. '${s.networks}' is not of type 'array'`)
}

function parseNetworks(s: ServerBody, mv: number): RequestedNetworks {
  // No networks, or an empty list, lets Nova pick the one available network.
  if (s.networks === undefined || (Array.isArray(s.networks) && s.networks.length === 0))
    return 'auto'
  if (typeof s.networks === 'string') return s.networks as 'auto' | 'none'
  const ports = new Set<string>()
  return s.networks.map((n) => {
    if (n.fixed_ip !== undefined) checkIp('fixed_ip', n.fixed_ip)
    if (n.port) {
      checkUuid('port', n.port)
      if (ports.has(n.port))
        throw new BadRequestError(
          `Port ID '${n.port}' was specified twice: you cannot attach a port multiple times.`,
        )
      if (n.fixed_ip !== undefined)
        throw new BadRequestError(
          `Specified Fixed IP '${n.fixed_ip}' cannot be used with port '${n.port}': the two cannot be specified together.`,
        )
      ports.add(n.port)
      return { port: n.port, ...(n.tag !== undefined ? { tag: n.tag } : {}) }
    }
    if (n.uuid === undefined) throw new BadRequestError("Bad network format: missing 'uuid'")
    if (!isUuidLike(n.uuid)) {
      if (mv >= 37) checkUuid('uuid', n.uuid)
      throw new BadRequestError(
        `Bad networks format: network uuid is not in proper format (${n.uuid})`,
      )
    }
    return {
      uuid: n.uuid,
      ...(n.fixed_ip !== undefined ? { fixedIp: n.fixed_ip } : {}),
      ...(n.tag !== undefined ? { tag: n.tag } : {}),
    }
  })
}

const ROOT_DEVICES = ['vda', 'sda', 'xvda', 'hda']

/**
 * Legacy mappings as nova/block_device.py from_legacy_mapping reads them:
 * volumes and snapshots become volume-backed devices; the one on the root
 * device name boots when no image is given. no_device entries are dropped.
 */
function fromLegacy(
  legacy: NonNullable<ServerBody['block_device_mapping']>,
  imageRef: string,
): BdmRequest[] {
  const out: BdmRequest[] = []
  for (const b of legacy) {
    if (b.no_device !== undefined && b.no_device !== null && b.no_device !== false) continue
    const uuid = b.volume_id ?? b.snapshot_id
    if (uuid === undefined || !isUuidLike(uuid))
      throw new BadRequestError('Block Device Mapping is Invalid: Missing device UUID.')
    const device = b.device_name?.replace(/^\/dev\//, '')
    const boots = imageRef === '' && device !== undefined && ROOT_DEVICES.includes(device)
    const size = b.volume_size === undefined ? undefined : Number(b.volume_size)
    out.push({
      sourceType: b.volume_id !== undefined ? 'volume' : 'snapshot',
      destinationType: 'volume',
      uuid,
      bootIndex: boots ? 0 : null,
      ...(size !== undefined ? { volumeSize: size } : {}),
      ...(b.device_name !== undefined ? { deviceName: b.device_name } : {}),
      deleteOnTermination: boolish(b.delete_on_termination),
    })
  }
  return out
}

function parseBdms(s: ServerBody): BdmRequest[] {
  if (s.block_device_mapping?.length && s.block_device_mapping_v2?.length)
    throw new BadRequestError(
      'Using different block_device_mapping syntaxes is not allowed in the same request.',
    )
  if (s.block_device_mapping?.length) return fromLegacy(s.block_device_mapping, s.imageRef ?? '')
  const imageSpecified = s.imageRef !== undefined
  return (s.block_device_mapping_v2 ?? []).map((b) => {
    const bad = (details: string) =>
      new BadRequestError(`Block Device Mapping is Invalid: ${details}`)
    // Shorthand ids (volume_id, snapshot_id, image_id) as from_api accepts them.
    let source = b.source_type
    let uuid = b.uuid
    if (!source) {
      if (b.volume_id) [source, uuid] = ['volume', b.volume_id]
      else if (b.snapshot_id) [source, uuid] = ['snapshot', b.snapshot_id]
      else if (b.image_id) [source, uuid] = ['image', b.image_id]
      else throw bad('Missing device UUID.')
    }
    if (source !== 'blank' && !uuid) throw bad('Missing device UUID.')
    if (uuid !== undefined && source !== 'blank' && !isUuidLike(uuid))
      throw bad(`Missing device UUID.`)
    const bootIndex =
      b.boot_index === undefined || b.boot_index === null ? null : Number(b.boot_index)
    if (
      source === 'image' &&
      bootIndex === 0 &&
      imageSpecified &&
      s.imageRef !== uuid &&
      s.imageRef !== ''
    )
      throw bad(
        'Boot sequence for the instance and image/block device mapping combination is not valid.',
      )
    const destination =
      b.destination_type ?? (source === 'image' || source === 'blank' ? 'local' : 'volume')
    if ((source === 'volume' || source === 'snapshot') && destination === 'local')
      throw bad('Mapping image to local is not supported.')
    const size = b.volume_size === undefined ? undefined : Number(b.volume_size)
    return {
      sourceType: source as BdmRequest['sourceType'],
      destinationType: destination as 'local' | 'volume',
      ...(source !== 'blank' && uuid !== undefined ? { uuid } : {}),
      bootIndex: bootIndex !== null && bootIndex < 0 ? null : bootIndex,
      ...(size !== undefined ? { volumeSize: size } : {}),
      ...(b.device_name !== undefined ? { deviceName: b.device_name } : {}),
      ...(b.device_type !== undefined ? { deviceType: b.device_type } : {}),
      ...(b.disk_bus !== undefined ? { diskBus: b.disk_bus } : {}),
      ...(b.guest_format !== undefined ? { guestFormat: b.guest_format } : {}),
      deleteOnTermination: boolish(b.delete_on_termination),
      ...(b.tag !== undefined ? { tag: b.tag } : {}),
      ...(typeof b.volume_type === 'string' && b.volume_type !== ''
        ? { volumeType: b.volume_type }
        : {}),
    }
  })
}

const asList = (v: string | string[] | undefined): string[] | undefined =>
  v === undefined ? undefined : Array.isArray(v) ? v : [v]

function parseHints(body: Body): CreateServerRequest['hints'] {
  const raw = body['os:scheduler_hints'] ?? body['OS-SCH-HNT:scheduler_hints'] ?? {}
  const { group, same_host, different_host, ...rest } = raw
  if (group !== undefined) checkUuid('group', group)
  const same = asList(same_host)
  const different = asList(different_host)
  for (const id of [...(same ?? []), ...(different ?? [])]) checkUuid('os:scheduler_hints', id)
  return {
    ...rest,
    ...(group !== undefined ? { group } : {}),
    ...(same ? { sameHost: same } : {}),
    ...(different ? { differentHost: different } : {}),
  }
}

/** The last path segment of a flavor/image href (Nova's get_id_from_href). */
function idFromHref(ref: string | number): string {
  const s = String(ref)
  try {
    if (/^https?:\/\//.test(s)) return new URL(s).pathname.split('/').pop() ?? s
  } catch {
    /* not a URL: the id itself */
  }
  return s.split('?')[0]?.split('/').pop() ?? s
}

/** Checks a POST /servers body against the request's microversion and normalises it. */
export function parseCreateBody(body: Body, mv: number): CreateServerRequest {
  const s = body.server
  checkVersionedFields(s, mv)
  checkName('name', s.name)
  if (s.key_name !== undefined) checkName('key_name', s.key_name)
  if (s.availability_zone !== undefined) checkName('availability_zone', s.availability_zone)
  if (typeof s.description === 'string') checkDescription('description', s.description)
  if (s.imageRef !== undefined && s.imageRef !== '') checkUuid('imageRef', s.imageRef)
  if (s.accessIPv4 !== undefined) checkIp('accessIPv4', s.accessIPv4, 4)
  if (s.accessIPv6 !== undefined) checkIp('accessIPv6', s.accessIPv6, 6)
  if (s.user_data === null) throw invalidField('user_data', "None. None is not of type 'string'")
  if (s.user_data !== undefined) checkBase64('user_data', s.user_data)
  for (const sg of s.security_groups ?? []) if (sg.name !== undefined) checkName('name', sg.name)
  for (const f of s.personality ?? [])
    if (f.contents !== undefined) checkBase64('contents', f.contents)
  const minCount = Number(s.min_count ?? 1)
  const maxCount = Number(s.max_count ?? minCount)
  if (minCount < 1 || maxCount < 1)
    throw invalidField('min_count', `${minCount}. ${minCount} is less than the minimum of 1`)
  if (minCount > maxCount) throw new BadRequestError('min_count must be <= max_count')
  const bdms = parseBdms(s)
  const imageRef = s.imageRef ?? ''
  if (imageRef === '' && bdms.length === 0) throw new BadRequestError('Missing imageRef attribute')
  const trustedCerts = parseTrustedCerts(s.trusted_image_certificates, mv) ?? null
  if (trustedCerts && imageRef === '') throw certsNeedAnImage()
  return {
    name: s.name,
    description: mv >= 19 ? (s.description ?? null) : s.name,
    imageRef,
    flavorRef: idFromHref(s.flavorRef),
    adminPass: s.adminPass ?? generatePassword(),
    metadata: s.metadata ?? {},
    networks: parseNetworks(s, mv),
    autoRequested: s.networks === 'auto',
    accessIPv4: s.accessIPv4 ?? null,
    accessIPv6: s.accessIPv6 ?? null,
    ...(s['OS-DCF:diskConfig'] !== undefined
      ? { diskConfig: s['OS-DCF:diskConfig'] as DiskConfig }
      : {}),
    ...(s.availability_zone !== undefined ? { availabilityZone: s.availability_zone } : {}),
    bdms,
    configDrive: boolish(s.config_drive),
    ...(s.key_name !== undefined ? { keyName: s.key_name } : {}),
    minCount,
    maxCount,
    returnReservationId: boolish(s.return_reservation_id),
    securityGroups: [
      ...new Set((s.security_groups ?? []).flatMap((g) => (g.name ? [g.name] : []))),
    ],
    userData: s.user_data ?? null,
    tags: s.tags ?? [],
    trustedCerts,
    ...(s.host !== undefined ? { requestedHost: s.host } : {}),
    ...(s.hypervisor_hostname !== undefined ? { requestedNode: s.hypervisor_hostname } : {}),
    personality: (s.personality ?? []).map((f) => ({
      path: f.path ?? '',
      contents: f.contents ?? '',
    })),
    hints: parseHints(body),
  }
}
