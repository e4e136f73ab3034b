import { isAdmin, type AuthContext } from '../../common/auth-context.js'
import {
  BadRequestError,
  ConflictError,
  ForbiddenError,
  NotFoundError,
} from '../../common/errors.js'
import {
  findFlavor,
  projectCanUseFlavor,
  type FlavorRecord,
} from '../../db/repositories/compute/flavors.js'
import { findKeypair, type KeyPairRow } from '../../db/repositories/compute/keypairs.js'
import type { ImageRecord } from '../../db/repositories/image/rows.js'
import { loadPort } from '../network/ports-service.js'
import { findVisibleNetwork, visibleNetworksQuery } from '../network/visibility.js'
import type { ComputeContext } from './compute-context.js'
import type { RequestedNetworks } from './rpc.js'
import type { CreateServerRequest } from './servers-create-types.js'

/**
 * The checks nova/compute/api.py makes before it creates instances, with
 * Nova's messages: flavor, image, key pair, security groups, networks.
 */

/** A flavor the project may use, or 400 FlavorNotFound. */
export async function checkFlavor(
  ctx: ComputeContext,
  auth: AuthContext,
  flavorRef: string,
): Promise<FlavorRecord> {
  const flavor = await findFlavor(ctx.db, flavorRef)
  if (
    !flavor ||
    flavor.disabled === 1 ||
    (!isAdmin(auth) && !(await projectCanUseFlavor(ctx.db, flavor, auth.project?.id)))
  )
    throw new BadRequestError(`Flavor ${flavorRef} could not be found.`, { type: 'FlavorNotFound' })
  return flavor
}

/** The image a server boots from (400 when missing or not active). */
export async function checkImage(
  ctx: ComputeContext,
  auth: AuthContext,
  imageId: string,
): Promise<ImageRecord> {
  let image: ImageRecord
  try {
    image = await ctx.image.show(auth, imageId)
  } catch (err) {
    if (err instanceof NotFoundError)
      throw new BadRequestError('Can not find requested image', { type: 'ImageNotFound' })
    throw err
  }
  if (image.status !== 'active')
    throw new BadRequestError(`Image ${imageId} is not active.`, { type: 'ImageNotActive' })
  return image
}

const GiB = 1024 ** 3

/** Nova's _validate_flavor_image_nostatus: RAM and root disk against the image's needs. */
export function checkFlavorFitsImage(
  flavor: FlavorRecord,
  image: ImageRecord,
  volumeBacked: boolean,
): void {
  if (image.minRam > flavor.memory_mb)
    throw new BadRequestError("Flavor's memory is too small for requested image.", {
      type: 'FlavorMemoryTooSmall',
    })
  if (volumeBacked || flavor.root_gb === 0) return
  const flavorBytes = flavor.root_gb * GiB
  if ((image.size ?? 0) > flavorBytes)
    throw new BadRequestError(
      `Flavor's disk is too small for requested image. Flavor disk is ${flavorBytes} bytes, image is ${image.size} bytes.`,
      { type: 'FlavorDiskSmallerThanImage' },
    )
  if (image.minDisk > flavor.root_gb)
    throw new BadRequestError(
      `Flavor's disk is smaller than the minimum size specified in image metadata. Flavor disk is ${flavorBytes} bytes, minimum size is ${image.minDisk * GiB} bytes.`,
      { type: 'FlavorDiskSmallerThanMinDisk' },
    )
}

/** Zero-disk flavors boot only from volume unless an admin asks (create:zero_disk_flavor). */
export function checkZeroDisk(
  auth: AuthContext,
  flavor: FlavorRecord,
  volumeBacked: boolean,
): void {
  if (flavor.root_gb === 0 && !volumeBacked && !isAdmin(auth))
    throw new ForbiddenError('Only volume-backed servers are allowed for flavors with zero disk.', {
      type: 'BootFromVolumeRequiredForZeroDiskFlavor',
    })
}

export async function checkKeypair(
  ctx: ComputeContext,
  auth: AuthContext,
  name: string,
): Promise<KeyPairRow> {
  const kp = await findKeypair(ctx.db, auth.userId, name)
  if (!kp) throw new BadRequestError('Invalid key_name provided.', { type: 'KeypairNotFound' })
  return kp
}

