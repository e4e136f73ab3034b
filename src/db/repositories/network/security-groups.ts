import type { Insertable, Selectable } from 'kysely'
import type { Db } from '../../database.js'
import type { SecurityGroupRuleTable, SecurityGroupTable } from '../../network-schema.js'

export type SecurityGroupRow = Selectable<SecurityGroupTable>
export type SecurityGroupRuleRow = Selectable<SecurityGroupRuleTable>

/** Neutron's security groups and rules, as rows; policy and validation live in the service. */
export async function findSecurityGroup(db: Db, id: string): Promise<SecurityGroupRow | undefined> {
  return db.selectFrom('security_groups').selectAll().where('id', '=', id).executeTakeFirst()
}

/** Groups of one project, or of all projects when `projectId` is undefined (admin). */
export async function listSecurityGroups(
  db: Db,
  projectId: string | undefined,
): Promise<SecurityGroupRow[]> {
  return db
    .selectFrom('security_groups')
    .selectAll()
    .$if(projectId !== undefined, (q) => q.where('project_id', '=', projectId ?? ''))
    .execute()
}

export async function insertSecurityGroup(
  db: Db,
  row: Insertable<SecurityGroupTable>,
): Promise<void> {
  await db.insertInto('security_groups').values(row).execute()
}

export async function updateSecurityGroup(
  db: Db,
  id: string,
  changes: Partial<Pick<SecurityGroupRow, 'name' | 'description' | 'stateful'>>,
  now: string,
): Promise<void> {
  await db
    .updateTable('security_groups')
    .set((eb) => ({ ...changes, updated_at: now, revision_number: eb('revision_number', '+', 1) }))
    .where('id', '=', id)
    .execute()
}

/** Deletes the group with its rules and the rules of other groups that name it as remote. */
export async function deleteSecurityGroup(db: Db, id: string): Promise<void> {
  await db.deleteFrom('security_group_rules').where('security_group_id', '=', id).execute()
  await db.deleteFrom('security_group_rules').where('remote_group_id', '=', id).execute()
  await db.deleteFrom('default_security_groups').where('security_group_id', '=', id).execute()
  await db.deleteFrom('security_groups').where('id', '=', id).execute()
}

/** True when a port still uses the group. */
export async function securityGroupInUse(db: Db, id: string): Promise<boolean> {
  const row = await db
    .selectFrom('port_security_groups')
    .select('port_id')
    .where('security_group_id', '=', id)
    .executeTakeFirst()
  return row !== undefined
}

export async function rulesOfGroups(
  db: Db,
  groupIds: readonly string[],
): Promise<SecurityGroupRuleRow[]> {
  const out: SecurityGroupRuleRow[] = []
  // Chunks keep the IN list under the databases' bound-parameter limits on big admin lists.
  for (let i = 0; i < groupIds.length; i += 500) {
    const chunk = groupIds.slice(i, i + 500)
    out.push(
      ...(await db
        .selectFrom('security_group_rules')
        .selectAll()
        .where('security_group_id', 'in', chunk)
        .execute()),
    )
  }
  return out
}

export async function findRule(db: Db, id: string): Promise<SecurityGroupRuleRow | undefined> {
  return db.selectFrom('security_group_rules').selectAll().where('id', '=', id).executeTakeFirst()
}

/** Rules visible to a project: its own plus those in its groups; all when `projectId` is undefined. */
export async function listRules(
  db: Db,
  projectId: string | undefined,
): Promise<SecurityGroupRuleRow[]> {
  let q = db.selectFrom('security_group_rules').selectAll()
  if (projectId !== undefined) {
    const own = db.selectFrom('security_groups').select('id').where('project_id', '=', projectId)
    q = q.where((eb) =>
      eb.or([eb('project_id', '=', projectId), eb('security_group_id', 'in', own)]),
    )
  }
  return q.execute()
}

export async function insertRules(
  db: Db,
  rows: readonly Insertable<SecurityGroupRuleTable>[],
): Promise<void> {
  if (rows.length > 0)
    await db
      .insertInto('security_group_rules')
      .values([...rows])
      .execute()
}

export async function deleteRule(db: Db, id: string): Promise<void> {
  await db.deleteFrom('security_group_rules').where('id', '=', id).execute()
}

/** The project's default group id, if it was created already. */
export async function findDefaultGroupId(db: Db, projectId: string): Promise<string | undefined> {
  const row = await db
    .selectFrom('default_security_groups')
    .select('security_group_id')
    .where('project_id', '=', projectId)
    .executeTakeFirst()
  return row?.security_group_id
}

/**
 * Claims the project's default-group slot. ON CONFLICT DO NOTHING keeps a lost
 * race from aborting the caller's PostgreSQL transaction (a unique violation
 * would); returns true when this caller won and must create the group.
 */
export async function claimDefaultGroup(
  db: Db,
  projectId: string,
  groupId: string,
): Promise<boolean> {
  const r = await db
    .insertInto('default_security_groups')
    .values({ project_id: projectId, security_group_id: groupId })
    .onConflict((oc) => oc.column('project_id').doNothing())
    .executeTakeFirst()
  return Number(r.numInsertedOrUpdatedRows ?? 0n) > 0
}

/**
 * Addresses of the ports in each group, as a remote group stands for them:
 * their fixed IPs and allowed-address-pair IPs/CIDRs (ports with port security
 * disabled carry no groups, so they never appear).
 */
export async function groupMemberAddresses(
  db: Db,
  groupIds: readonly string[],
): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>(groupIds.map((g) => [g, []]))
  if (groupIds.length === 0) return out
  const rows = await db
    .selectFrom('port_security_groups as psg')
    .innerJoin('ports as p', 'p.id', 'psg.port_id')
    .leftJoin('ip_allocations as a', 'a.port_id', 'psg.port_id')
    .select([
      'psg.security_group_id as gid',
      'a.ip_address as ip',
      'p.allowed_address_pairs as pairs',
    ])
    .where('psg.security_group_id', 'in', groupIds)
    .execute()
  const seen = new Set<string>()
  for (const r of rows) {
    const list = out.get(r.gid)!
    const add = (a: string) => {
      if (seen.has(`${r.gid} ${a}`)) return
      seen.add(`${r.gid} ${a}`)
      list.push(a)
    }
    if (r.ip) add(r.ip)
    for (const p of JSON.parse(r.pairs) as { ip_address?: string }[])
      if (typeof p.ip_address === 'string') add(p.ip_address)
  }
  for (const l of out.values()) l.sort()
  return out
}

/** The ids among `groupIds` of groups with `stateful` false. */
export async function statelessGroupIds(db: Db, groupIds: readonly string[]): Promise<Set<string>> {
  if (groupIds.length === 0) return new Set()
  const rows = await db
    .selectFrom('security_groups')
    .select('id')
    .where('id', 'in', groupIds)
    .where('stateful', '=', 0)
    .execute()
  return new Set(rows.map((r) => r.id))
}
