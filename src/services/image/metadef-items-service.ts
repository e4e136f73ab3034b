import type { AuthContext } from '../../common/auth-context.js'
import { BadRequestError, ConflictError, NotFoundError } from '../../common/errors.js'
import * as repo from '../../db/repositories/image/metadefs.js'
import type { ItemTable } from '../../db/repositories/image/metadefs.js'
import type { ImageContext } from './image-context.js'
import { enforceMetadefAdmin, visibleNamespace, type Body } from './metadef-access.js'

/** What an item kind is called in Glance's messages. */
const KIND: Readonly<Record<ItemTable, string>> = {
  metadef_properties: 'property',
  metadef_objects: 'object',
  metadef_tags: 'tag',
}

/** Validates an item body; properties need title and type, objects and tags a name. */
function itemBody(table: ItemTable, b: unknown): { name: string; body: Body } {
  if (typeof b !== 'object' || b === null || Array.isArray(b))
    throw new BadRequestError('Body expected in request.')
  const rest: Body = { ...(b as Body) }
  const name = rest['name']
  // Read-only fields a client may echo back from a GET.
  for (const k of ['name', 'created_at', 'updated_at', 'schema', 'self']) delete rest[k]
  if (typeof name !== 'string' || name === '')
    throw new BadRequestError(
      'Invalid input for field/attribute name. Value: None. Mandatory field missing.',
    )
  if (name.length > 255)
    throw new BadRequestError(`Invalid input for field/attribute name: '${name}' is too long`)
  if (table === 'metadef_properties') {
    for (const k of ['title', 'type']) {
      if (typeof rest[k] !== 'string')
        throw new BadRequestError(
          `Invalid input for field/attribute ${k}. Value: None. Mandatory field missing.`,
        )
    }
    if (
      !['array', 'boolean', 'integer', 'number', 'object', 'string'].includes(
        rest['type'] as string,
      )
    ) {
      throw new BadRequestError(
        `Invalid input for field/attribute type: '${String(rest['type'])}' is not a valid property type`,
      )
    }
  }
  if (table === 'metadef_tags') return { name, body: {} }
  return { name, body: rest }
}

export async function createItem(
  ctx: ImageContext,
  auth: AuthContext,
  table: ItemTable,
  ns: string,
  b: unknown,
): Promise<repo.ItemRecord> {
  await visibleNamespace(ctx, auth, ns)
  enforceMetadefAdmin(auth)
  const { name, body } = itemBody(table, b)
  if (!(await repo.insertItem(ctx.db, table, ns, name, body))) {
    throw new ConflictError(
      `A metadata definition ${KIND[table]} with name=${name} already exists in namespace=${ns}.`,
    )
  }
  return (await repo.getItem(ctx.db, table, ns, name))!
}

export async function getItem(
  ctx: ImageContext,
  auth: AuthContext,
  table: ItemTable,
  ns: string,
  name: string,
): Promise<repo.ItemRecord> {
  await visibleNamespace(ctx, auth, ns)
  const item = await repo.getItem(ctx.db, table, ns, name)
  if (!item)
    throw new NotFoundError(
      `The metadata definition ${KIND[table]} with name=${name} was not found in namespace=${ns}.`,
    )
  return item
}

export async function updateItem(
  ctx: ImageContext,
  auth: AuthContext,
  table: ItemTable,
  ns: string,
  name: string,
  b: unknown,
): Promise<repo.ItemRecord> {
  await getItem(ctx, auth, table, ns, name)
  enforceMetadefAdmin(auth)
  const next = itemBody(table, b)
  if (!(await repo.updateItem(ctx.db, table, ns, name, next))) {
    throw new ConflictError(
      `A metadata definition ${KIND[table]} with name=${next.name} already exists in namespace=${ns}.`,
    )
  }
  return (await repo.getItem(ctx.db, table, ns, next.name))!
}

export async function deleteItem(
  ctx: ImageContext,
  auth: AuthContext,
  table: ItemTable,
  ns: string,
  name?: string,
): Promise<void> {
  if (name !== undefined) await getItem(ctx, auth, table, ns, name)
  else await visibleNamespace(ctx, auth, ns)
  enforceMetadefAdmin(auth)
  await repo.deleteItems(ctx.db, table, ns, name)
}

/** POST /namespaces/{ns}/tags: replaces the tag set (unless X-Openstack-Append) with a list of names. */
export async function createTags(
  ctx: ImageContext,
  auth: AuthContext,
  ns: string,
  b: unknown,
  append: boolean,
): Promise<repo.ItemRecord[]> {
  await visibleNamespace(ctx, auth, ns)
  enforceMetadefAdmin(auth)
  const tags = (b as Body | null)?.['tags']
  if (!Array.isArray(tags))
    throw new BadRequestError(
      'Invalid input for field/attribute tags. Value: None. Mandatory field missing.',
    )
  const names = tags.map((t) => itemBody('metadef_tags', t).name)
  if (new Set(names).size !== names.length)
    throw new ConflictError(
      `A metadata tag with name=${names.find((n, i) => names.indexOf(n) !== i)} already exists in namespace=${ns}.`,
    )
  if (!append) await repo.deleteItems(ctx.db, 'metadef_tags', ns)
  for (const name of names) {
    if (!(await repo.insertItem(ctx.db, 'metadef_tags', ns, name, {}))) {
      throw new ConflictError(`A metadata tag with name=${name} already exists in namespace=${ns}.`)
    }
  }
  return (await repo.listItems(ctx.db, 'metadef_tags', ns)).filter((t) => names.includes(t.name))
}

export async function associate(
  ctx: ImageContext,
  ns: string,
  b: Body,
): Promise<repo.AssociationRecord> {
  const name = b['name']
  if (typeof name !== 'string' || name === '')
    throw new BadRequestError(
      'Invalid input for field/attribute name. Value: None. Mandatory field missing.',
    )
  const a = {
    name,
    prefix: (b['prefix'] as string | undefined) ?? null,
    propertiesTarget: (b['properties_target'] as string | undefined) ?? null,
  }
  if (!(await repo.addAssociation(ctx.db, ns, a))) {
    throw new ConflictError(
      `The metadata definition resource-type association of resource-type=${name} to namespace=${ns}, already exists.`,
    )
  }
  return (await repo.listAssociations(ctx.db, ns)).find((x) => x.name === name)!
}

export async function createAssociation(
  ctx: ImageContext,
  auth: AuthContext,
  ns: string,
  b: unknown,
): Promise<repo.AssociationRecord> {
  await visibleNamespace(ctx, auth, ns)
  enforceMetadefAdmin(auth)
  if (typeof b !== 'object' || b === null) throw new BadRequestError('Body expected in request.')
  return associate(ctx, ns, b as Body)
}

export async function deleteAssociation(
  ctx: ImageContext,
  auth: AuthContext,
  ns: string,
  name: string,
): Promise<void> {
  await visibleNamespace(ctx, auth, ns)
  enforceMetadefAdmin(auth)
  if (!(await repo.removeAssociation(ctx.db, ns, name))) {
    throw new NotFoundError(
      `The metadata definition resource-type association of resource-type=${name} to namespace=${ns}, was not found.`,
    )
  }
}
