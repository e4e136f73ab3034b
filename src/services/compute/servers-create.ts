import { randomInt } from 'node:crypto'
import type { AuthContext } from '../../common/auth-context.js'
import { ForbiddenError } from '../../common/errors.js'
import { newUuid } from '../../common/ids.js'
import { toFlavorSpec, type FlavorRecord } from '../../db/repositories/compute/flavors.js'
import { updateInstance } from '../../db/repositories/compute/instances.js'
import type { ImageRecord } from '../../db/repositories/image/rows.js'
import { ensureDefaultSecurityGroup } from '../network/default-security-group.js'
import type { ComputeContext } from './compute-context.js'
import { diskConfigForImage, withDiskConfig, type DiskConfig } from './disk-config.js'
import { effectiveLimits } from './quotas.js'
import { CONDUCTOR_TOPIC, type RequestSpec, type RequestedNetworks } from './rpc.js'
import {
  checkFlavor,
  checkFlavorFitsImage,
  checkImage,
  checkKeypair,
  checkNetworks,
  checkSecurityGroups,
  checkZeroDisk,
} from './servers-create-checks.js'
import { checkBdmSources } from './servers-create-bdm-checks.js'
import { bootDevice, checkLocalDevices, checkPersonality } from './servers-create-rules.js'
import {
  checkGroup,
  checkRequestedDestination,
  checkZone,
  parseZone,
} from './servers-create-placement.js'
import { persistServers, type NewServer } from './servers-create-store.js'
import type { CreateServerRequest } from './servers-create-types.js'
import { TaskState, VmState } from './states.js'

export interface CreateCaller {
  readonly auth: AuthContext
  /** The API request id: the 'create' instance action hangs off it. */
  readonly requestId: string
  readonly microversion: number
}

export interface CreateResult {
  readonly uuids: readonly string[]
  readonly reservationId: string
  /** What the servers got (the create response shows it). */
  readonly diskConfig: DiskConfig
}

const RESV_CHARS = 'abcdefghijklmnopqrstuvwxyz0123456789'

/** Nova's utils.generate_uid('r'): r-xxxxxxxx. */
function reservationId(): string {
  let s = 'r-'
  for (let i = 0; i < 8; i++) s += RESV_CHARS[randomInt(RESV_CHARS.length)]
  return s
}

/** Nova's utils.sanitize_hostname. */
function sanitizeHostname(name: string): string {
  // Latin-1 only (Nova's encode('latin-1', 'ignore')), cut to 63 before cleaning, as Nova does.
  return Array.from(name)
    .filter((ch) => (ch.codePointAt(0) ?? 0) <= 0xff)
    .join('')
    .slice(0, 63)
    .replace(/[ _.]/g, '-')
    .replace(/[^\p{L}\p{N}_.-]+/gu, '')
    .toLowerCase()
    .replace(/^[.-]+|[.-]+$/g, '')
}

/** image_* system metadata Nova copies from the image (utils.get_system_metadata_from_image). */
function imageSystemMetadata(image: ImageRecord | undefined): Record<string, string> {
  if (!image) return {}
  const out: Record<string, string> = {
    image_base_image_ref: image.id,
    image_min_disk: String(image.minDisk),
    image_min_ram: String(image.minRam),
  }
  if (image.diskFormat) out.image_disk_format = image.diskFormat
  if (image.containerFormat) out.image_container_format = image.containerFormat
  for (const [k, v] of Object.entries(image.properties)) out[`image_${k}`] = v
  return out
}

function requestSpec(
  auth: AuthContext,
  projectId: string,
  flavor: FlavorRecord,
  image: ImageRecord | undefined,
  zone: ReturnType<typeof parseZone>,
  req: CreateServerRequest,
  networks: RequestedNetworks,
  securityGroups: readonly string[],
  count: number,
): RequestSpec {
  return {
    projectId,
    userId: auth.userId,
    flavor: toFlavorSpec(flavor),
    ...(image ? { image: { id: image.id, properties: { ...image.properties } } } : {}),
    ...(zone.zone !== undefined ? { availabilityZone: zone.zone } : {}),
    ...(zone.host !== undefined ? { forceHost: zone.host } : {}),
    ...(zone.node !== undefined ? { forceNode: zone.node } : {}),
    ...(req.requestedHost !== undefined ? { requestedHost: req.requestedHost } : {}),
    ...(req.requestedNode !== undefined ? { requestedNode: req.requestedNode } : {}),
    schedulerHints: req.hints,
    requestedNetworks: networks,
    securityGroups: securityGroups.length > 0 ? securityGroups : ['default'],
    numInstances: count,
  }
}

/**
 * POST /servers (nova/compute/api.py API.create): validates everything the
 * request names, creates the instance rows (BUILD/scheduling) under the
 * project's quota, records the 'create' action and hands the build to the
 * conductor.
 */
