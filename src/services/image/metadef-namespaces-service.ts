import type { AuthContext } from '../../common/auth-context.js'
import { BadRequestError, ConflictError, ForbiddenError } from '../../common/errors.js'
import * as repo from '../../db/repositories/image/metadefs.js'
import type { NamespaceRecord } from '../../db/repositories/image/metadefs.js'
import type { ImageContext } from './image-context.js'
import { isAdmin, projectOf } from './image-policy.js'
import { enforceMetadefAdmin, nsNotFound, visibleNamespace, type Body } from './metadef-access.js'
import { associate, createItem } from './metadef-items-service.js'

function str(b: Body, key: string, max?: number): string | null {
  const v = b[key]
  if (v === undefined || v === null) return null
  if (typeof v !== 'string')
    throw new BadRequestError(
      `Invalid input for field/attribute ${key}. Value: ${JSON.stringify(v)}. Wrong type. Expected 'str'`,
    )
  if (max !== undefined && v.length > max)
    throw new BadRequestError(`Invalid input for field/attribute ${key}: '${v}' is too long`)
  return v
}

/** Namespace fields from a POST or PUT body (defaults: private, unprotected). */
export function namespaceFields(
  auth: AuthContext,
  b: unknown,
  owner?: string | null,
): repo.NamespaceFields {
  if (typeof b !== 'object' || b === null || Array.isArray(b))
    throw new BadRequestError('Body expected in request.')
  const body = b as Body
  const namespace = str(body, 'namespace', 80)
  if (!namespace)
    throw new BadRequestError(
      'Invalid input for field/attribute namespace. Value: None. Mandatory field missing.',
    )
  const visibility = str(body, 'visibility') ?? 'private'
  if (!['public', 'private'].includes(visibility))
    throw new BadRequestError(
      `Invalid input for field/attribute visibility: '${visibility}' is not one of ['public', 'private']`,
    )
  const prot = body['protected'] ?? false
  if (typeof prot !== 'boolean')
    throw new BadRequestError(
      "Invalid input for field/attribute protected. Wrong type. Expected 'bool'",
    )
  return {
    namespace,
    displayName: str(body, 'display_name', 80),
    description: str(body, 'description', 500),
    visibility,
    protected: prot,
    owner: owner !== undefined ? owner : (str(body, 'owner', 255) ?? projectOf(auth) ?? null),
  }
}

/** POST /v2/metadefs/namespaces, with the properties, objects, tags and associations it carries. */
export async function createNamespace(
  ctx: ImageContext,
  auth: AuthContext,
  body: unknown,
): Promise<NamespaceRecord> {
  enforceMetadefAdmin(auth)
  const fields = namespaceFields(auth, body)
  if (!(await repo.insertNamespace(ctx.db, fields))) {
    throw new ConflictError(`The metadata definition namespace=${fields.namespace} already exists.`)
  }
  const b = body as Body
  try {
    for (const a of (b['resource_type_associations'] as Body[] | undefined) ?? [])
      await associate(ctx, fields.namespace, a)
    for (const [name, p] of Object.entries(
      (b['properties'] as Record<string, Body> | undefined) ?? {},
    )) {
      await createItem(ctx, auth, 'metadef_properties', fields.namespace, { ...p, name })
    }
    for (const o of (b['objects'] as Body[] | undefined) ?? [])
      await createItem(ctx, auth, 'metadef_objects', fields.namespace, o)
    for (const t of (b['tags'] as Body[] | undefined) ?? [])
      await createItem(ctx, auth, 'metadef_tags', fields.namespace, t)
  } catch (err) {
    await repo.deleteNamespace(ctx.db, fields.namespace)
    throw err
  }
  return (await repo.getNamespace(ctx.db, fields.namespace))!
}

