import { isAdmin, type AuthContext } from '../../common/auth-context.js'
import { BadRequestError, NotFoundError } from '../../common/errors.js'
import { newUuid } from '../../common/ids.js'
import type { Db } from '../../db/database.js'
import {
  getNetwork,
  insertNetwork,
  subnetIdsByNetwork,
  type NetworkRow,
} from '../../db/repositories/network/networks.js'
import {
  allSegments,
  insertSegments,
  segmentsByNetwork,
  type SegmentRow,
} from '../../db/repositories/network/segments.js'
import type { NetworkInput } from './api/networks-input.js'
import type { Segment } from './ml2/mechanism-driver.js'
import type { NetworkContext } from './network-context.js'
import { deleteNetworkCascade } from './networks-delete.js'
import { callerProject, forbid } from './policy.js'
import { enforceQuota } from './quota.js'
import { resourcesTags } from './tags-service.js'
import {
  findVisibleNetwork,
  networkNotFound,
  sharedForCaller,
  visibleNetworksQuery,
} from './visibility.js'

/** A network with everything its view shows. */
export interface NetworkRecord {
  readonly row: NetworkRow
  readonly segments: readonly SegmentRow[]
  readonly subnets: readonly string[]
  readonly tags: readonly string[]
  /** `shared` as the caller sees it. */
  readonly shared: boolean
}

/** Neutron's time format: "2026-11-22T04:10:20Z". */
export const nowIso = (): string => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z')

export const toSegment = (s: SegmentRow): Segment => ({
  id: s.id,
  network_type: s.network_type,
  physical_network: s.physical_network === '' ? null : s.physical_network,
  segmentation_id: s.segmentation_id,
})

/** Loads the view data of many rows at once. */
export async function recordsOf(
  db: Db,
  auth: AuthContext,
  rows: readonly NetworkRow[],
): Promise<NetworkRecord[]> {
  const ids = rows.map((r) => r.id)
  const many = ids.length > 500
  const [segs, subnets, tags, shared] = await Promise.all([
    many ? allSegments(db) : segmentsByNetwork(db, ids),
    subnetIdsByNetwork(db, many ? 'all' : ids),
    resourcesTags(db, 'network', ids),
    sharedForCaller(db, auth, many ? 'all' : ids),
  ])
  return rows.map((row) => ({
    row,
    segments: segs.get(row.id) ?? [],
    subnets: subnets.get(row.id) ?? [],
    tags: tags.get(row.id) ?? [],
    shared: row.shared === 1 || shared.has(row.id),
  }))
}

export async function listNetworkRecords(
  ctx: NetworkContext,
  auth: AuthContext,
): Promise<NetworkRecord[]> {
  return recordsOf(
    ctx.db,
    auth,
    await visibleNetworksQuery(ctx.db, auth).orderBy('networks.id').execute(),
  )
}

export async function showNetworkRecord(
  ctx: NetworkContext,
  auth: AuthContext,
  id: string,
): Promise<NetworkRecord> {
  const row = await findVisibleNetwork(ctx.db, auth, id)
  if (!row) throw networkNotFound(id)
  const [rec] = await recordsOf(ctx.db, auth, [row])
  if (!rec) throw networkNotFound(id)
  return rec
}

/** Attribute-level policy of create: what only admins may set (neutron/conf/policies/network.py). */
function checkCreatePolicy(auth: AuthContext, input: NetworkInput): void {
  if (isAdmin(auth)) return
  if (input.shared) forbid('create_network:shared')
  if (input.external) forbid('create_network:router:external')
  if (input.segments) forbid('create_network:segments')
  const key = input.providerKeys[0]
  if (key) forbid(`create_network:${key}`)
  if (input.project_id !== undefined && input.project_id !== auth.project?.id) {
    throw new BadRequestError(
      "Specifying 'project_id' or 'tenant_id' other than the authenticated project in request requires admin privileges",
      { type: 'HTTPBadRequest' },
    )
  }
}

/** Writes the RBAC policy that IS shared=True / router:external=True (target '*'). */
export async function addWildcardPolicy(
  db: Db,
  row: Pick<NetworkRow, 'id' | 'project_id'>,
  action: string,
): Promise<void> {
  const exists = await db
    .selectFrom('rbac_policies')
    .select('id')
    .where('object_type', '=', 'network')
    .where('object_id', '=', row.id)
    .where('action', '=', action)
    .where('target_project', '=', '*')
    .executeTakeFirst()
  if (exists) return
  await db
    .insertInto('rbac_policies')
    .values({
      id: newUuid(),
      project_id: row.project_id,
      object_type: 'network',
      object_id: row.id,
      target_project: '*',
      action,
    })
    .execute()
}