/** Requested groups → ids in the project; 'default' stays a name (Neutron creates it on demand). */
export async function checkSecurityGroups(
  ctx: ComputeContext,
  projectId: string,
  names: readonly string[],
): Promise<string[]> {
  const out: string[] = []
  for (const name of names) {
    if (name === 'default') {
      out.push(name)
      continue
    }
    const rows = await ctx.db
      .selectFrom('security_groups')
      .select(['id', 'name'])
      .where('project_id', '=', projectId)
      .where((eb) => eb.or([eb('id', '=', name), eb('name', '=', name)]))
      .execute()
    const byId = rows.find((r) => r.id === name)
    if (!byId && rows.length > 1)
      throw new ConflictError(
        `Multiple security_group matches found for name '${name}', use an ID to be more specific.`,
        { type: 'NoUniqueMatch' },
      )
    const match = byId ?? rows[0]
    if (!match)
      throw new BadRequestError(`Security group ${name} not found.`, {
        type: 'SecurityGroupNotFound',
      })
    out.push(match.id)
  }
  return [...new Set(out)]
}

/**
 * Nova's validate_networks: named networks and ports exist and are usable,
 * ports are free, and 'auto' (or no networks before 2.37) is unambiguous.
 * Returns what the conductor should allocate.
 */
export async function checkNetworks(
  ctx: ComputeContext,
  auth: AuthContext,
  req: CreateServerRequest,
  explicitAuto: boolean,
): Promise<RequestedNetworks> {
  const requested = req.networks
  if (requested === 'none') return 'none'
  const net = ctx.network
  if (!net) {
    if (requested === 'auto' && !explicitAuto) return 'none'
    throw new BadRequestError('Networks were requested but this cloud runs no network service.')
  }
  if (requested === 'auto') {
    const rows = await visibleNetworksQuery(net.db, {
      ...auth,
      roles: auth.roles.filter((r) => r !== 'admin'),
    })
      .where('networks.router_external', '=', 0)
      .execute()
    const project = auth.project?.id
    const own = rows.filter((r) => r.project_id === project)
    const usable = own.length > 0 ? own : rows.filter((r) => r.shared === 1)
    if (usable.length > 1)
      throw new ConflictError(
        'Multiple possible networks found, use a Network ID to be more specific.',
        { type: 'NetworkAmbiguous' },
      )
    if (usable.length === 0) {
      if (!explicitAuto) return 'none'
      throw new BadRequestError(
        `Unable to automatically allocate a network for project ${project}`,
        {
          type: 'UnableToAutoAllocateNetwork',
        },
      )
    }
    return 'auto'
  }
  for (const n of requested) {
    if (n.port !== undefined) {
      if (req.maxCount > 1)
        throw new BadRequestError(
          'Unable to launch multiple instances with a single configured port ID. Please launch your instance one by one with different ports.',
          { type: 'MultiplePortsNotApplicable' },
        )
      const port = await loadPort(net.db, n.port)
      const visible =
        port &&
        (isAdmin(auth) ||
          port.row.project_id === auth.project?.id ||
          (await findVisibleNetwork(net.db, auth, port.row.network_id))?.project_id ===
            auth.project?.id)
      if (!port || !visible)
        throw new BadRequestError(`Port id ${n.port} could not be found.`, { type: 'PortNotFound' })
      if (port.row.device_id !== '')
        throw new ConflictError(`Port ${n.port} is still in use.`, { type: 'PortInUse' })
      continue
    }
    const network =
      n.uuid === undefined ? undefined : await findVisibleNetwork(net.db, auth, n.uuid)
    if (!network)
      throw new BadRequestError(`Network ${n.uuid} could not be found.`, {
        type: 'NetworkNotFound',
      })
    if (network.router_external === 1 && network.shared === 0 && !isAdmin(auth))
      throw new ForbiddenError(
        `It is not allowed to create an interface on external network ${network.id}`,
        { type: 'ExternalNetworkAttachForbidden' },
      )
    if (n.fixedIp !== undefined) {
      if (req.maxCount > 1)
        throw new BadRequestError(
          'Unable to launch multiple instances with a single configured fixed IP address. Please launch your instance one by one with different fixed IP addresses.',
          { type: 'InvalidFixedIpAndMaxCountRequest' },
        )
      const taken = await net.db
        .selectFrom('ip_allocations')
        .select('port_id')
        .where('network_id', '=', network.id)
        .where('ip_address', '=', n.fixedIp)
        .executeTakeFirst()
      if (taken)
        throw new BadRequestError(`Fixed IP address ${n.fixedIp} is already in use on instance .`, {
          type: 'FixedIpAlreadyInUse',
        })
    }
  }
  return requested
}
