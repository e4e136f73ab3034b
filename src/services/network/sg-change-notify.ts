import { chainOf } from './ipam/ml2-hooks.js'
import type { NetworkContext } from './network-context.js'

/**
 * Tells the mechanism drivers, after commit, that the rules of `groupIds`
 * changed. As Neutron's AFTER_CREATE/AFTER_DELETE callbacks, a driver failure
 * is logged and the API change stands: the rule is stored, and the next
 * change or port binding of that group brings the driver's copy up to date.
 */
export async function notifyRulesChanged(
  ctx: NetworkContext,
  groupIds: readonly string[],
): Promise<void> {
  try {
    await chainOf(ctx).securityGroupRulesChanged({ db: ctx.db, securityGroupIds: groupIds })
  } catch (err) {
    ctx.logger.error(
      { err, securityGroups: groupIds },
      'security group change not applied by a mechanism driver',
    )
  }
}
