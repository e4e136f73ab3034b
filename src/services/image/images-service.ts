import { randomUUID } from 'node:crypto'
import type { AuthContext } from '../../common/auth-context.js'
import {
  BadRequestError,
  ConflictError,
  ForbiddenError,
  NotFoundError,
  PayloadTooLargeError,
} from '../../common/errors.js'
import * as images from '../../db/repositories/image/images.js'
import { getMember } from '../../db/repositories/image/members.js'
import type { ImageRecord } from '../../db/repositories/image/rows.js'
import type { ImageContext } from './image-context.js'
import {
  canSee,
  canWrite,
  enforceModify,
  enforceVisibility,
  imageNotFound,
  isAdmin,
  projectOf,
} from './image-policy.js'
import { assertImageValid } from './image-schema.js'
import { checkProperties, checkTags, RESERVED_PREFIX } from './image-rules.js'

const DISALLOWED = ['direct_url', 'self', 'file', 'schema', 'stores']
const READ_ONLY = [
  'created_at',
  'updated_at',
  'status',
  'checksum',
  'size',
  'virtual_size',
  'os_hash_algo',
  'os_hash_value',
]
const RESERVED = ['location', 'locations', 'deleted', 'deleted_at']

/** An image the caller may see, or 404 (never 403: existence is not disclosed). */
export async function loadVisible(
  ctx: ImageContext,
  auth: AuthContext,
  id: string,
): Promise<ImageRecord> {
  const image = await images.findImage(ctx.db, id)
  if (!image) throw imageNotFound(id)
  const project = projectOf(auth)
  const member =
    image.visibility === 'shared' &&
    project !== undefined &&
    !!(await getMember(ctx.db, id, project))
  if (!canSee(auth, image, member)) throw imageNotFound(id)
  return image
}

/** POST /v2/images: validates like Glance's deserializer and ImageFactory, then stores a queued image. */
export async function createImage(
  ctx: ImageContext,
  auth: AuthContext,
  body: unknown,
): Promise<ImageRecord> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new BadRequestError(
      `Provided object does not match schema 'image': ${JSON.stringify(body)} is not of type 'object'`,
    )
  }
  const input = body as Record<string, unknown>
  for (const key of DISALLOWED)
    if (key in input) throw new ForbiddenError(`Attribute '${key}' is read-only.`)
  assertImageValid(ctx.schema, input)
  for (const key of READ_ONLY)
    if (key in input) throw new ForbiddenError(`Attribute '${key}' is read-only.`)
  const {
    id,
    name,
    disk_format,
    container_format,
    visibility,
    protected: prot,
    os_hidden,
    min_disk,
    min_ram,
    owner,
    tags,
    ...extra
  } = input
  for (const key of Object.keys(extra)) {
    if (key.length > 255)
      throw new BadRequestError('Custom property should not be greater than 255 characters.')
    if (RESERVED.includes(key) || key.startsWith(RESERVED_PREFIX))
      throw new ForbiddenError(`Attribute '${key}' is reserved.`)
  }
  if (!canWrite(auth))
    throw new ForbiddenError('You are not authorized to complete add_image action.')
  const project = projectOf(auth)
  const imageOwner = owner === undefined ? (project ?? null) : (owner as string | null)
  if (!isAdmin(auth) && imageOwner !== project)
    throw new ForbiddenError('You are not authorized to complete add_image action.')
  enforceVisibility(auth, visibility)
  for (const [k, v] of [
    ['min_disk', min_disk],
    ['min_ram', min_ram],
  ] as const) {
    if (typeof v === 'number' && v < 0)
      throw new BadRequestError(
        `Invalid value '${v}' for parameter '${k}': Cannot be a negative value`,
      )
  }
  const properties = Object.fromEntries(
    Object.entries(extra).filter(([, v]) => v !== null),
  ) as Record<string, string>
  const tagList = [...new Set((tags as string[] | undefined) ?? [])]
  checkProperties(ctx, Object.keys(properties).length)
  checkTags(ctx, tagList.length)
  if (imageOwner !== null && ctx.config.image.image_count_quota >= 0) {
    const { count } = await images.usageOf(ctx.db, imageOwner)
    if (count >= ctx.config.image.image_count_quota) {
      throw new PayloadTooLargeError(
        `Maximum number of images exceeded: project ${imageOwner} may own ${ctx.config.image.image_count_quota} images.`,
      )
    }
  }
  const imageId = (id as string | undefined) ?? randomUUID()
  if (await images.imageIdTaken(ctx.db, imageId))
    throw new ConflictError(`Image with identifier ${imageId} already exists!`)
  await images.insertImage(ctx.db, {
    id: imageId,
    status: 'queued',
    visibility: (visibility as string | undefined) ?? 'shared',
    name: (name as string | null | undefined) ?? null,
    diskFormat: (disk_format as string | null | undefined) ?? null,
    containerFormat: (container_format as string | null | undefined) ?? null,
    protected: prot === true,
    osHidden: os_hidden === true,
    minDisk: (min_disk as number | undefined) ?? 0,
    minRam: (min_ram as number | undefined) ?? 0,
    owner: imageOwner,
    properties,
    tags: tagList,
  })
  return (await images.findImage(ctx.db, imageId))!
}

/** POST /actions/deactivate and /reactivate. */
export async function setActivation(
  ctx: ImageContext,
  auth: AuthContext,
  id: string,
  active: boolean,
): Promise<void> {
  const image = await loadVisible(ctx, auth, id)
  enforceModify(auth, image, active ? 'reactivate' : 'deactivate')
  const [from, to] = active ? ['deactivated', 'active'] : ['active', 'deactivated']
  if (image.status === to) return
  if (image.status !== from) {
    throw new ForbiddenError(
      `Not allowed to ${active ? 'reactivate' : 'deactivate'} image in status '${image.status}'`,
    )
  }
  await images.updateImage(ctx.db, id, { status: to }, { fromStatus: [from] })
}

/** PUT /v2/images/{id}/tags/{tag}. */
export async function addImageTag(
  ctx: ImageContext,
  auth: AuthContext,
  id: string,
  tag: string,
): Promise<void> {
  if ([...tag].length > 255)
    throw new BadRequestError(`Provided object does not match schema 'image': '${tag}' is too long`)
  const image = await loadVisible(ctx, auth, id)
  enforceModify(auth, image)
  if (!image.tags.includes(tag)) checkTags(ctx, image.tags.length + 1)
  await images.addTag(ctx.db, id, tag)
}

/** DELETE /v2/images/{id}/tags/{tag}. */
export async function removeImageTag(
  ctx: ImageContext,
  auth: AuthContext,
  id: string,
  tag: string,
): Promise<void> {
  const image = await loadVisible(ctx, auth, id)
  enforceModify(auth, image)
  if (!(await images.removeTag(ctx.db, id, tag)))
    throw new NotFoundError(`Tag ${tag} not found on image ${id}.`)
}
