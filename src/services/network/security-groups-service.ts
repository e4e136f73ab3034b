import { isAdmin, type AuthContext } from '../../common/auth-context.js'
import { ConflictError, NotFoundError } from '../../common/errors.js'
import { newUuid } from '../../common/ids.js'
import type { Db } from '../../db/database.js'
import {
  deleteSecurityGroup,
  findSecurityGroup,
  insertRules,
  insertSecurityGroup,
  listSecurityGroups,
  rulesOfGroups,
  securityGroupInUse,
  updateSecurityGroup,
  type SecurityGroupRow,
  type SecurityGroupRuleRow,
} from '../../db/repositories/network/security-groups.js'
import { ensureDefaultSecurityGroup, ETHERTYPES } from './default-security-group.js'
import type { NetworkContext } from './network-context.js'
import { callerProject, ownsOrAdmin } from './policy.js'
import { enforceQuota } from './quota.js'
import { deleteResourceTags, resourcesTags } from './tags-service.js'

export {
  DEFAULT_SG_DESCRIPTION,
  ensureDefaultSecurityGroup,
  ETHERTYPES,
} from './default-security-group.js'
import { notifyRulesChanged } from './sg-change-notify.js'

/** A group with its rules and tags, what the views render. */
export interface SecurityGroupRecord {
  readonly group: SecurityGroupRow
  readonly rules: readonly SecurityGroupRuleRow[]
  readonly tags: readonly string[]
}

const notFound = (id: string): NotFoundError =>
  new NotFoundError(`Security group ${id} does not exist`, { type: 'SecurityGroupNotFound' })

/** The group if the caller may see it (owner or admin); 404 otherwise. */
export async function visibleGroup(
  db: Db,
  auth: AuthContext,
  id: string,
): Promise<SecurityGroupRow> {
  const g = await findSecurityGroup(db, id)
  if (!g || !ownsOrAdmin(auth, g.project_id)) throw notFound(id)
  return g
}

async function records(
  db: Db,
  groups: readonly SecurityGroupRow[],
): Promise<SecurityGroupRecord[]> {
  const ids = groups.map((g) => g.id)
  const byGroup = new Map<string, SecurityGroupRuleRow[]>()
  for (const r of await rulesOfGroups(db, ids)) {
    const list = byGroup.get(r.security_group_id)
    if (list) list.push(r)
    else byGroup.set(r.security_group_id, [r])
  }
  const tags = await resourcesTags(db, 'security_group', ids)
  return groups.map((group) => ({
    group,
    rules: byGroup.get(group.id) ?? [],
    tags: tags.get(group.id) ?? [],
  }))
}

/**
 * Lists the groups the caller sees, first making sure the project's default
 * group exists (Neutron does it on every list: the project filter's, else the caller's).
 */
export async function listSecurityGroupRecords(
  ctx: NetworkContext,
  auth: AuthContext,
  projectFilter: string | undefined,
): Promise<SecurityGroupRecord[]> {
  const target = projectFilter ?? auth.project?.id
  if (target !== undefined && (target === auth.project?.id || isAdmin(auth))) {
    await ensureDefaultSecurityGroup(ctx, ctx.db, target)
  }
  const groups = await listSecurityGroups(ctx.db, isAdmin(auth) ? undefined : callerProject(auth))
  return records(ctx.db, groups)
}

export async function showSecurityGroup(
  ctx: NetworkContext,
  auth: AuthContext,
  id: string,
): Promise<SecurityGroupRecord> {
  const [r] = await records(ctx.db, [await visibleGroup(ctx.db, auth, id)])
  if (!r) throw notFound(id)
  return r
}

export interface SecurityGroupInput {
  readonly name?: string
  readonly description?: string
  readonly stateful?: boolean
}

const defaultExists = (): ConflictError =>
  new ConflictError('Default security group already exists.', {
    type: 'SecurityGroupDefaultAlreadyExists',
  })

/** Creates a group with Neutron's two egress rules (any IPv4, any IPv6). */
export async function createSecurityGroup(
  ctx: NetworkContext,
  auth: AuthContext,
  projectId: string,
  input: SecurityGroupInput,
): Promise<SecurityGroupRecord> {
  if ((input.name ?? '').toLowerCase() === 'default') throw defaultExists()
  await ensureDefaultSecurityGroup(ctx, ctx.db, projectId)
  const id = newUuid()
  await ctx.db.transaction().execute(async (trx) => {
    await enforceQuota(ctx, trx, projectId, 'security_group')
    await enforceQuota(ctx, trx, projectId, 'security_group_rule', ETHERTYPES.length)
    const now = new Date().toISOString()
    const std = { created_at: now, updated_at: now, revision_number: 0 }
    await insertSecurityGroup(trx, {
      ...std,
      id,
      project_id: projectId,
      name: input.name ?? '',
      description: input.description ?? '',
      stateful: input.stateful === false ? 0 : 1,
    })
    await insertRules(
      trx,
      ETHERTYPES.map((ethertype) => ({
        ...std,
        description: '',
        id: newUuid(),
        project_id: projectId,
        security_group_id: id,
        direction: 'egress',
        ethertype,
        protocol: null,
        port_range_min: null,
        port_range_max: null,
        remote_ip_prefix: null,
        remote_group_id: null,
        remote_address_group_id: null,
      })),
    )
  })
  return showSecurityGroup(ctx, auth, id)
}

export async function updateSecurityGroupRecord(
  ctx: NetworkContext,
  auth: AuthContext,
  id: string,
  input: SecurityGroupInput,
): Promise<SecurityGroupRecord> {
  if (input.name !== undefined && input.name.toLowerCase() === 'default') throw defaultExists()
  await ctx.db.transaction().execute(async (trx) => {
    const g = await visibleGroup(trx, auth, id)
    if (g.name === 'default' && input.name !== undefined) {
      throw new ConflictError('Updating default security group not allowed.', {
        type: 'SecurityGroupCannotUpdateDefault',
      })
    }
    const stateful = input.stateful === undefined ? undefined : input.stateful ? 1 : 0
    if (stateful !== undefined && stateful !== g.stateful && (await securityGroupInUse(trx, id))) {
      throw new ConflictError(`Security Group ${id} in use.`, { type: 'SecurityGroupInUse' })
    }
    await updateSecurityGroup(
      trx,
      id,
      {
        ...(input.name !== undefined ? { name: input.name } : {}),
        ...(input.description !== undefined ? { description: input.description } : {}),
        ...(stateful !== undefined ? { stateful } : {}),
      },
      new Date().toISOString(),
    )
  })
  return showSecurityGroup(ctx, auth, id)
}

/** 409 while a port uses it; only an admin may delete a project's `default` group. */
export async function deleteSecurityGroupRecord(
  ctx: NetworkContext,
  auth: AuthContext,
  id: string,
): Promise<void> {
  await ctx.db.transaction().execute(async (trx) => {
    const g = await visibleGroup(trx, auth, id)
    if (await securityGroupInUse(trx, id)) {
      throw new ConflictError(`Security Group ${id} in use.`, { type: 'SecurityGroupInUse' })
    }
    if (g.name === 'default' && !isAdmin(auth)) {
      throw new ConflictError('Insufficient rights for removing default security group.', {
        type: 'SecurityGroupCannotRemoveDefault',
      })
    }
    await deleteSecurityGroup(trx, id)
    await deleteResourceTags(trx, 'security_group', id)
  })
  // Rules of other groups naming this one as remote group went with it.
  await notifyRulesChanged(ctx, [id])
}
