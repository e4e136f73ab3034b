import type { AuthContext } from '../../common/auth-context.js'
import { BadRequestError } from '../../common/errors.js'
import {
  deleteQuotas,
  quotaClassRows,
  quotaRows,
  setQuota,
  setQuotaClass,
  userQuotaSums,
} from '../../db/repositories/compute/compute-quotas.js'
import type { ComputeContext } from './compute-context.js'
import {
  countUsage,
  defaultLimits,
  effectiveLimits,
  isQuotaResource,
  type QuotaLimits,
  type QuotaResource,
} from './quotas.js'

/** os-quota-sets and os-quota-class-sets behaviour (nova/quota.py DbQuotaDriver). */

export interface QuotaDetail {
  limit: number
  in_use: number
  reserved: number
}

/** identity.verify_project_id: a quota target must be a Keystone project. */
export async function verifyProject(ctx: ComputeContext, projectId: string): Promise<void> {
  const p = await ctx.db
    .selectFrom('projects')
    .select('id')
    .where('id', '=', projectId)
    .executeTakeFirst()
  if (!p) throw new BadRequestError(`Project ID ${projectId} is not a valid project.`)
}

/**
 * In-use counts as the quota APIs show them: key_pairs and
 * server_group_members are always 0 there (Nova counts them only at create).
 */
export async function inUse(
  ctx: ComputeContext,
  projectId: string,
  userId?: string,
): Promise<Partial<Record<QuotaResource, number>>> {
  const u = await countUsage(ctx.db, projectId, userId)
  return { instances: u.instances, cores: u.cores, ram: u.ram, server_groups: u.server_groups }
}

export async function quotaDetails(
  ctx: ComputeContext,
  projectId: string,
  userId?: string,
): Promise<Record<QuotaResource, QuotaDetail>> {
  const limits = await effectiveLimits(ctx, projectId, userId)
  const used = await inUse(ctx, projectId, userId)
  const out = {} as Record<QuotaResource, QuotaDetail>
  for (const [k, limit] of Object.entries(limits) as Array<[QuotaResource, number]>)
    out[k] = { limit, in_use: used[k] ?? 0, reserved: 0 }
  return out
}

const unlimited = (n: number) => (n === -1 ? Infinity : n)

/**
 * Sets limits after Nova's settable range check (skipped with force): a
 * project limit may not go below its usage or its users' limits; a user
 * limit may not go below the user's usage or above what the project has left.
 */
export async function updateQuotas(
  ctx: ComputeContext,
  projectId: string,
  userId: string | undefined,
  values: Partial<Record<QuotaResource, number>>,
  force: boolean,
): Promise<QuotaLimits> {
  if (!force) {
    const used = await inUse(ctx, projectId, userId)
    const projectLimits = await effectiveLimits(ctx, projectId)
    const userSums = await userQuotaSums(ctx.db, projectId)
    const ownRows = userId === undefined ? {} : await quotaRows(ctx.db, projectId, userId)
    for (const [key, limit] of Object.entries(values) as Array<[QuotaResource, number]>) {
      let minimum = used[key] ?? 0
      let maximum = -1
      if (userId === undefined) {
        minimum = Math.max(minimum, userSums[key] ?? 0)
      } else if (projectLimits[key] !== -1) {
        maximum = projectLimits[key] - (userSums[key] ?? 0) + (ownRows[key] ?? 0)
      }
      if (unlimited(limit) < unlimited(minimum))
        throw new BadRequestError(
          `Quota limit ${limit} for ${key} must be greater than or equal to already used and reserved ${minimum}.`,
        )
      if (unlimited(limit) > unlimited(maximum))
        throw new BadRequestError(
          `Quota limit ${limit} for ${key} must be less than or equal to ${maximum}.`,
        )
    }
  }
  for (const [key, limit] of Object.entries(values) as Array<[QuotaResource, number]>)
    await setQuota(ctx.db, projectId, userId ?? '', key, limit)
  return effectiveLimits(ctx, projectId, userId)
}

export async function resetQuotas(
  ctx: ComputeContext,
  projectId: string,
  userId: string | undefined,
): Promise<void> {
  await deleteQuotas(ctx.db, projectId, userId)
}

/** Class limits: only 'default' overrides the configured defaults; other classes show the defaults. */
export async function classLimits(ctx: ComputeContext, className: string): Promise<QuotaLimits> {
  const base = await defaultLimits(ctx)
  if (className === 'default') return base
  const rows = await quotaClassRows(ctx.db, className)
  const out = { ...base }
  for (const [k, v] of Object.entries(rows)) if (isQuotaResource(k)) out[k] = v
  return out
}

export async function updateClassLimits(
  ctx: ComputeContext,
  className: string,
  values: Partial<Record<QuotaResource, number>>,
): Promise<QuotaLimits> {
  for (const [k, v] of Object.entries(values)) await setQuotaClass(ctx.db, className, k, v)
  return classLimits(ctx, className)
}

/** Policy for reading a project's quotas: admins, or members of that project. */
export function canReadProject(auth: AuthContext, projectId: string): boolean {
  return auth.roles.includes('admin') || auth.project?.id === projectId
}
