import type { Db } from '../../db/database.js'
import type { RequestSpec } from '../compute/rpc.js'

type Mutable<T> = { -readonly [K in keyof T]: T[K] }

/**
 * Completes a request spec before scheduling (Nova's conductor does this with
 * the InstanceGroup object): the server group's policy, rules and the hosts its
 * other members are on, and the hosts of instances named in
 * same_host/different_host hints.
 */
export async function fillRequestSpec(
  db: Db,
  spec: RequestSpec,
  buildingUuids: readonly string[],
): Promise<RequestSpec> {
  const out: Mutable<RequestSpec> = { ...spec }
  const groupUuid =
    typeof spec.schedulerHints.group === 'string' ? spec.schedulerHints.group : undefined
  if (groupUuid !== undefined) {
    const group = await db
      .selectFrom('server_groups')
      .selectAll()
      .where('uuid', '=', groupUuid)
      .executeTakeFirst()
    if (group) {
      const members = await db
        .selectFrom('server_group_members as m')
        .innerJoin('instances as i', 'i.uuid', 'm.instance_uuid')
        .select(['i.uuid', 'i.host'])
        .where('m.group_uuid', '=', groupUuid)
        .where('i.deleted', '=', 0)
        .execute()
      const memberCountByHost: Record<string, number> = {}
      for (const m of members) {
        if (m.host === null || buildingUuids.includes(m.uuid)) continue
        memberCountByHost[m.host] = (memberCountByHost[m.host] ?? 0) + 1
      }
      out.instanceGroup = {
        uuid: group.uuid,
        policy: group.policy,
        rules: parseRules(group.rules),
        hosts: Object.keys(memberCountByHost),
        memberCountByHost,
      }
    }
  }
  const referenced = [
    ...(spec.schedulerHints.sameHost ?? []),
    ...(spec.schedulerHints.differentHost ?? []),
  ]
  if (referenced.length > 0) {
    const rows = await db
      .selectFrom('instances')
      .select(['uuid', 'host'])
      .where('uuid', 'in', referenced)
      .where('deleted', '=', 0)
      .execute()
    out.hostsOfInstances = Object.fromEntries(
      rows.filter((r) => r.host !== null).map((r) => [r.uuid, r.host as string]),
    )
  }
  return out
}

function parseRules(text: string): { max_server_per_host?: number } {
  try {
    const r = JSON.parse(text) as { max_server_per_host?: unknown }
    const n = Number(r.max_server_per_host)
    return Number.isInteger(n) && n > 0 ? { max_server_per_host: n } : {}
  } catch {
    return {}
  }
}
