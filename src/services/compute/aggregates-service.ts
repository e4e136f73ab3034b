import { BadRequestError, ConflictError, NotFoundError } from '../../common/errors.js'
import { newUuid } from '../../common/ids.js'
import {
  addAggregateHost,
  aggregateById,
  aggregateByName,
  allAggregates,
  deleteAggregateRow,
  insertAggregate,
  removeAggregateHost,
  renameAggregate,
  touchAggregate,
  updateAggregateMetadata,
  type AggregateRecord,
} from '../../db/repositories/compute/aggregates.js'
import { inventoryDefaultsFromConfig, resyncHostAggregates } from '../placement/index.js'
import type { ComputeContext } from './compute-context.js'

/** Nova's host aggregates (compute/api.py AggregateAPI) with its availability zone rules. */

export { allAggregates as listAggregates }

/**
 * Placement mirrors aggregate membership and *_allocation_ratio metadata on
 * the hosts' providers (Nova's aggregate_add_host); re-sync after changes.
 */
async function resyncPlacement(ctx: ComputeContext, hosts: readonly string[]): Promise<void> {
  const defaults = inventoryDefaultsFromConfig(ctx.config.placement)
  for (const host of hosts) await resyncHostAggregates(ctx.db, host, defaults)
}

/** utils.validate_integer on the path id. */
export function aggregateId(raw: string): number {
  if (!/^\s*-?[0-9]+\s*$/.test(raw))
    throw new BadRequestError(`Invalid input received: id must be an integer`)
  return Number(raw)
}

export async function getAggregate(ctx: ComputeContext, id: number): Promise<AggregateRecord> {
  const a = await aggregateById(ctx.db, id)
  if (!a) throw new NotFoundError(`Aggregate ${id} could not be found.`)
  return a
}

async function assertNameFree(ctx: ComputeContext, name: string, self?: number): Promise<void> {
  const other = await aggregateByName(ctx.db, name)
  if (other && other.id !== self) throw new ConflictError(`Aggregate ${name} already exists.`)
}

export async function createAggregate(
  ctx: ComputeContext,
  name: string,
  zone: string | null | undefined,
): Promise<AggregateRecord> {
  await assertNameFree(ctx, name)
  const metadata: Record<string, string> = zone ? { availability_zone: zone } : {}
  let id: number
  try {
    id = await insertAggregate(ctx.db, { uuid: newUuid(), name, metadata })
  } catch (err) {
    await assertNameFree(ctx, name)
    throw err
  }
  return getAggregate(ctx, id)
}

type Action = 'add' | 'update' | 'update_meta'
const ACTION_PREFIX: Record<Action, string> = {
  add: 'Cannot add host to aggregate',
  update: 'Cannot update aggregate',
  update_meta: 'Cannot update metadata of aggregate',
}

/** InvalidAggregateAction: the add_host API answers 409 with it, the others 400. */
function invalidAction(
  action: Action,
  id: number,
  reason: string,
): BadRequestError | ConflictError {
  const message = `${ACTION_PREFIX[action]} ${id}. Reason: ${reason}.`
  return action === 'add' ? new ConflictError(message) : new BadRequestError(message)
}

/**
 * is_safe_to_update_az: an aggregate zone may not be empty, a host may not
 * be in two zones, and hosts with servers may not change zone.
 */
