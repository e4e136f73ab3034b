import type { AuthContext } from '../../common/auth-context.js'
import { isAdmin } from '../../common/auth-context.js'
import { BadRequestError, CloudError, ForbiddenError, NotFoundError } from '../../common/errors.js'
import type { SecurityGroupRuleRow } from '../../db/repositories/network/security-groups.js'
import {
  createSecurityGroup,
  deleteSecurityGroupRecord,
  listSecurityGroupRecords,
  showSecurityGroup,
  updateSecurityGroupRecord,
  type SecurityGroupRecord,
} from '../network/security-groups-service.js'
import { createRule, deleteRuleRecord, showRule } from '../network/sg-rules-service.js'
import type { NetworkContext } from '../network/network-context.js'
import type { ComputeContext } from './compute-context.js'

/** The deprecated os-security-groups proxy over Neutron (nova/network/security_group_api.py). */

const UUID_RE = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i

export function validateId(id: unknown): string {
  if (typeof id !== 'string' || !UUID_RE.test(id))
    throw new BadRequestError('Security group id should be uuid')
  return id
}

function net(ctx: ComputeContext): NetworkContext {
  if (!ctx.network) throw new NotFoundError('The resource could not be found.')
  return ctx.network
}

const sgNotFound = (id: string) => new NotFoundError(`Security group ${id} not found.`)

/** Nova's rule view: from/to ports, and either the remote group or the CIDR. */
export interface NovaRule {
  id: string
  parent_group_id: string
  ip_protocol: string | null
  from_port: number | null
  to_port: number | null
  group: { name?: string; tenant_id?: string }
  ip_range: { cidr?: string }
}

export interface NovaGroup {
  id: string
  name: string
  description: string
  tenant_id: string
  rules: NovaRule[]
}

async function ruleView(
  ctx: ComputeContext,
  auth: AuthContext,
  r: SecurityGroupRuleRow,
): Promise<NovaRule | undefined> {
  let from: number | null = r.port_range_min
  let to: number | null = r.port_range_max
  if (r.protocol && from === null && to === null) {
    const tcpUdp = ['tcp', 'udp'].includes(r.protocol.toLowerCase())
    from = tcpUdp ? 1 : -1
    to = tcpUdp ? 65535 : -1
  }
  const out: NovaRule = {
    id: r.id,
    parent_group_id: r.security_group_id,
    ip_protocol: r.protocol,
    from_port: from,
    to_port: to,
    group: {},
    ip_range: {},
  }
  if (r.remote_group_id) {
    try {
      const g = await showSecurityGroup(net(ctx), auth, r.remote_group_id)
      out.group = { name: g.group.name, tenant_id: g.group.project_id }
    } catch {
      return undefined
    }
  } else {
    out.ip_range = { cidr: r.remote_ip_prefix ?? '0.0.0.0/0' }
  }
  return out
}

async function groupView(
  ctx: ComputeContext,
  auth: AuthContext,
  rec: SecurityGroupRecord,
): Promise<NovaGroup> {
  const rules: NovaRule[] = []
  for (const r of rec.rules) {
    if (r.direction !== 'ingress') continue
    const v = await ruleView(ctx, auth, r)
    if (v) rules.push(v)
  }
  return {
    id: rec.group.id,
    description: rec.group.description,
    name: rec.group.name,
    tenant_id: rec.group.project_id,
    rules,
  }
}

async function getGroup(
  ctx: ComputeContext,
  auth: AuthContext,
  id: string,
): Promise<SecurityGroupRecord> {
  try {
    return await showSecurityGroup(net(ctx), auth, id)
  } catch (err) {
    if (err instanceof CloudError && err.status === 404) throw sgNotFound(id)
    throw err
  }
}

/** check_string_length(min 0, max 255) for name and description. */
function checkProperty(value: unknown, name: string): string {
  if (typeof value !== 'string')
    throw new BadRequestError(`Invalid input received: ${name} is not a string or unicode`)
  if (value.length > 255)
    throw new BadRequestError(`Invalid input received: ${name} has more than 255 characters.`)
  return value
}

export async function listGroups(
  ctx: ComputeContext,
  auth: AuthContext,
  allTenants: boolean,
): Promise<NovaGroup[]> {
  if (!ctx.network) return []
  const recs = await listSecurityGroupRecords(ctx.network, auth, undefined)
  const mine = recs.filter(
    (r) => (isAdmin(auth) && allTenants) || r.group.project_id === auth.project?.id,
  )
  const views = []
  for (const r of mine) views.push(await groupView(ctx, auth, r))
  return views.sort((a, b) => (a.tenant_id + '\0' + a.name < b.tenant_id + '\0' + b.name ? -1 : 1))
}

export async function showGroup(
  ctx: ComputeContext,
  auth: AuthContext,
  id: string,
): Promise<NovaGroup> {
  return groupView(ctx, auth, await getGroup(ctx, auth, validateId(id)))
}

