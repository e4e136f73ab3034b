import { BadRequestError, ConflictError, NotFoundError } from '../../../common/errors.js'
import { listSecurityGroupRecords } from '../../network/security-groups-service.js'
import { updatePortFromApi, visiblePorts } from '../../network/ports-api.js'
import type { ComputeContext } from '../compute-context.js'
import type { ActionCaller } from './action-start.js'
import { loadInstance } from './instance-guard.js'

/**
 * addSecurityGroup/removeSecurityGroup (nova/network/security_group_api.py):
 * the group, by name or id in the caller's project, goes on (or off) every
 * port of the server.
 */
export async function changeServerSecurityGroup(
  ctx: ComputeContext,
  caller: ActionCaller,
  id: string,
  groupName: string,
  add: boolean,
): Promise<void> {
  const inst = await loadInstance(ctx, caller.auth, id)
  const project = caller.auth.project?.id ?? inst.project_id
  const net = ctx.network
  if (!net)
    throw new NotFoundError(`Security group ${groupName} is not found for project ${project}`)
  const groups = (await listSecurityGroupRecords(net, caller.auth, project))
    .map((r) => r.group)
    .filter((g) => g.project_id === project || g.id === groupName)
  const byId = groups.filter((g) => g.id === groupName)
  const byName = groups.filter((g) => g.name === groupName)
  const matches = byId.length > 0 ? byId : byName
  if (matches.length > 1)
    throw new ConflictError(
      `Multiple security_group matches found for name '${groupName}', use an ID to be more specific.`,
    )
  const group = matches[0]
  if (!group)
    throw new NotFoundError(`Security group ${groupName} is not found for project ${project}`)
  const ports = await visiblePorts(net.db, caller.auth, { device_id: inst.uuid })
  if (ports.length === 0)
    throw new NotFoundError(
      add
        ? `instance_id ${inst.uuid} could not be found as device id on any ports`
        : `Security group ${groupName} not associated with the instance ${inst.uuid}`,
    )
  if (!add && !ports.some((p) => p.securityGroups.includes(group.id)))
    throw new NotFoundError(
      `Security group ${groupName} not associated with the instance ${inst.uuid}`,
    )
  for (const p of ports) {
    if (p.row.port_security_enabled === 0)
      throw new BadRequestError(
        'Network requires port_security_enabled and subnet associated in order to apply security groups.',
      )
    const next = add
      ? [...new Set([...p.securityGroups, group.id])]
      : p.securityGroups.filter((g) => g !== group.id)
    if (next.length === p.securityGroups.length && next.every((g) => p.securityGroups.includes(g)))
      continue
    await updatePortFromApi(net, caller.auth, p.row.id, { security_groups: next })
  }
}
