import type { AuthContext } from '../../common/auth-context.js'
import { BadRequestError, NotFoundError } from '../../common/errors.js'
import type { Db } from '../../db/database.js'
import {
  addTag,
  allTagsOfType,
  removeAllTags,
  removeTag,
  replaceTags,
  taggableOwner,
  tagsByResource,
} from '../../db/repositories/network/tags.js'
import type { NetworkContext } from './network-context.js'
import { forbid, ownsOrAdmin } from './policy.js'
import { findVisibleNetwork } from './visibility.js'

/**
 * The resource types that carry tags (Neutron's standard-attr-tag), keyed by
 * the URL collection. The value is what network_tags.resource_type stores.
 */
export const TAG_RESOURCES = {
  networks: 'network',
  subnets: 'subnet',
  ports: 'port',
  routers: 'router',
  'security-groups': 'security_group',
  floatingips: 'floatingip',
  subnetpools: 'subnetpool',
} as const
export type TagCollection = keyof typeof TAG_RESOURCES
export type TagResourceType = (typeof TAG_RESOURCES)[TagCollection]

/** The sorted tags of one resource, for its view's `tags`. */
export async function resourceTags(db: Db, type: TagResourceType, id: string): Promise<string[]> {
  return (await tagsByResource(db, type, [id])).get(id) ?? []
}

/**
 * Tags of many resources at once, for list views: `map.get(id) ?? []`.
 * Large lists read all tags of the type in one query instead of an IN list.
 */
export async function resourcesTags(
  db: Db,
  type: TagResourceType,
  ids: readonly string[],
): Promise<Map<string, string[]>> {
  return ids.length > 1000 ? allTagsOfType(db, type) : tagsByResource(db, type, ids)
}

/** Call inside the resource's delete transaction so no orphan tags remain. */
export async function deleteResourceTags(db: Db, type: TagResourceType, id: string): Promise<void> {
  await removeAllTags(db, type, id)
}

/**
 * The parent of a tags request if the caller may see it: its owner, an
 * admin, or (for reads) anyone the network / subnet pool is shared with.
 * Writes by a project that only sees a shared resource → 403 (Neutron's
 * update_<resource>:tags policy is admin_or_owner); unseen → 404.
 */
async function checkParent(
  db: Db,
  auth: AuthContext,
  type: TagResourceType,
  id: string,
  write: boolean,
): Promise<void> {
  const notFound = (): NotFoundError =>
    new NotFoundError(`Resource ${type} ${id} could not be found.`, { type: 'TagResourceNotFound' })
  const owner = await taggableOwner(db, type, id)
  if (!owner) throw notFound()
  if (ownsOrAdmin(auth, owner.project_id)) return
  let visible = false
  if (type === 'network') visible = (await findVisibleNetwork(db, auth, id)) !== undefined
  else if (type === 'subnet' && owner.network_id)
    visible = (await findVisibleNetwork(db, auth, owner.network_id)) !== undefined
  else if (type === 'subnetpool') visible = owner.shared === 1
  if (!visible) throw notFound()
  if (write) forbid(`update_${type}:tags`)
}

function validTag(tag: string): string {
  if (tag.length > MAX_TAG_LEN) {
    throw new BadRequestError(
      `Invalid input for operation: '${tag}' exceeds maximum length of ${MAX_TAG_LEN}.`,
      {
        type: 'InvalidInput',
      },
    )
  }
  return tag
}

const MAX_TAG_LEN = 255

export async function listTags(
  ctx: NetworkContext,
  auth: AuthContext,
  type: TagResourceType,
  id: string,
): Promise<string[]> {
  await checkParent(ctx.db, auth, type, id, false)
  return resourceTags(ctx.db, type, id)
}

/** 404 TagNotFound when the resource does not carry the tag. */
export async function checkTag(
  ctx: NetworkContext,
  auth: AuthContext,
  type: TagResourceType,
  id: string,
  tag: string,
): Promise<void> {
  validTag(tag)
  await checkParent(ctx.db, auth, type, id, false)
  if (!(await resourceTags(ctx.db, type, id)).includes(tag)) throw tagNotFound(tag)
}

const tagNotFound = (tag: string): NotFoundError =>
  new NotFoundError(`Tag ${tag} could not be found.`, { type: 'TagNotFound' })

export async function putTag(
  ctx: NetworkContext,
  auth: AuthContext,
  type: TagResourceType,
  id: string,
  tag: string,
): Promise<void> {
  validTag(tag)
  await ctx.db.transaction().execute(async (trx) => {
    await checkParent(trx, auth, type, id, true)
    await addTag(trx, type, id, tag)
  })
}

/** PUT …/tags {"tags": [...]}: a list of unique strings replaces the resource's tags. */
export async function putAllTags(
  ctx: NetworkContext,
  auth: AuthContext,
  type: TagResourceType,
  id: string,
  body: unknown,
): Promise<string[]> {
  const tags = (body as { tags?: unknown } | null | undefined)?.tags
  if (typeof body !== 'object' || body === null || tags === undefined) {
    throw new BadRequestError('Invalid input for operation: Invalid tags body.', {
      type: 'InvalidInput',
    })
  }
  if (!Array.isArray(tags)) {
    throw new BadRequestError(
      `Invalid input for operation: '${JSON.stringify(tags)}' is not a list.`,
      { type: 'InvalidInput' },
    )
  }
  for (const t of tags) {
    if (typeof t !== 'string') {
      throw new BadRequestError(
        `Invalid input for operation: '${String(t)}' is not a valid string.`,
        { type: 'InvalidInput' },
      )
    }
    validTag(t)
  }
  if (new Set(tags).size !== tags.length) {
    throw new BadRequestError(
      `Invalid input for operation: Duplicate items in the list: '${tags.join(', ')}'.`,
      {
        type: 'InvalidInput',
      },
    )
  }
  await ctx.db.transaction().execute(async (trx) => {
    await checkParent(trx, auth, type, id, true)
    await replaceTags(trx, type, id, tags as string[])
  })
  return resourceTags(ctx.db, type, id)
}

export async function deleteTag(
  ctx: NetworkContext,
  auth: AuthContext,
  type: TagResourceType,
  id: string,
  tag: string,
): Promise<void> {
  validTag(tag)
  await ctx.db.transaction().execute(async (trx) => {
    await checkParent(trx, auth, type, id, true)
    if (!(await removeTag(trx, type, id, tag))) throw tagNotFound(tag)
  })
}

export async function deleteAllTags(
  ctx: NetworkContext,
  auth: AuthContext,
  type: TagResourceType,
  id: string,
): Promise<void> {
  await ctx.db.transaction().execute(async (trx) => {
    await checkParent(trx, auth, type, id, true)
    await removeAllTags(trx, type, id)
  })
}