export async function createServers(
  ctx: ComputeContext,
  caller: CreateCaller,
  req: CreateServerRequest,
): Promise<CreateResult> {
  const { auth } = caller
  const projectId = auth.project?.id
  if (!projectId)
    throw new ForbiddenError('Servers can only be created with a project-scoped token.')
  const zone = parseZone(auth, req.availabilityZone)
  await checkZone(ctx, zone.zone)
  await checkRequestedDestination(ctx, auth, zone, req.requestedHost, req.requestedNode)
  const flavor = await checkFlavor(ctx, auth, req.flavorRef)
  const { root, volumeBacked } = bootDevice(req)
  checkLocalDevices(ctx, req)
  await checkBdmSources(ctx, auth, req.bdms, caller.microversion)
  const imageId =
    req.imageRef !== '' ? req.imageRef : root?.sourceType === 'image' ? root.uuid : undefined
  const image = imageId !== undefined ? await checkImage(ctx, auth, imageId) : undefined
  if (image) checkFlavorFitsImage(flavor, image, volumeBacked)
  const diskConfig = diskConfigForImage(req.diskConfig, image)
  checkZeroDisk(auth, flavor, volumeBacked)
  const keypair = req.keyName !== undefined ? await checkKeypair(ctx, auth, req.keyName) : undefined
  const limits = await effectiveLimits(ctx, projectId, auth.userId)
  const metaCount = Object.keys(req.metadata).length
  if (limits.metadata_items >= 0 && metaCount > limits.metadata_items)
    throw new ForbiddenError(`Maximum number of metadata items exceeds ${limits.metadata_items}`)
  checkPersonality(req, limits)
  const securityGroups = await checkSecurityGroups(ctx, projectId, req.securityGroups)
  const networks = await checkNetworks(ctx, auth, req, req.autoRequested)
  // Neutron creates a project's default group on first use; the conductor looks it up by name.
  if (
    networks !== 'none' &&
    ctx.network &&
    (securityGroups.length === 0 || securityGroups.includes('default'))
  )
    await ensureDefaultSecurityGroup(ctx.network, ctx.network.db, projectId)
  const group = await checkGroup(ctx, auth, req.hints.group, projectId, req.minCount)

  const resv = reservationId()
  const now = new Date().toISOString()
  const flavorSpec = toFlavorSpec(flavor)
  const template: Omit<NewServer, 'uuid' | 'displayName' | 'hostname' | 'launchIndex'> = {
    projectId,
    userId: auth.userId,
    description: req.description,
    availabilityZone: zone.zone ?? null,
    flavorJson: JSON.stringify(flavorSpec),
    // Boot from volume shows image "" (Nova leaves image_ref empty).
    imageRef: volumeBacked ? '' : (imageId ?? ''),
    keyName: keypair?.name ?? null,
    keyData: keypair?.public_key ?? null,
    userData: req.userData,
    configDrive: req.configDrive ? 'True' : '',
    metadata: req.metadata,
    systemMetadata: withDiskConfig(imageSystemMetadata(image), diskConfig),
    accessIPv4: req.accessIPv4,
    accessIPv6: req.accessIPv6,
    reservationId: resv,
    vmState: VmState.BUILDING,
    taskState: TaskState.SCHEDULING,
    tags: req.tags,
    trustedCerts: req.trustedCerts,
    bdms: req.bdms,
    bootImageId: req.imageRef !== '' && !root ? req.imageRef : undefined,
    groupUuid: group?.uuid,
  }
  const uuids = await persistServers(ctx, {
    projectId,
    limits,
    flavor: flavorSpec,
    minCount: req.minCount,
    maxCount: req.maxCount,
    requestId: caller.requestId,
    now,
    build: (count, index) => {
      const uuid = newUuid()
      const base = sanitizeHostname(req.name)
      return {
        ...template,
        uuid,
        displayName: count > 1 ? `${req.name}-${index + 1}` : req.name,
        hostname: !base ? `Server-${uuid}` : count > 1 ? `${base}-${index + 1}` : base,
        launchIndex: index,
      }
    },
    spec: (count) =>
      requestSpec(auth, projectId, flavor, image, zone, req, networks, securityGroups, count),
  })
  try {
    await ctx.bus.cast({ topic: CONDUCTOR_TOPIC }, 'build_instances', {
      instanceUuids: [...uuids],
      requestId: caller.requestId,
      adminPass: req.adminPass,
    })
  } catch (err) {
    // Nothing will build them: do not leave servers in BUILD forever.
    const fault = JSON.stringify({
      code: 500,
      message: 'The build request could not be sent to the conductor.',
      details: err instanceof Error ? err.message : String(err),
      created: new Date().toISOString(),
    })
    for (const uuid of uuids)
      await updateInstance(ctx.db, uuid, { vm_state: VmState.ERROR, task_state: null, fault })
    throw err
  }
  return { uuids, reservationId: resv, diskConfig }
}