export async function createGroup(
  ctx: ComputeContext,
  auth: AuthContext,
  body: { name?: unknown; description?: unknown },
): Promise<NovaGroup> {
  const name = checkProperty(body.name ?? null, 'name')
  const description = checkProperty(body.description ?? null, 'description')
  if (!auth.project) throw new BadRequestError('A project-scoped token is required.')
  try {
    return await groupView(
      ctx,
      auth,
      await createSecurityGroup(net(ctx), auth, auth.project.id, { name, description }),
    )
  } catch (err) {
    // Nova turns Neutron's 409 (quota, or a second 'default') into SecurityGroupLimitExceeded.
    if (err instanceof CloudError && err.status === 409) throw new ForbiddenError(err.message)
    if (err instanceof CloudError && err.status === 400) throw new BadRequestError(err.message)
    throw err
  }
}

export async function updateGroup(
  ctx: ComputeContext,
  auth: AuthContext,
  id: string,
  body: { name?: unknown; description?: unknown },
): Promise<NovaGroup> {
  await getGroup(ctx, auth, validateId(id))
  const name = checkProperty(body.name ?? null, 'name')
  const description = checkProperty(body.description ?? null, 'description')
  try {
    return await groupView(
      ctx,
      auth,
      await updateSecurityGroupRecord(net(ctx), auth, id, { name, description }),
    )
  } catch (err) {
    if (err instanceof CloudError && (err.status === 409 || err.status === 400))
      throw new BadRequestError(err.message)
    throw err
  }
}

export async function deleteGroup(
  ctx: ComputeContext,
  auth: AuthContext,
  id: string,
): Promise<void> {
  await getGroup(ctx, auth, validateId(id))
  try {
    await deleteSecurityGroupRecord(net(ctx), auth, id)
  } catch (err) {
    if (err instanceof CloudError && err.status === 404) throw sgNotFound(id)
    // In use, or the project's default group: Nova's Invalid (400).
    if (err instanceof CloudError && err.status === 409) throw new BadRequestError(err.message)
    throw err
  }
}

export interface RuleBody {
  parent_group_id?: unknown
  ip_protocol?: unknown
  from_port?: unknown
  to_port?: unknown
  cidr?: unknown
  group_id?: unknown
}

/** A JSON scalar as Nova's str() shows it; '' for null, absent or a structure. */
function scalarText(v: unknown): string {
  if (typeof v === 'string') return v
  if (typeof v === 'number') return String(v)
  if (typeof v === 'boolean') return v ? 'True' : 'False'
  return ''
}

/** Dotted IPv4 or IPv6 with a prefix length (netutils.is_valid_cidr). */
function validCidr(cidr: string): boolean {
  const m = /^([^/]+)\/(\d{1,3})$/.exec(cidr)
  if (!m) return false
  const [, addr, len] = m
  const bits = Number(len)
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(addr!))
    return addr!.split('.').every((o) => Number(o) <= 255) && bits <= 32
  return addr!.includes(':') && /^[0-9a-fA-F:.]+$/.test(addr!) && bits <= 128
}

interface NewRule {
  protocol?: string
  from_port?: number
  to_port?: number
  cidr?: string
  group_id?: string
}

/** Nova's _new_ingress_rule: defaults, integer ports and range checks; undefined when too little was given. */
function newIngressRule(b: RuleBody, groupId: string | undefined): NewRule | undefined {
  const values: NewRule = {}
  let from = b.from_port ?? null
  let to = b.to_port ?? null
  const proto = scalarText(b.ip_protocol)
  if (groupId) {
    values.group_id = groupId
    const upper = proto.toUpperCase()
    if (upper === 'ICMP' && from === null && to === null) [from, to] = [-1, -1]
    else if ((upper === 'TCP' || upper === 'UDP') && from === null && to === null)
      [from, to] = [1, 65535]
  } else {
    let cidr = scalarText(b.cidr) || '0.0.0.0/0'
    cidr = decodeURIComponent(cidr)
    if (!validCidr(cidr)) throw new BadRequestError(`Invalid cidr ${cidr}.`)
    values.cidr = cidr
  }
  if (proto && from !== null && to !== null) {
    const toInt = (v: unknown) =>
      typeof v === 'number' ? v : /^\s*-?\d+\s*$/.test(String(v)) ? Number(v) : NaN
    const f = toInt(from)
    const t = toInt(to)
    const upper = proto.toUpperCase()
    if (!Number.isInteger(f) || !Number.isInteger(t))
      throw new BadRequestError(
        upper === 'ICMP'
          ? 'Invalid input received: Type and Code must be integers for ICMP protocol type'
          : 'Invalid input received: To and From ports must be integers',
      )
    if (!['TCP', 'UDP', 'ICMP'].includes(upper))
      throw new BadRequestError(`Invalid IP protocol ${proto}.`)
    const range = (msg: string) => new BadRequestError(`Invalid port range ${f}:${t}. ${msg}`)
    if ((upper === 'TCP' || upper === 'UDP') && f > t)
      throw range('Former value cannot be greater than the later')
    if ((upper === 'TCP' || upper === 'UDP') && (f < 1 || t > 65535))
      throw range(`Valid ${upper} ports should be between 1-65535`)
    if (upper === 'ICMP' && (f < -1 || f > 255 || t < -1 || t > 255))
      throw range('For ICMP, the type:code must be valid')
    values.protocol = proto
    values.from_port = f
    values.to_port = t
  } else if (values.cidr) {
    return undefined
  }
  return values
}

