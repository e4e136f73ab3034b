import { ForbiddenError } from '../../common/errors.js'
import type { Db } from '../../db/database.js'
import { quotaClassRows, quotaRows } from '../../db/repositories/compute/compute-quotas.js'
import { countKeypairs } from '../../db/repositories/compute/keypairs.js'
import type { ComputeContext } from './compute-context.js'

/** Nova's quota resources in its order (nova/quota.py QUOTAS). */
export const QUOTA_RESOURCES = [
  'instances',
  'cores',
  'ram',
  'metadata_items',
  'injected_files',
  'injected_file_content_bytes',
  'injected_file_path_bytes',
  'key_pairs',
  'server_groups',
  'server_group_members',
  'fixed_ips',
  'floating_ips',
  'security_groups',
  'security_group_rules',
] as const
export type QuotaResource = (typeof QUOTA_RESOURCES)[number]
export type QuotaLimits = Record<QuotaResource, number>

/** Network quotas Nova stopped showing at 2.36 (they were nova-network's). */
export const FILTERED_2_36: readonly QuotaResource[] = [
  'fixed_ips',
  'floating_ips',
  'security_group_rules',
  'security_groups',
]
/** Personality quotas Nova stopped showing at 2.57. */
export const FILTERED_2_57: readonly QuotaResource[] = [
  ...FILTERED_2_36,
  'injected_files',
  'injected_file_content_bytes',
  'injected_file_path_bytes',
]

/** The resources shown at a microversion (2.x → x). */
export function visibleResources(minor: number): QuotaResource[] {
  const hidden = minor >= 57 ? FILTERED_2_57 : minor >= 36 ? FILTERED_2_36 : []
  return QUOTA_RESOURCES.filter((r) => !hidden.includes(r))
}

export function isQuotaResource(name: string): name is QuotaResource {
  return (QUOTA_RESOURCES as readonly string[]).includes(name)
}

/** [quota] defaults overridden by the 'default' quota class (os-quota-class-sets). */
export async function defaultLimits(ctx: ComputeContext): Promise<QuotaLimits> {
  const q = ctx.config.quota
  const base: QuotaLimits = {
    instances: q.instances,
    cores: q.cores,
    ram: q.ram,
    metadata_items: q.metadata_items,
    injected_files: q.injected_files,
    injected_file_content_bytes: q.injected_file_content_bytes,
    injected_file_path_bytes: q.injected_file_path_length,
    key_pairs: q.key_pairs,
    server_groups: q.server_groups,
    server_group_members: q.server_group_members,
    // NOTE: nova-network's deprecated defaults; Neutron enforces the real ones.
    fixed_ips: -1,
    floating_ips: 10,
    security_groups: 10,
    security_group_rules: 20,
  }
  return overlay(base, await quotaClassRows(ctx.db, 'default'))
}

function overlay(base: QuotaLimits, rows: Record<string, number>): QuotaLimits {
  const out = { ...base }
  for (const [k, v] of Object.entries(rows)) if (isQuotaResource(k)) out[k] = v
  return out
}

/**
 * The limits in force for a project, or for one user in it: defaults, then
 * the project's os-quota-sets rows, then the user's rows.
 */
export async function effectiveLimits(
  ctx: ComputeContext,
  projectId: string,
  userId?: string,
): Promise<QuotaLimits> {
  const project = overlay(await defaultLimits(ctx), await quotaRows(ctx.db, projectId))
  if (userId === undefined) return project
  return overlay(project, await quotaRows(ctx.db, projectId, userId))
}

export interface ComputeUsage {
  instances: number
  cores: number
  ram: number
  key_pairs: number
  server_groups: number
}

/** vCPUs and MiB of an instance's embedded flavor (FlavorSpec, or Nova's snake_case). */
export function flavorSize(flavorJson: string): { vcpus: number; memoryMb: number } {
  try {
    const f = JSON.parse(flavorJson) as Record<string, unknown>
    const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : 0)
    return { vcpus: num(f['vcpus']), memoryMb: num(f['memoryMb'] ?? f['memory_mb']) }
  } catch {
    return { vcpus: 0, memoryMb: 0 }
  }
}

/**
 * What a project (or one user in it) uses now: non-deleted instances with
 * their flavors' cores and RAM, the user's key pairs, server groups.
 */
