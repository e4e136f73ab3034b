import type { AuthContext } from '../../common/auth-context.js'
import { BadRequestError, ConflictError, ForbiddenError } from '../../common/errors.js'
import * as images from '../../db/repositories/image/images.js'
import type { ImageFields, ImageRecord } from '../../db/repositories/image/rows.js'
import type { ImageContext } from './image-context.js'
import type { Change } from './image-patch.js'
import { enforceModify, enforceVisibility, isAdmin } from './image-policy.js'
import { checkProperties, checkTags } from './image-rules.js'
import { applyLocationChange, saveLocations, type LocationDraft } from './locations-service.js'
import { loadVisible } from './images-service.js'

/** Image attributes a PATCH may touch, by wire name → field. */
const ATTRS: Readonly<Record<string, keyof ImageFields | 'tags'>> = {
  name: 'name',
  visibility: 'visibility',
  protected: 'protected',
  os_hidden: 'osHidden',
  min_disk: 'minDisk',
  min_ram: 'minRam',
  owner: 'owner',
  disk_format: 'diskFormat',
  container_format: 'containerFormat',
  tags: 'tags',
}

/** The image being edited: changes apply to this copy, then are saved at once. */
export interface Draft {
  readonly image: ImageRecord
  fields: Record<string, unknown>
  properties: Record<string, string>
  tags: string[]
  locations: LocationDraft[] | undefined
}

function setAttr(auth: AuthContext, d: Draft, root: string, value: unknown): void {
  const field = ATTRS[root]!
  if (root === 'owner' && !isAdmin(auth))
    throw new ForbiddenError("Owner can't be updated by non admin.")
  if (root === 'visibility') enforceVisibility(auth, value)
  if (
    (root === 'disk_format' || root === 'container_format') &&
    !['queued', 'importing'].includes(d.image.status)
  ) {
    throw new ForbiddenError(`Attribute ${root} can be only replaced for a queued image.`)
  }
  if ((root === 'min_disk' || root === 'min_ram') && typeof value === 'number' && value < 0) {
    throw new BadRequestError(
      `Invalid value '${value}' for parameter '${root}': Cannot be a negative value`,
    )
  }
  if (field === 'tags') d.tags = [...new Set(value as string[])]
  else d.fields[field] = value
}

async function apply(auth: AuthContext, d: Draft, c: Change, ctx: ImageContext): Promise<void> {
  const root = c.path[0]!
  if (root === 'locations') {
    await applyLocationChange(ctx, auth, d, c)
    return
  }
  const isAttr = root in ATTRS
  if (c.op === 'remove') {
    if (isAttr) throw new ForbiddenError(`Property ${root} may not be removed.`)
    if (!(root in d.properties)) throw new ConflictError(`Property ${root} does not exist.`)
    delete d.properties[root]
    return
  }
  if (c.op === 'replace' && !isAttr && !(root in d.properties))
    throw new ConflictError(`Property ${root} does not exist.`)
  if (c.op === 'add' && c.draft === 4 && (isAttr || root in d.properties))
    throw new ConflictError(`Property ${root} already present.`)
  if (isAttr) setAttr(auth, d, root, c.value)
  else if (c.value === null) delete d.properties[root]
  else d.properties[root] = c.value as string
}

/** PATCH /v2/images/{id}: applies every change to a draft, checks quotas, saves once. */
export async function updateImage(
  ctx: ImageContext,
  auth: AuthContext,
  id: string,
  changes: readonly Change[],
): Promise<ImageRecord> {
  const image = await loadVisible(ctx, auth, id)
  if (changes.length === 0) return image
  enforceModify(auth, image)
  const d: Draft = {
    image,
    fields: {},
    properties: { ...image.properties },
    tags: [...image.tags],
    locations: undefined,
  }
  for (const c of changes) await apply(auth, d, c, ctx)
  const added = Object.keys(d.properties).filter((k) => !(k in image.properties))
  if (added.length) checkProperties(ctx, Object.keys(d.properties).length)
  if (d.tags.length > image.tags.length) checkTags(ctx, d.tags.length)
  const removed = Object.keys(image.properties).filter((k) => !(k in d.properties))
  const set = Object.fromEntries(
    Object.entries(d.properties).filter(([k, v]) => image.properties[k] !== v),
  )
  if (Object.keys(d.fields).length) await images.updateImage(ctx.db, id, d.fields)
  if (removed.length || Object.keys(set).length)
    await images.changeProperties(ctx.db, id, set, removed)
  if (d.tags.join('\n') !== image.tags.join('\n')) await images.replaceTags(ctx.db, id, d.tags)
  if (d.locations) await saveLocations(ctx, d)
  return (await images.findImage(ctx.db, id))!
}
