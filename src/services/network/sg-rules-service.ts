import { isAdmin, type AuthContext } from '../../common/auth-context.js'
import { BadRequestError, ConflictError, NotFoundError } from '../../common/errors.js'
import { newUuid } from '../../common/ids.js'
import type { Db } from '../../db/database.js'
import {
  deleteRule,
  findRule,
  findSecurityGroup,
  insertRules,
  listRules,
  rulesOfGroups,
  type SecurityGroupRuleRow,
} from '../../db/repositories/network/security-groups.js'
import type { NetworkContext } from './network-context.js'
import { callerProject, ownsOrAdmin } from './policy.js'
import { enforceQuota } from './quota.js'
import { notifyRulesChanged } from './sg-change-notify.js'
import { ensureDefaultSecurityGroup } from './security-groups-service.js'
import {
  shown,
  convertEthertype,
  convertPort,
  convertProtocol,
  normaliseRule,
  ruleKey,
  type RuleSpec,
} from './sg-rule-rules.js'

const ruleNotFound = (id: string): NotFoundError =>
  new NotFoundError(`Security group rule ${id} does not exist`, {
    type: 'SecurityGroupRuleNotFound',
  })
const groupNotFound = (id: string): NotFoundError =>
  new NotFoundError(`Security group ${id} does not exist`, { type: 'SecurityGroupNotFound' })

/** A rule is the caller's when they own it or own its group (Neutron's admin_or_sg_owner). */
async function visibleRule(db: Db, auth: AuthContext, id: string): Promise<SecurityGroupRuleRow> {
  const r = await findRule(db, id)
  if (!r) throw ruleNotFound(id)
  if (ownsOrAdmin(auth, r.project_id)) return r
  const g = await findSecurityGroup(db, r.security_group_id)
  if (!g || !ownsOrAdmin(auth, g.project_id)) throw ruleNotFound(id)
  return r
}

export async function listRuleRows(
  ctx: NetworkContext,
  auth: AuthContext,
  projectFilter: string | undefined,
): Promise<SecurityGroupRuleRow[]> {
  const target = projectFilter ?? auth.project?.id
  if (target !== undefined && (target === auth.project?.id || isAdmin(auth))) {
    await ensureDefaultSecurityGroup(ctx, ctx.db, target)
  }
  return listRules(ctx.db, isAdmin(auth) ? undefined : callerProject(auth))
}

export async function showRule(
  ctx: NetworkContext,
  auth: AuthContext,
  id: string,
): Promise<SecurityGroupRuleRow> {
  return visibleRule(ctx.db, auth, id)
}

/** The body of POST /security-group-rules after the route's shape check. */
export interface RuleInput {
  readonly security_group_id: string
  readonly direction: unknown
  readonly ethertype?: unknown
  readonly protocol?: unknown
  readonly port_range_min?: unknown
  readonly port_range_max?: unknown
  readonly remote_ip_prefix?: unknown
  readonly remote_group_id?: unknown
  readonly description?: string
  readonly project_id?: string
}

function convert(input: RuleInput): RuleSpec {
  if (input.direction !== 'ingress' && input.direction !== 'egress') {
    throw new BadRequestError(
      `Invalid input for direction. Reason: '${shown(input.direction)}' is not in ['ingress', 'egress'].`,
      { type: 'HTTPBadRequest' },
    )
  }
  const str = (v: unknown, name: string): string | null => {
    if (v === null || v === undefined || v === '') return null
    if (typeof v !== 'string')
      throw new BadRequestError(
        `Invalid input for ${name}. Reason: '${shown(v)}' is not a valid string.`,
      )
    return v
  }
  return normaliseRule({
    direction: input.direction,
    ethertype: convertEthertype(input.ethertype ?? 'IPv4'),
    protocol: convertProtocol(input.protocol),
    port_range_min: convertPort(input.port_range_min),
    port_range_max: convertPort(input.port_range_max),
    remote_ip_prefix: str(input.remote_ip_prefix, 'remote_ip_prefix'),
    remote_group_id: str(input.remote_group_id, 'remote_group_id'),
  })
}

/** Validates as Neutron does, then inserts; duplicates → 409 SecurityGroupRuleExists naming the existing rule. */
export async function createRule(
  ctx: NetworkContext,
  auth: AuthContext,
  input: RuleInput,
): Promise<SecurityGroupRuleRow> {
  const spec = convert(input)
  const id = newUuid()
  const groupId = await ctx.db.transaction().execute(async (trx) => {
    const group = await findSecurityGroup(trx, input.security_group_id)
    if (!group || !ownsOrAdmin(auth, group.project_id)) throw groupNotFound(input.security_group_id)
    const projectId = input.project_id ?? (isAdmin(auth) ? group.project_id : callerProject(auth))
    if (spec.remote_group_id !== null) {
      const remote = await findSecurityGroup(trx, spec.remote_group_id)
      if (!remote || !(isAdmin(auth) || remote.project_id === projectId))
        throw groupNotFound(spec.remote_group_id)
    }
    const key = ruleKey({ ...spec, security_group_id: group.id })
    for (const r of await rulesOfGroups(trx, [group.id])) {
      if (ruleKey({ ...r, ethertype: r.ethertype as RuleSpec['ethertype'] }) === key) {
        throw new ConflictError(`Security group rule already exists. Rule id is ${r.id}.`, {
          type: 'SecurityGroupRuleExists',
        })
      }
    }
    await enforceQuota(ctx, trx, projectId, 'security_group_rule')
    const now = new Date().toISOString()
    await insertRules(trx, [
      {
        ...spec,
        id,
        project_id: projectId,
        security_group_id: group.id,
        remote_address_group_id: null,
        description: input.description ?? '',
        created_at: now,
        updated_at: now,
        revision_number: 0,
      },
    ])
    return group.id
  })
  await notifyRulesChanged(ctx, [groupId])
  return visibleRule(ctx.db, auth, id)
}

export async function deleteRuleRecord(
  ctx: NetworkContext,
  auth: AuthContext,
  id: string,
): Promise<void> {
  const groupId = await ctx.db.transaction().execute(async (trx) => {
    const rule = await visibleRule(trx, auth, id)
    await deleteRule(trx, id)
    return rule.security_group_id
  })
  await notifyRulesChanged(ctx, [groupId])
}