/** Validates a requested MTU against what the segments allow. */
export function checkMtu(requested: number | undefined, max: number): number {
  if (requested === undefined || requested === 0) return max
  if (requested < 68)
    throw new BadRequestError('Invalid input for mtu. Reason: MTU must be at least 68.', {
      type: 'HTTPBadRequest',
    })
  if (requested > max) {
    throw new BadRequestError(
      `Invalid input for operation: Requested MTU is too big, maximum is ${max}.`,
      { type: 'InvalidInput' },
    )
  }
  return requested
}

/** Creates one network inside `trx`: quota, segments, row, RBAC policies, precommit hooks. */
async function createOne(
  ctx: NetworkContext,
  trx: Db,
  auth: AuthContext,
  input: NetworkInput,
): Promise<NetworkRow> {
  const projectId = input.project_id ?? callerProject(auth)
  // NOTE: no network agents report availability zones here, so every hint is unknown (as in Neutron without agents).
  const az = input.availability_zone_hints?.[0]
  if (az !== undefined)
    throw new NotFoundError(`AvailabilityZone ${az} could not be found.`, {
      type: 'AvailabilityZoneNotFound',
    })
  await enforceQuota(ctx, trx, projectId, 'network')
  const id = newUuid()
  const requested = input.segments ?? (input.provider ? [input.provider] : undefined)
  const specs = await ctx.ml2.types.allocateSegments(trx, id, requested)
  const now = nowIso()
  await insertNetwork(trx, {
    id,
    project_id: projectId,
    name: input.name ?? '',
    description: input.description ?? '',
    admin_state_up: input.admin_state_up === false ? 0 : 1,
    status: 'ACTIVE',
    shared: input.shared ? 1 : 0,
    router_external: input.external ? 1 : 0,
    mtu: checkMtu(input.mtu, ctx.ml2.types.networkMtu(specs)),
    port_security_enabled: input.port_security_enabled === false ? 0 : 1,
    availability_zone_hints: JSON.stringify(input.availability_zone_hints ?? []),
    dns_domain: '',
    created_at: now,
    updated_at: now,
    revision_number: 0,
  })
  const segRows: SegmentRow[] = specs.map((s, i) => ({
    id: newUuid(),
    network_id: id,
    network_type: s.network_type,
    physical_network: s.physical_network ?? '',
    segmentation_id: s.segmentation_id,
    segment_index: i,
  }))
  await insertSegments(trx, segRows)
  const row = await getNetwork(trx, id)
  if (!row) throw new Error(`network ${id} vanished inside its own transaction`)
  if (input.shared) await addWildcardPolicy(trx, row, 'access_as_shared')
  if (input.external) await addWildcardPolicy(trx, row, 'access_as_external')
  await ctx.ml2.chain.createNetworkPrecommit({
    db: trx,
    current: { ...row },
    segments: segRows.map(toSegment),
  })
  return row
}

/**
 * Creates networks (one, or a bulk list: all or nothing) and runs the
 * mechanism chain: precommit in the transaction, postcommit after. A
 * postcommit failure deletes what was created and surfaces the error.
 */
export async function createNetworks(
  ctx: NetworkContext,
  auth: AuthContext,
  inputs: readonly NetworkInput[],
): Promise<NetworkRecord[]> {
  for (const input of inputs) checkCreatePolicy(auth, input)
  const rows = await ctx.db.transaction().execute(async (trx) => {
    const out: NetworkRow[] = []
    for (const input of inputs) out.push(await createOne(ctx, trx, auth, input))
    return out
  })
  const records = await recordsOf(ctx.db, auth, rows)
  for (const rec of records) {
    try {
      await ctx.ml2.chain.createNetworkPostcommit({
        db: ctx.db,
        current: { ...rec.row },
        segments: rec.segments.map(toSegment),
      })
    } catch (err) {
      for (const r of rows) await deleteNetworkCascade(ctx, r.id).catch(() => undefined)
      throw err
    }
  }
  return records
}
