import type { AuthContext } from '../../common/auth-context.js'
import { isAdmin } from '../../common/auth-context.js'
import {
  BadRequestError,
  ConflictError,
  ForbiddenError,
  NotFoundError,
} from '../../common/errors.js'
import { newUuid } from '../../common/ids.js'
import {
  addTypeProject,
  deleteTypeRow,
  extraSpecsOf,
  findTypeById,
  findTypeByName,
  insertType,
  listTypeRows,
  removeTypeProject,
  typeProjects,
  typesOfProject,
  updateTypeRow,
  type VolumeTypeRow,
} from '../../db/repositories/volume/types.js'
import { DEFAULT_TYPE_NAME, nowIso, type VolumeContext } from './volume-context.js'

export interface VolumeTypeRecord extends VolumeTypeRow {
  readonly extraSpecs: Record<string, string>
}

/** Creates __DEFAULT__ on first start, as Cinder's migration does. */
export async function ensureDefaultType(ctx: VolumeContext): Promise<void> {
  if (await findTypeByName(ctx.db, DEFAULT_TYPE_NAME)) return
  const now = nowIso()
  try {
    await insertType(ctx.db, {
      id: newUuid(),
      name: DEFAULT_TYPE_NAME,
      description: 'Default Volume Type',
      is_public: 1,
      created_at: now,
      updated_at: now,
    })
  } catch (err) {
    // Another process created it first.
    if (!(await findTypeByName(ctx.db, DEFAULT_TYPE_NAME))) throw err
  }
}

async function withSpecs(ctx: VolumeContext, rows: VolumeTypeRow[]): Promise<VolumeTypeRecord[]> {
  const specs = await extraSpecsOf(
    ctx.db,
    rows.map((r) => r.id),
  )
  return rows.map((r) => ({ ...r, extraSpecs: specs.get(r.id) ?? {} }))
}

async function canSee(ctx: VolumeContext, auth: AuthContext, row: VolumeTypeRow): Promise<boolean> {
  if (row.is_public === 1 || isAdmin(auth)) return true
  const pid = auth.project?.id
  return pid !== undefined && (await typesOfProject(ctx.db, pid)).has(row.id)
}

/** By id or name; private types only for admins and projects on the access list (else 404). */
export async function findVisibleType(
  ctx: VolumeContext,
  auth: AuthContext,
  idOrName: string,
): Promise<VolumeTypeRecord> {
  const row = (await findTypeById(ctx.db, idOrName)) ?? (await findTypeByName(ctx.db, idOrName))
  if (!row || !(await canSee(ctx, auth, row)))
    throw new NotFoundError(`Volume type ${idOrName} could not be found.`)
  return (await withSpecs(ctx, [row]))[0]!
}

export async function typeById(
  ctx: VolumeContext,
  id: string,
): Promise<VolumeTypeRecord | undefined> {
  const row = await findTypeById(ctx.db, id)
  return row ? (await withSpecs(ctx, [row]))[0] : undefined
}

export async function defaultType(ctx: VolumeContext): Promise<VolumeTypeRecord> {
  const name = ctx.conf.default_volume_type || DEFAULT_TYPE_NAME
  const row =
    (await findTypeByName(ctx.db, name)) ?? (await findTypeByName(ctx.db, DEFAULT_TYPE_NAME))
  if (!row) throw new NotFoundError(`Volume type ${name} could not be found.`)
  return (await withSpecs(ctx, [row]))[0]!
}

/** ?is_public=true|false|none as Cinder's types index reads it (admins only see private ones). */
export async function listTypes(
  ctx: VolumeContext,
  auth: AuthContext,
  isPublic: boolean | null | undefined,
): Promise<VolumeTypeRecord[]> {
  const rows = await listTypeRows(ctx.db)
  const admin = isAdmin(auth)
  const own = auth.project?.id ? await typesOfProject(ctx.db, auth.project.id) : new Set<string>()
  const out = rows.filter((r) => {
    if (!admin && r.is_public === 0 && !own.has(r.id)) return false
    if (isPublic === null) return true
    const want = isPublic ?? true
    if (admin) return want ? r.is_public === 1 : r.is_public === 0
    return want ? r.is_public === 1 || own.has(r.id) : r.is_public === 0
  })
  return withSpecs(ctx, out)
}

function requireAdmin(auth: AuthContext): void {
  if (!isAdmin(auth)) throw new ForbiddenError('Policy does not allow this operation.')
}