export async function countUsage(
  db: Db,
  projectId: string,
  userId?: string,
): Promise<ComputeUsage> {
  let iq = db
    .selectFrom('instances')
    .select('flavor')
    .where('project_id', '=', projectId)
    .where('deleted', '=', 0)
  if (userId !== undefined) iq = iq.where('user_id', '=', userId)
  const instances = await iq.execute()
  let cores = 0
  let ram = 0
  for (const i of instances) {
    const s = flavorSize(i.flavor)
    cores += s.vcpus
    ram += s.memoryMb
  }
  let gq = db
    .selectFrom('server_groups')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('project_id', '=', projectId)
  if (userId !== undefined) gq = gq.where('user_id', '=', userId)
  const groups = Number((await gq.executeTakeFirst())?.n ?? 0)
  return {
    instances: instances.length,
    cores,
    ram,
    key_pairs: userId === undefined ? 0 : await countKeypairs(db, userId),
    server_groups: groups,
  }
}

/**
 * Checks that `count` more servers of this size fit the project's (and the
 * user's) instances/cores/ram quotas. Throws Nova's TooManyInstances as a 403.
 * A resize passes instances 0 and only its cores/ram growth.
 */
export async function checkInstanceQuota(
  ctx: ComputeContext,
  projectId: string,
  userId: string,
  deltas: { instances: number; cores: number; ram: number },
): Promise<void> {
  for (const uid of [undefined, userId]) {
    const limits = await effectiveLimits(ctx, projectId, uid)
    const used = await countUsage(ctx.db, projectId, uid)
    const overs = (['cores', 'instances', 'ram'] as const).filter(
      (r) => deltas[r] > 0 && limits[r] >= 0 && used[r] + deltas[r] > limits[r],
    )
    if (overs.length > 0)
      throw new ForbiddenError(
        `Quota exceeded for ${overs.join(', ')}: Requested ${overs.map((r) => deltas[r]).join(', ')}, ` +
          `but already used ${overs.map((r) => used[r]).join(', ')} of ` +
          `${overs.map((r) => limits[r]).join(', ')} ${overs.join(', ')}`,
      )
  }
}

/** Throws Nova's KeypairLimitExceeded (403) when the user cannot add a key pair. */
export async function checkKeypairQuota(
  ctx: ComputeContext,
  projectId: string | undefined,
  userId: string,
): Promise<void> {
  const limit =
    projectId === undefined
      ? (await defaultLimits(ctx)).key_pairs
      : (await effectiveLimits(ctx, projectId, userId)).key_pairs
  if (limit >= 0 && (await countKeypairs(ctx.db, userId)) + 1 > limit)
    throw new ForbiddenError('Quota exceeded, too many key pairs.')
}

/** Throws Nova's "Quota exceeded, too many server groups." (403). */
export async function checkServerGroupQuota(
  ctx: ComputeContext,
  projectId: string,
  userId: string,
): Promise<void> {
  const limit = (await effectiveLimits(ctx, projectId, userId)).server_groups
  const used = (await countUsage(ctx.db, projectId)).server_groups
  if (limit >= 0 && used + 1 > limit)
    throw new ForbiddenError('Quota exceeded, too many server groups.')
}

/** Throws when adding `adding` servers would overflow the group's server_group_members quota. */
export async function checkServerGroupMembersQuota(
  ctx: ComputeContext,
  projectId: string,
  userId: string,
  groupUuid: string,
  adding: number,
): Promise<void> {
  const limit = (await effectiveLimits(ctx, projectId, userId)).server_group_members
  if (limit < 0) return
  const r = await ctx.db
    .selectFrom('server_group_members')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('group_uuid', '=', groupUuid)
    .executeTakeFirst()
  if (Number(r?.n ?? 0) + adding > limit)
    throw new ForbiddenError('Quota exceeded, too many servers in group')
}

/** Nova's MetadataLimitExceeded (403) for server metadata. */
export async function checkMetadataItemsQuota(
  ctx: ComputeContext,
  projectId: string,
  items: number,
): Promise<void> {
  const limit = (await effectiveLimits(ctx, projectId)).metadata_items
  if (limit >= 0 && items > limit)
    throw new ForbiddenError(`Maximum number of metadata items exceeds ${limit}`)
}
