import { isAdmin, type AuthContext } from '../../common/auth-context.js'
import { BadRequestError, ForbiddenError, NotFoundError } from '../../common/errors.js'
import {
  allQuotaRows,
  deleteProjectQuotas,
  projectQuotaRows,
  setQuotaLimit,
} from '../../db/repositories/network/quotas.js'
import type { NetworkContext } from './network-context.js'
import { forbid } from './policy.js'
import { QUOTA_RESOURCES, type QuotaResource } from './quota.js'

export type QuotaSet = Record<QuotaResource, number>
const RESOURCES = Object.keys(QUOTA_RESOURCES) as QuotaResource[]
const INT_MAX = 2147483647

/** The [quotas] defaults for every resource. */
export function defaultQuotas(ctx: NetworkContext): QuotaSet {
  return Object.fromEntries(RESOURCES.map((r) => [r, ctx.config.quotas[`quota_${r}`]])) as QuotaSet
}

/** Reading another project's quotas is admin-only (Neutron's get_quota policy). */
function checkRead(auth: AuthContext, projectId: string): void {
  if (projectId !== auth.project?.id && !isAdmin(auth)) forbid('get_quota')
}

export async function projectQuotas(
  ctx: NetworkContext,
  auth: AuthContext,
  projectId: string,
): Promise<QuotaSet> {
  checkRead(auth, projectId)
  const q = defaultQuotas(ctx)
  for (const row of await projectQuotaRows(ctx.db, projectId)) {
    if (row.resource in q) q[row.resource as QuotaResource] = row.limit
  }
  return q
}

export function projectDefaultQuotas(
  ctx: NetworkContext,
  auth: AuthContext,
  projectId: string,
): QuotaSet {
  checkRead(auth, projectId)
  return defaultQuotas(ctx)
}

/** GET /quotas: every project with a non-default limit, defaults filled in (admin only). */
export async function allProjectQuotas(
  ctx: NetworkContext,
  auth: AuthContext,
): Promise<Array<Record<string, unknown>>> {
  if (!isAdmin(auth)) forbid('get_quota')
  const byProject = new Map<string, QuotaSet>()
  for (const row of await allQuotaRows(ctx.db)) {
    const q = byProject.get(row.project_id) ?? defaultQuotas(ctx)
    if (row.resource in q) q[row.resource as QuotaResource] = row.limit
    byProject.set(row.project_id, q)
  }
  return [...byProject].map(([project, q]) => ({ ...q, project_id: project, tenant_id: project }))
}

/** used / limit / reserved per resource; used counts the project's rows. */
export async function quotaDetails(
  ctx: NetworkContext,
  auth: AuthContext,
  projectId: string,
): Promise<Record<string, { used: number; limit: number; reserved: number }>> {
  if (projectId !== auth.project?.id && !isAdmin(auth)) {
    throw new ForbiddenError(
      'User does not have admin privileges: Only admin is authorized to access quotas for another project.',
      { type: 'AdminRequired' },
    )
  }
  const limits = await projectQuotas(ctx, auth, projectId)
  const out: Record<string, { used: number; limit: number; reserved: number }> = {}
  for (const r of RESOURCES) {
    const row = await ctx.db
      .selectFrom(QUOTA_RESOURCES[r])
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('project_id', '=', projectId)
      .executeTakeFirstOrThrow()
    out[r] = { used: Number(row.n), limit: limits[r], reserved: 0 }
  }
  return out
}

/** PUT /quotas/{project}: admin only; values are integers from -1 up; check_limit compares with usage. */
export async function updateQuotas(
  ctx: NetworkContext,
  auth: AuthContext,
  projectId: string,
  body: unknown,
): Promise<QuotaSet> {
  if (!isAdmin(auth)) forbid('update_quota')
  const quota = (body as { quota?: unknown } | null | undefined)?.quota
  if (typeof quota !== 'object' || quota === null || Array.isArray(quota)) {
    throw new BadRequestError('Resource body required', { type: 'HTTPBadRequest' })
  }
  // force / check_limit are options of the request, not quotas.
  const { force, check_limit: checkLimit, ...rest } = quota as Record<string, unknown>
  void force
  const unknown = Object.keys(rest).filter((k) => !(k in QUOTA_RESOURCES))
  if (unknown.length)
    throw new BadRequestError(`Unrecognized attribute(s) '${unknown.join(', ')}'`, {
      type: 'HTTPBadRequest',
    })
  const limits: Array<[QuotaResource, number]> = []
  for (const [k, v] of Object.entries(rest)) {
    const n =
      typeof v === 'number' ? v : typeof v === 'string' && /^\s*-?\d+\s*$/.test(v) ? Number(v) : NaN
    if (!Number.isInteger(n)) {
      throw new BadRequestError(`Invalid input for operation: '${String(v)}' is not an integer.`, {
        type: 'InvalidInput',
      })
    }
    if (n < -1 || n > INT_MAX) {
      const reason =
        n < -1
          ? `is too small - must be at least '-1'`
          : `is too large - must be no larger than '${INT_MAX}'`
      throw new BadRequestError(`Invalid input for ${k}. Reason: '${n}' ${reason}.`, {
        type: 'InvalidInput',
      })
    }
    limits.push([k as QuotaResource, n])
  }
  if (checkLimit === true || checkLimit === 'True' || checkLimit === 'true') {
    const details = await quotaDetails(ctx, auth, projectId)
    for (const [r, n] of limits) {
      const used = details[r]?.used ?? 0
      if (n >= 0 && used > n) {
        throw new BadRequestError(
          `Quota limit ${n} for ${r} must be greater than or equal to already used ${used}`,
          { type: 'HTTPBadRequest' },
        )
      }
    }
  }
  await ctx.db.transaction().execute(async (trx) => {
    for (const [r, n] of limits) await setQuotaLimit(trx, projectId, r, n)
  })
  return projectQuotas(ctx, auth, projectId)
}

/** DELETE /quotas/{project}: back to defaults; 404 when none were set. */
export async function resetQuotas(
  ctx: NetworkContext,
  auth: AuthContext,
  projectId: string,
): Promise<void> {
  if (!isAdmin(auth)) forbid('delete_quota')
  if ((await deleteProjectQuotas(ctx.db, projectId)) < 1) {
    throw new NotFoundError(`Quota for tenant ${projectId} could not be found.`, {
      type: 'TenantQuotaNotFound',
    })
  }
}