async function checkZoneChange(
  ctx: ComputeContext,
  agg: AggregateRecord,
  metadata: Record<string, string | null>,
  hosts: string[],
  action: Action,
  checkInstances: boolean,
): Promise<void> {
  if (!('availability_zone' in metadata)) return
  const wanted = metadata['availability_zone']
  if (!wanted)
    throw invalidAction(
      action,
      agg.id,
      `Aggregate ${agg.name} does not support empty named availability zone`,
    )
  const others = (await allAggregates(ctx.db)).filter(
    (o) =>
      o.id !== agg.id &&
      o.metadata['availability_zone'] !== undefined &&
      o.metadata['availability_zone'] !== wanted &&
      o.hosts.some((h) => hosts.includes(h)),
  )
  if (others.length > 0) {
    const zones = others.map((o) => `'${o.metadata['availability_zone']}'`).join(', ')
    throw invalidAction(
      action,
      agg.id,
      `One or more hosts already in availability zone(s) [${zones}]`,
    )
  }
  if (checkInstances && agg.metadata['availability_zone'] !== wanted && hosts.length > 0) {
    const busy = await ctx.db
      .selectFrom('instances')
      .select('uuid')
      .where('host', 'in', hosts)
      .where('deleted', '=', 0)
      .executeTakeFirst()
    if (busy)
      throw invalidAction(action, agg.id, 'One or more hosts contain instances in this zone')
  }
}

/** The aggregate's zone must not collide with a zone of its hosts elsewhere, nor be empty. */
export async function updateAggregate(
  ctx: ComputeContext,
  id: number,
  updates: { name?: string; availability_zone?: string | null },
): Promise<AggregateRecord> {
  const agg = await getAggregate(ctx, id)
  if (updates.name !== undefined) {
    await assertNameFree(ctx, updates.name, id)
    await renameAggregate(ctx.db, id, updates.name)
  }
  if ('availability_zone' in updates) {
    const meta = { availability_zone: updates.availability_zone ?? null }
    await checkZoneChange(ctx, agg, meta, agg.hosts, 'update', true)
    await updateAggregateMetadata(ctx.db, id, meta)
    await touchAggregate(ctx.db, id)
    await resyncPlacement(ctx, agg.hosts)
  }
  return getAggregate(ctx, id)
}

export async function setAggregateMetadata(
  ctx: ComputeContext,
  id: number,
  metadata: Record<string, string | null>,
): Promise<AggregateRecord> {
  const agg = await getAggregate(ctx, id)
  await checkZoneChange(ctx, agg, metadata, agg.hosts, 'update_meta', true)
  await updateAggregateMetadata(ctx.db, id, metadata)
  await touchAggregate(ctx.db, id)
  await resyncPlacement(ctx, agg.hosts)
  return getAggregate(ctx, id)
}

export async function deleteAggregate(ctx: ComputeContext, id: number): Promise<void> {
  const agg = await getAggregate(ctx, id)
  if (agg.hosts.length > 0)
    throw new BadRequestError(
      `Cannot remove host from aggregate ${id}. Reason: Host aggregate is not empty.`,
    )
  await deleteAggregateRow(ctx.db, id)
}

async function computeHostExists(ctx: ComputeContext, host: string): Promise<boolean> {
  const s = await ctx.db
    .selectFrom('compute_services')
    .select('id')
    .where('host', '=', host)
    .where('binary', '=', 'nova-compute')
    .executeTakeFirst()
  return s !== undefined
}

export async function addHost(
  ctx: ComputeContext,
  id: number,
  host: string,
): Promise<AggregateRecord> {
  if (!(await computeHostExists(ctx, host)))
    throw new NotFoundError(`Compute host ${host} could not be found.`)
  const agg = await getAggregate(ctx, id)
  await checkZoneChange(ctx, agg, agg.metadata, [host], 'add', false)
  if (agg.hosts.includes(host)) throw new ConflictError(`Aggregate ${id} already has host ${host}.`)
  await addAggregateHost(ctx.db, id, host)
  await resyncPlacement(ctx, [host])
  return getAggregate(ctx, id)
}

export async function removeHost(
  ctx: ComputeContext,
  id: number,
  host: string,
): Promise<AggregateRecord> {
  const notFound = () => new NotFoundError(`Cannot remove host ${host} in aggregate ${id}`)
  if (!(await computeHostExists(ctx, host))) throw notFound()
  await getAggregate(ctx, id).catch(() => {
    throw notFound()
  })
  if (!(await removeAggregateHost(ctx.db, id, host))) throw notFound()
  await resyncPlacement(ctx, [host])
  return getAggregate(ctx, id)
}
