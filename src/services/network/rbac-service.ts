import { isAdmin, type AuthContext } from '../../common/auth-context.js'
import { BadRequestError, ConflictError, NotFoundError } from '../../common/errors.js'
import { newUuid } from '../../common/ids.js'
import { isUniqueViolation, type Db } from '../../db/database.js'
import {
  countGatewayRouters,
  countNetworkPorts,
  deleteRbacPolicy,
  findRbacPolicy,
  insertRbacPolicy,
  listRbacPolicies,
  objectPolicies,
  setRbacTarget,
  type RbacPolicyRow,
} from '../../db/repositories/network/rbac.js'
import type { NetworkContext } from './network-context.js'
import { callerProject, forbid, ownsOrAdmin } from './policy.js'
import { enforceQuota } from './quota.js'
import { getVisibleNetwork, syncNetworkRbacFlags } from './visibility.js'

/** Object types and their actions (Neutron's NetworkRBAC.get_valid_actions). */
const VALID_ACTIONS: Record<string, readonly string[]> = {
  network: ['access_as_external', 'access_as_shared'],
}

const notFound = (id: string, type = 'unknown'): NotFoundError =>
  new NotFoundError(`RBAC policy of type ${type} with ID ${id} not found`, {
    type: 'RbacPolicyNotFound',
  })

/** A policy is visible to its owner and to admins. */
async function visiblePolicy(db: Db, auth: AuthContext, id: string): Promise<RbacPolicyRow> {
  const p = await findRbacPolicy(db, id)
  if (!p || !ownsOrAdmin(auth, p.project_id)) throw notFound(id)
  return p
}

export async function listPolicies(
  ctx: NetworkContext,
  auth: AuthContext,
): Promise<RbacPolicyRow[]> {
  return listRbacPolicies(ctx.db, isAdmin(auth) ? undefined : callerProject(auth))
}

export async function showPolicy(
  ctx: NetworkContext,
  auth: AuthContext,
  id: string,
): Promise<RbacPolicyRow> {
  return visiblePolicy(ctx.db, auth, id)
}

export interface RbacInput {
  readonly projectId: string
  readonly objectType: string
  readonly objectId: string
  readonly action: string
  readonly target: string
}

/** Only the object's owner (or an admin) shares it; only an admin shares to '*'. */
export async function createPolicy(
  ctx: NetworkContext,
  auth: AuthContext,
  input: RbacInput,
): Promise<RbacPolicyRow> {
  const type = input.objectType.trim().toLowerCase()
  const actions = VALID_ACTIONS[type]
  if (!actions) throw invalid(`'${input.objectType}' is not a valid RBAC object type`)
  if (!actions.includes(input.action)) {
    throw new BadRequestError(
      `Invalid action '${input.action}' for object type '${type}'. Valid actions: ${actions.join(', ')}`,
      { type: 'InvalidActionForType' },
    )
  }
  if (input.target === '*' && !isAdmin(auth)) forbid('create_rbac_policy:target_tenant')
  const id = newUuid()
  try {
    await ctx.db.transaction().execute(async (trx) => {
      const net = await getVisibleNetwork(trx, auth, input.objectId)
      if (!ownsOrAdmin(auth, net.project_id))
        throw invalid('Only admins can manipulate policies on networks they do not own')
      await enforceQuota(ctx, trx, input.projectId, 'rbac_policy')
      await insertRbacPolicy(trx, {
        id,
        project_id: input.projectId,
        object_type: type,
        object_id: net.id,
        target_project: input.target,
        action: input.action,
      })
      await syncNetworkRbacFlags(trx, net.id)
    })
  } catch (err) {
    if (isUniqueViolation(err)) {
      throw new ConflictError('An RBAC policy already exists with those values.', {
        type: 'DuplicateRbacPolicy',
      })
    }
    throw err
  }
  return visiblePolicy(ctx.db, auth, id)
}

/** Changes the target; the project losing access must not depend on it (as on delete). */
export async function updatePolicyTarget(
  ctx: NetworkContext,
  auth: AuthContext,
  id: string,
  target: string,
): Promise<RbacPolicyRow> {
  if (target === '*' && !isAdmin(auth)) forbid('update_rbac_policy:target_tenant')
  try {
    await ctx.db.transaction().execute(async (trx) => {
      const p = await visiblePolicy(trx, auth, id)
      if (p.target_project !== target) await ensureNotInUse(trx, p, target)
      await setRbacTarget(trx, id, target)
      await syncNetworkRbacFlags(trx, p.object_id)
    })
  } catch (err) {
    if (isUniqueViolation(err)) {
      throw new ConflictError('An RBAC policy already exists with those values.', {
        type: 'DuplicateRbacPolicy',
      })
    }
    throw err
  }
  return visiblePolicy(ctx.db, auth, id)
}

export async function deletePolicy(
  ctx: NetworkContext,
  auth: AuthContext,
  id: string,
): Promise<void> {
  await ctx.db.transaction().execute(async (trx) => {
    const p = await visiblePolicy(trx, auth, id)
    await ensureNotInUse(trx, p, undefined)
    await deleteRbacPolicy(trx, id)
    await syncNetworkRbacFlags(trx, p.object_id)
  })
}

/**
 * Neutron's ensure_no_tenant_ports_on_network (access_as_shared) and
 * _validate_ext_not_in_use_by_tenant (access_as_external): the projects
 * losing access must have no ports (resp. router gateways) on the network
 * that only this policy allows. `newTarget` is set on an update.
 */
async function ensureNotInUse(
  db: Db,
  p: RbacPolicyRow,
  newTarget: string | undefined,
): Promise<void> {
  const net = await db
    .selectFrom('networks')
    .select('project_id')
    .where('id', '=', p.object_id)
    .executeTakeFirst()
  if (!net || p.target_project === net.project_id) return
  const others = (await objectPolicies(db, p.object_type, p.object_id, p.action)).filter(
    (o) => o.id !== p.id,
  )
  const filter =
    p.target_project === '*'
      ? {
          except: [
            ...others.map((o) => o.target_project),
            net.project_id,
            ...(newTarget ? [newTarget] : []),
          ],
        }
      : others.some((o) => o.target_project === '*')
        ? undefined
        : { only: p.target_project }
  if (!filter) return
  if (p.action === 'access_as_shared' && (await countNetworkPorts(db, p.object_id, filter)) > 0) {
    throw inUse(
      p,
      `Unable to reconfigure sharing settings for network ${p.object_id}. Multiple tenants are using it.`,
    )
  }
  if (
    p.action === 'access_as_external' &&
    (await countGatewayRouters(db, p.object_id, filter)) > 0
  ) {
    throw inUse(
      p,
      'There are routers attached to this network that depend on this policy for access.',
    )
  }
}

function inUse(p: RbacPolicyRow, details: string): ConflictError {
  return new ConflictError(
    `RBAC policy on object ${p.object_id} cannot be removed because other objects depend on it.\nDetails: ${details}`,
    { type: 'RbacPolicyInUse' },
  )
}

function invalid(msg: string): BadRequestError {
  return new BadRequestError(`Invalid input for operation: ${msg}.`, { type: 'InvalidInput' })
}
