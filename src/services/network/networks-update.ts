import type { Updateable } from 'kysely'
import { isAdmin, type AuthContext } from '../../common/auth-context.js'
import { BadRequestError, ConflictError } from '../../common/errors.js'
import type { NetworkTable } from '../../db/network-schema.js'
import { getNetwork, updateNetworkRow } from '../../db/repositories/network/networks.js'
import { segmentsByNetwork } from '../../db/repositories/network/segments.js'
import type { NetworkInput } from './api/networks-input.js'
import type { NetworkContext } from './network-context.js'
import {
  addWildcardPolicy,
  checkMtu,
  nowIso,
  recordsOf,
  toSegment,
  type NetworkRecord,
} from './networks-service.js'
import { forbid } from './policy.js'
import { findVisibleNetwork, isNetworkOwnerOrAdmin, networkNotFound } from './visibility.js'

function checkUpdatePolicy(auth: AuthContext, input: NetworkInput): void {
  if (isAdmin(auth)) return
  if (input.shared !== undefined) forbid('update_network:shared')
  if (input.external !== undefined) forbid('update_network:router:external')
  if (input.segments) forbid('update_network:segments')
  const key = input.providerKeys[0]
  if (key) forbid(`update_network:${key}`)
}

/**
 * PUT /v2.0/networks/{id}: owner or admin; shared/router:external/provider
 * admin only. Turning sharing off while other projects have ports → 409
 * InvalidSharedSetting; making it non-external with router gateways → 409.
 * Provider attributes cannot change (only restating the current ones is fine).
 */
export async function updateNetwork(
  ctx: NetworkContext,
  auth: AuthContext,
  id: string,
  input: NetworkInput,
): Promise<NetworkRecord> {
  const visible = await findVisibleNetwork(ctx.db, auth, id)
  if (!visible) throw networkNotFound(id)
  if (!isNetworkOwnerOrAdmin(auth, visible)) forbid('update_network')
  checkUpdatePolicy(auth, input)
  const { row, original } = await ctx.db.transaction().execute(async (trx) => {
    const before = await getNetwork(trx, id)
    if (!before) throw networkNotFound(id)
    const segments = (await segmentsByNetwork(trx, [id])).get(id) ?? []
    const wanted = input.segments ?? (input.provider ? [input.provider] : undefined)
    if (wanted) {
      const same =
        wanted.length === segments.length &&
        wanted.every((w, i) => {
          const s = segments[i]
          return (
            s &&
            s.network_type === w.network_type &&
            (w.physical_network ?? '') === s.physical_network &&
            (w.segmentation_id === null || w.segmentation_id === s.segmentation_id)
          )
        })
      if (!same)
        throw new BadRequestError(
          'Invalid input for operation: Plugin does not support updating provider attributes.',
          { type: 'InvalidInput' },
        )
    }
    const patch: Updateable<NetworkTable> = {}
    if (input.name !== undefined) patch.name = input.name
    if (input.description !== undefined) patch.description = input.description
    if (input.admin_state_up !== undefined) patch.admin_state_up = input.admin_state_up ? 1 : 0
    if (input.port_security_enabled !== undefined)
      patch.port_security_enabled = input.port_security_enabled ? 1 : 0
    if (input.mtu !== undefined)
      patch.mtu = checkMtu(input.mtu, ctx.ml2.types.networkMtu(segments.map(toSegment)))
    if (input.shared !== undefined && input.shared !== (before.shared === 1)) {
      if (input.shared) await addWildcardPolicy(trx, before, 'access_as_shared')
      else {
        const foreign = await trx
          .selectFrom('ports')
          .select('id')
          .where('network_id', '=', id)
          .where('project_id', '!=', before.project_id)
          .where('device_owner', 'not like', 'network:%')
          .executeTakeFirst()
        if (foreign) {
          throw new ConflictError(
            `Unable to reconfigure sharing settings for network ${id}. Multiple tenants are using it.`,
            { type: 'InvalidSharedSetting' },
          )
        }
        await trx
          .deleteFrom('rbac_policies')
          .where('object_type', '=', 'network')
          .where('object_id', '=', id)
          .where('action', '=', 'access_as_shared')
          .where('target_project', '=', '*')
          .execute()
      }
      patch.shared = input.shared ? 1 : 0
    }
    if (input.external !== undefined && input.external !== (before.router_external === 1)) {
      if (input.external) await addWildcardPolicy(trx, before, 'access_as_external')
      else {
        const gw = await trx
          .selectFrom('ports')
          .select('id')
          .where('network_id', '=', id)
          .where('device_owner', '=', 'network:router_gateway')
          .executeTakeFirst()
        if (gw) {
          throw new ConflictError(
            `External network ${id} cannot be updated to be made non-external, since it has existing gateway ports.`,
            { type: 'ExternalNetworkInUse' },
          )
        }
        await trx
          .deleteFrom('rbac_policies')
          .where('object_type', '=', 'network')
          .where('object_id', '=', id)
          .where('action', '=', 'access_as_external')
          .execute()
      }
      patch.router_external = input.external ? 1 : 0
    }
    // NOTE: as in Neutron, only a real change bumps revision_number and updated_at.
    const changed = Object.entries(patch).some(([k, v]) => before[k as keyof typeof before] !== v)
    if (changed) await updateNetworkRow(trx, id, patch, nowIso())
    const after = await getNetwork(trx, id)
    if (!after) throw networkNotFound(id)
    await ctx.ml2.chain.updateNetworkPrecommit({
      db: trx,
      current: { ...after },
      original: { ...before },
      segments: segments.map(toSegment),
    })
    return { row: after, original: before }
  })
  const [rec] = await recordsOf(ctx.db, auth, [row])
  if (!rec) throw networkNotFound(id)
  await ctx.ml2.chain.updateNetworkPostcommit({
    db: ctx.db,
    current: { ...row },
    original: { ...original },
    segments: rec.segments.map(toSegment),
  })
  return rec
}