export async function updateNamespace(
  ctx: ImageContext,
  auth: AuthContext,
  name: string,
  body: unknown,
): Promise<NamespaceRecord> {
  const ns = await visibleNamespace(ctx, auth, name)
  enforceMetadefAdmin(auth)
  const fields = namespaceFields(auth, body, ns.owner)
  if (!(await repo.updateNamespace(ctx.db, name, fields))) {
    throw new ConflictError(`The metadata definition namespace=${fields.namespace} already exists.`)
  }
  return (await repo.getNamespace(ctx.db, fields.namespace))!
}

export async function deleteNamespace(
  ctx: ImageContext,
  auth: AuthContext,
  name: string,
): Promise<void> {
  const ns = await visibleNamespace(ctx, auth, name)
  enforceMetadefAdmin(auth)
  if (ns.protected)
    throw new ForbiddenError(
      `Metadata definition namespace ${name} is protected and cannot be deleted.`,
    )
  await repo.deleteNamespace(ctx.db, name)
}

/** A namespace with everything in it (GET /namespaces/{ns}). */
export interface NamespaceDetail {
  readonly namespace: NamespaceRecord
  readonly properties: repo.ItemRecord[]
  readonly objects: repo.ItemRecord[]
  readonly tags: repo.ItemRecord[]
  readonly associations: repo.AssociationRecord[]
}

export async function namespaceDetail(
  ctx: ImageContext,
  auth: AuthContext,
  name: string,
): Promise<NamespaceDetail> {
  const namespace = await visibleNamespace(ctx, auth, name)
  const [properties, objects, tags, associations] = await Promise.all([
    repo.listItems(ctx.db, 'metadef_properties', name),
    repo.listItems(ctx.db, 'metadef_objects', name),
    repo.listItems(ctx.db, 'metadef_tags', name),
    repo.listAssociations(ctx.db, name),
  ])
  return { namespace, properties, objects, tags, associations }
}

/** GET /v2/metadefs/namespaces: visible namespaces, newest first, with filters and marker paging. */
export async function listNamespaces(
  ctx: ImageContext,
  auth: AuthContext,
  q: {
    limit?: string | undefined
    marker?: string | undefined
    visibility?: string | undefined
    resource_types?: string | undefined
    sort_dir?: string | undefined
  },
): Promise<{ namespaces: NamespaceDetail[]; next: string | undefined }> {
  let limit = 25
  if (q.limit !== undefined) {
    if (!/^\d+$/.test(q.limit)) throw new BadRequestError('limit param must be an integer')
    limit = Math.min(Number(q.limit), ctx.config.image.api_limit_max)
  }
  if (q.visibility !== undefined && !['public', 'private'].includes(q.visibility))
    throw new BadRequestError(`Invalid visibility value: ${q.visibility}`)
  const dir = q.sort_dir ?? 'desc'
  if (dir !== 'asc' && dir !== 'desc') throw new BadRequestError(`Invalid sort direction: ${dir}`)
  const wanted = q.resource_types
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean)
  const project = projectOf(auth)
  let all = (await repo.listNamespaces(ctx.db)).filter(
    (n) => n.visibility === 'public' || isAdmin(auth) || (n.owner !== null && n.owner === project),
  )
  if (q.visibility) all = all.filter((n) => n.visibility === q.visibility)
  const details: NamespaceDetail[] = []
  for (const n of all) details.push(await namespaceDetail(ctx, auth, n.namespace))
  let list = wanted?.length
    ? details.filter((d) => d.associations.some((a) => wanted.includes(a.name)))
    : details
  list.sort(
    (a, b) =>
      (a.namespace.createdAt < b.namespace.createdAt
        ? -1
        : a.namespace.createdAt > b.namespace.createdAt
          ? 1
          : 0) * (dir === 'asc' ? 1 : -1),
  )
  if (q.marker !== undefined) {
    const i = list.findIndex((d) => d.namespace.namespace === q.marker)
    if (i < 0) throw nsNotFound(q.marker)
    list = list.slice(i + 1)
  }
  const page = list.slice(0, limit)
  return {
    namespaces: page,
    next:
      page.length === limit && list.length > limit ? page.at(-1)?.namespace.namespace : undefined,
  }
}
