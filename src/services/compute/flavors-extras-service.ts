import type { AuthContext } from '../../common/auth-context.js'
import { BadRequestError, ConflictError, NotFoundError } from '../../common/errors.js'
import {
  addFlavorProject,
  deleteExtraSpec,
  extraSpecsOf,
  flavorByFlavorid,
  flavorProjects,
  removeFlavorProject,
  upsertExtraSpecs,
  type FlavorRow,
} from '../../db/repositories/compute/flavors.js'
import type { ComputeContext } from './compute-context.js'
import { visibleFlavor } from './flavors-service.js'

/** Extra specs and tenant access of flavors (os-extra_specs, os-flavor-access). */

export async function listExtraSpecs(
  ctx: ComputeContext,
  auth: AuthContext,
  flavorid: string,
): Promise<Record<string, string>> {
  await visibleFlavor(ctx, auth, flavorid)
  return extraSpecsOf(ctx.db, flavorid)
}

export async function showExtraSpec(
  ctx: ComputeContext,
  auth: AuthContext,
  flavorid: string,
  key: string,
): Promise<string> {
  const specs = await listExtraSpecs(ctx, auth, flavorid)
  const v = specs[key]
  if (v === undefined)
    throw new NotFoundError(`Flavor ${flavorid} has no extra specs with key ${key}.`)
  return v
}

/** Numbers are stored as their string form (Nova accepts both). */
export function normaliseSpecs(specs: Record<string, string | number>): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(specs)) {
    const s = typeof v === 'number' ? String(v) : v
    if (s.length > 255)
      throw new BadRequestError(
        'Invalid input received: extra_specs value has a maximum length of 255.',
      )
    out[k] = s
  }
  return out
}

export async function setExtraSpecs(
  ctx: ComputeContext,
  auth: AuthContext,
  flavorid: string,
  specs: Record<string, string>,
): Promise<void> {
  await visibleFlavor(ctx, auth, flavorid)
  await upsertExtraSpecs(ctx.db, flavorid, specs)
}

export async function unsetExtraSpec(
  ctx: ComputeContext,
  auth: AuthContext,
  flavorid: string,
  key: string,
): Promise<void> {
  await visibleFlavor(ctx, auth, flavorid)
  if (!(await deleteExtraSpec(ctx.db, flavorid, key)))
    throw new NotFoundError(`Flavor ${flavorid} has no extra specs with key ${key}.`)
}

export interface FlavorAccessEntry {
  flavor_id: string
  tenant_id: string
}

async function accessList(ctx: ComputeContext, flavorid: string): Promise<FlavorAccessEntry[]> {
  return (await flavorProjects(ctx.db, flavorid)).map((p) => ({
    flavor_id: flavorid,
    tenant_id: p,
  }))
}

async function flavorOr404(ctx: ComputeContext, flavorid: string): Promise<FlavorRow> {
  const f = await flavorByFlavorid(ctx.db, flavorid)
  if (!f) throw new NotFoundError(`Flavor ${flavorid} could not be found.`)
  return f
}

export async function listFlavorAccess(
  ctx: ComputeContext,
  flavorid: string,
): Promise<FlavorAccessEntry[]> {
  const f = await flavorOr404(ctx, flavorid)
  if (f.is_public === 1) throw new NotFoundError('Access list not available for public flavors.')
  return accessList(ctx, flavorid)
}

/** identity.verify_project_id: the project must exist in Keystone. */
async function verifyProject(ctx: ComputeContext, projectId: string): Promise<void> {
  const p = await ctx.db
    .selectFrom('projects')
    .select('id')
    .where('id', '=', projectId)
    .executeTakeFirst()
  if (!p) throw new BadRequestError(`Project ID ${projectId} is not a valid project.`)
}

export async function addFlavorAccess(
  ctx: ComputeContext,
  flavorid: string,
  projectId: string,
  rejectPublic: boolean,
): Promise<FlavorAccessEntry[]> {
  await verifyProject(ctx, projectId)
  const f = await flavorOr404(ctx, flavorid)
  if (rejectPublic && f.is_public === 1)
    throw new ConflictError('Can not add access to a public flavor.')
  if (!(await addFlavorProject(ctx.db, flavorid, projectId)))
    throw new ConflictError(
      `Flavor access already exists for flavor ${flavorid} and project ${projectId} combination.`,
    )
  return accessList(ctx, flavorid)
}

export async function removeFlavorAccess(
  ctx: ComputeContext,
  flavorid: string,
  projectId: string,
): Promise<FlavorAccessEntry[]> {
  await flavorOr404(ctx, flavorid)
  if (!(await removeFlavorProject(ctx.db, flavorid, projectId)))
    throw new NotFoundError(`Flavor access not found for ${flavorid} / ${projectId} combination.`)
  return accessList(ctx, flavorid)
}