export async function createType(
  ctx: VolumeContext,
  auth: AuthContext,
  input: {
    name: string
    description?: string | null
    isPublic?: boolean
    extraSpecs?: Record<string, string>
  },
): Promise<VolumeTypeRecord> {
  requireAdmin(auth)
  const name = input.name.trim()
  if (name === '') throw new BadRequestError('Volume type name can not be empty.')
  if (await findTypeByName(ctx.db, name))
    throw new ConflictError(`Volume Type ${name} already exists.`)
  const now = nowIso()
  const id = newUuid()
  await ctx.db.transaction().execute(async (trx) => {
    await insertType(trx, {
      id,
      name,
      description: input.description ?? null,
      is_public: input.isPublic === false ? 0 : 1,
      created_at: now,
      updated_at: now,
    })
    for (const [key, value] of Object.entries(input.extraSpecs ?? {}))
      await trx.insertInto('volume_type_extra_specs').values({ type_id: id, key, value }).execute()
  })
  return (await typeById(ctx, id))!
}

export async function updateType(
  ctx: VolumeContext,
  auth: AuthContext,
  id: string,
  input: {
    name?: string | undefined
    description?: string | null | undefined
    isPublic?: boolean | undefined
  },
): Promise<VolumeTypeRecord> {
  requireAdmin(auth)
  const row = await findTypeById(ctx.db, id)
  if (!row) throw new NotFoundError(`Volume type ${id} could not be found.`)
  if (input.name !== undefined) {
    const name = input.name.trim()
    if (name === '') throw new BadRequestError('Volume type name can not be empty.')
    if (row.name === DEFAULT_TYPE_NAME && name !== row.name)
      throw new BadRequestError('The default volume type cannot be renamed.')
    const other = await findTypeByName(ctx.db, name)
    if (other && other.id !== id) throw new ConflictError(`Volume Type ${name} already exists.`)
  }
  await updateTypeRow(ctx.db, id, {
    ...(input.name !== undefined ? { name: input.name.trim() } : {}),
    ...(input.description !== undefined ? { description: input.description } : {}),
    ...(input.isPublic !== undefined ? { is_public: input.isPublic ? 1 : 0 } : {}),
  })
  return (await typeById(ctx, id))!
}

export async function deleteType(ctx: VolumeContext, auth: AuthContext, id: string): Promise<void> {
  requireAdmin(auth)
  const row = await findTypeById(ctx.db, id)
  if (!row) throw new NotFoundError(`Volume type ${id} could not be found.`)
  if (
    row.name === (ctx.conf.default_volume_type || DEFAULT_TYPE_NAME) ||
    row.name === DEFAULT_TYPE_NAME
  )
    throw new BadRequestError('Default volume type can not be deleted.')
  const inUse = await ctx.db
    .selectFrom('volumes')
    .select('id')
    .where('volume_type_id', '=', id)
    .executeTakeFirst()
  if (inUse) throw new BadRequestError(`Target volume type is still in use.`)
  await deleteTypeRow(ctx.db, id)
}

export async function typeAccessList(ctx: VolumeContext, auth: AuthContext, id: string) {
  requireAdmin(auth)
  const row = await findTypeById(ctx.db, id)
  if (!row) throw new NotFoundError(`Volume type ${id} could not be found.`)
  if (row.is_public === 1)
    throw new NotFoundError('Access list not available for public volume types.')
  return (await typeProjects(ctx.db, id)).map((p) => ({ volume_type_id: id, project_id: p }))
}

export async function changeTypeAccess(
  ctx: VolumeContext,
  auth: AuthContext,
  id: string,
  projectId: string,
  add: boolean,
): Promise<void> {
  requireAdmin(auth)
  const row = await findTypeById(ctx.db, id)
  if (!row) throw new NotFoundError(`Volume type ${id} could not be found.`)
  if (add) {
    if (row.is_public === 1)
      throw new BadRequestError(
        'Invalid volume type: Type access modification is not applicable to public volume type.',
      )
    if (!(await addTypeProject(ctx.db, id, projectId)))
      throw new ConflictError(`Volume type access for ${id}/${projectId} already exists.`)
  } else if (!(await removeTypeProject(ctx.db, id, projectId))) {
    throw new NotFoundError(`Volume type access not found for ${id}/${projectId} combination.`)
  }
}