export async function createGroupRule(
  ctx: ComputeContext,
  auth: AuthContext,
  b: RuleBody,
): Promise<NovaRule> {
  const parentId = validateId(b.parent_group_id)
  const parent = await getGroup(ctx, auth, parentId)
  let groupId: string | undefined
  let source: SecurityGroupRecord | undefined
  if (b.group_id !== undefined && b.group_id !== null) {
    groupId = validateId(b.group_id)
    source = await getGroup(ctx, auth, groupId)
  }
  const rule = newIngressRule(b, groupId)
  if (!rule) throw new BadRequestError('Not enough parameters to build a valid rule.')
  if (rule.cidr) {
    const [addr, len] = rule.cidr.split('/')
    if (addr !== '0.0.0.0' && addr !== '::' && len === '0')
      throw new BadRequestError(`Bad prefix for network in cidr ${rule.cidr}`)
  }
  const existing = (await groupView(ctx, auth, parent)).rules
  const sameAs = (r: NovaRule) =>
    (r.ip_protocol ?? undefined)?.toLowerCase() === rule.protocol?.toLowerCase() &&
    (r.from_port ?? undefined) === rule.from_port &&
    (r.to_port ?? undefined) === rule.to_port &&
    (r.ip_range.cidr ?? undefined) === (groupId ? undefined : rule.cidr) &&
    (parent.rules.find((x) => x.id === r.id)?.remote_group_id ?? undefined) === groupId
  if (existing.some(sameAs))
    throw new BadRequestError(`This rule already exists in group ${parentId}`)
  try {
    const row = await createRule(net(ctx), auth, {
      security_group_id: parentId,
      direction: 'ingress',
      ethertype: rule.cidr?.includes(':') ? 'IPv6' : 'IPv4',
      protocol: rule.protocol?.toLowerCase() ?? null,
      port_range_min: rule.from_port === undefined || rule.from_port === -1 ? null : rule.from_port,
      port_range_max: rule.to_port === undefined || rule.to_port === -1 ? null : rule.to_port,
      remote_ip_prefix: rule.cidr ?? null,
      remote_group_id: groupId ?? null,
    })
    const v = await ruleView(ctx, auth, row)
    if (!v) throw sgNotFound(groupId ?? parentId)
    if (source) v.group = { name: source.group.name, tenant_id: source.group.project_id }
    return v
  } catch (err) {
    if (err instanceof CloudError && err.status === 404) throw sgNotFound(parentId)
    if (err instanceof CloudError && err.status === 409) {
      if (/already exists/.test(err.message)) throw new BadRequestError(err.message)
      throw new ForbiddenError(err.message)
    }
    if (err instanceof CloudError && err.status === 400) throw new BadRequestError(err.message)
    throw err
  }
}

export async function deleteGroupRule(
  ctx: ComputeContext,
  auth: AuthContext,
  id: string,
): Promise<void> {
  validateId(id)
  try {
    await showRule(net(ctx), auth, id)
    await deleteRuleRecord(net(ctx), auth, id)
  } catch (err) {
    if (err instanceof CloudError && err.status === 404)
      throw new NotFoundError(`Security group rule ${id} not found.`)
    throw err
  }
}

/** GET /servers/{id}/os-security-groups: the groups of the server's ports, each once. */
export async function serverGroups(
  ctx: ComputeContext,
  auth: AuthContext,
  instanceUuid: string,
): Promise<NovaGroup[]> {
  const inst = await ctx.db
    .selectFrom('instances')
    .select(['uuid', 'project_id'])
    .where('uuid', '=', instanceUuid)
    .where('deleted', '=', 0)
    .executeTakeFirst()
  if (!inst || (!isAdmin(auth) && inst.project_id !== auth.project?.id))
    throw new NotFoundError(`Instance ${instanceUuid} could not be found.`)
  if (!ctx.network) return []
  const rows = await ctx.db
    .selectFrom('instance_ports')
    .innerJoin('port_security_groups', 'port_security_groups.port_id', 'instance_ports.port_id')
    .select('port_security_groups.security_group_id')
    .where('instance_ports.instance_uuid', '=', instanceUuid)
    .orderBy('instance_ports.created_at')
    .execute()
  const out: NovaGroup[] = []
  for (const id of new Set(rows.map((r) => r.security_group_id))) {
    try {
      out.push(await groupView(ctx, auth, await showSecurityGroup(ctx.network, auth, id)))
    } catch (err) {
      if (!(err instanceof CloudError && err.status === 404)) throw err
    }
  }
  return out
}
