import { newUuid } from '../../common/ids.js'
import type { Db } from '../../db/database.js'
import {
  claimDefaultGroup,
  findDefaultGroupId,
  insertRules,
  insertSecurityGroup,
} from '../../db/repositories/network/security-groups.js'
import type { NetworkContext } from './network-context.js'

/** Neutron's DEFAULT_SG_DESCRIPTION. */
export const DEFAULT_SG_DESCRIPTION = 'Default security group'

/** Neutron's sg_supported_ethertypes. */
export const ETHERTYPES = ['IPv4', 'IPv6'] as const

/**
 * Returns the id of the project's `default` security group, creating it on
 * first use with Neutron's default rules: egress to anywhere and ingress from
 * the same group, for IPv4 and IPv6. Idempotent and race-safe on both
 * databases: the default_security_groups primary key decides who creates it.
 * `db` may be a transaction (the caller's create) or the plain database.
 */
export async function ensureDefaultSecurityGroup(
  _ctx: NetworkContext,
  db: Db,
  projectId: string,
): Promise<string> {
  const existing = await findDefaultGroupId(db, projectId)
  if (existing !== undefined) return existing
  const create = async (trx: Db): Promise<string> => {
    const id = newUuid()
    if (!(await claimDefaultGroup(trx, projectId, id))) {
      const winner = await findDefaultGroupId(trx, projectId)
      if (winner === undefined) throw new Error(`default security group of ${projectId} vanished`)
      return winner
    }
    const now = new Date().toISOString()
    const std = { description: '', created_at: now, updated_at: now, revision_number: 0 }
    await insertSecurityGroup(trx, {
      ...std,
      id,
      project_id: projectId,
      name: 'default',
      description: DEFAULT_SG_DESCRIPTION,
      stateful: 1,
    })
    await insertRules(
      trx,
      ETHERTYPES.flatMap((ethertype) =>
        (['ingress', 'egress'] as const).map((direction) => ({
          ...std,
          id: newUuid(),
          project_id: projectId,
          security_group_id: id,
          direction,
          ethertype,
          protocol: null,
          port_range_min: null,
          port_range_max: null,
          remote_ip_prefix: null,
          remote_group_id: direction === 'ingress' ? id : null,
          remote_address_group_id: null,
        })),
      ),
    )
    return id
  }
  return db.isTransaction ? create(db) : db.transaction().execute(create)
}
