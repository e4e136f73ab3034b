import { BadRequestError, ConflictError, NotFoundError } from '../../common/errors.js'
import { aggregatesOfHost, removeAggregateHost } from '../../db/repositories/compute/aggregates.js'
import { servicesWithZones, type ZonedService } from './availability-zones-service.js'
import type { ComputeContext } from './compute-context.js'

/** os-services: service records written by the workers, enabled/disabled by admins. */

export async function listServices(
  ctx: ComputeContext,
  filters: { host?: string | undefined; binary?: string | undefined },
): Promise<ZonedService[]> {
  return (await servicesWithZones(ctx)).filter(
    (s) =>
      s.binary !== 'nova-osapi_compute' &&
      s.binary !== 'nova-metadata' &&
      (!filters.host || s.host === filters.host) &&
      (!filters.binary || s.binary === filters.binary),
  )
}

async function byId(ctx: ComputeContext, id: string, uuid: boolean): Promise<ZonedService> {
  const s = (await servicesWithZones(ctx)).find((x) => (uuid ? x.uuid === id : String(x.id) === id))
  if (!s) throw new NotFoundError(`Service ${id} could not be found.`)
  return s
}

function onlyCompute(binary: string): void {
  if (binary !== 'nova-compute')
    throw new BadRequestError(
      `Updating a ${binary} service is not supported. Only nova-compute services can be updated.`,
    )
}

export interface ServiceChanges {
  disabled?: boolean
  disabled_reason?: string | null
  forced_down?: boolean
}

async function apply(ctx: ComputeContext, id: number, c: ServiceChanges): Promise<void> {
  await ctx.db
    .updateTable('compute_services')
    .set({
      ...(c.disabled !== undefined ? { disabled: c.disabled ? 1 : 0 } : {}),
      ...('disabled_reason' in c ? { disabled_reason: c.disabled_reason ?? null } : {}),
      ...(c.forced_down !== undefined ? { forced_down: c.forced_down ? 1 : 0 } : {}),
    })
    .where('id', '=', id)
    .execute()
}

/** Nova refuses to force a host up while 'done' evacuations still point at it. */
async function checkForEvacuations(ctx: ComputeContext, host: string): Promise<void> {
  const m = await ctx.db
    .selectFrom('migrations')
    .select('id')
    .where('source_compute', '=', host)
    .where('status', '=', 'done')
    .where('migration_type', '=', 'evacuation')
    .executeTakeFirst()
  if (m)
    throw new BadRequestError(
      `Unable to force up host ${host} as \`done\` evacuation migration records remain associated with the host. Ensure the compute service has been restarted, allowing these records to move to \`completed\` before retrying this request.`,
    )
}

/** Legacy PUT /os-services/{enable,disable,disable-log-reason,force-down} by host and binary. */
export async function updateByHostBinary(
  ctx: ComputeContext,
  host: string,
  binary: string,
  changes: ServiceChanges,
): Promise<void> {
  onlyCompute(binary)
  const s = (await servicesWithZones(ctx)).find((x) => x.host === host && x.binary === binary)
  if (!s) throw new NotFoundError(`Could not find binary ${binary} on host ${host}.`)
  if (changes.forced_down === false) await checkForEvacuations(ctx, host)
  await apply(ctx, s.id, changes)
}

/** PUT /os-services/{uuid} (2.53). */
export async function updateByUuid(
  ctx: ComputeContext,
  uuid: string,
  changes: ServiceChanges,
): Promise<ZonedService> {
  const s = await byId(ctx, uuid, true)
  onlyCompute(s.binary)
  if (changes.forced_down === false) await checkForEvacuations(ctx, s.host)
  await apply(ctx, s.id, changes)
  return byId(ctx, uuid, true)
}

/**
 * DELETE /os-services/{id}: a compute service hosting servers or in-progress
 * migrations stays; otherwise it leaves its aggregates and its nodes go too.
 */
export async function deleteService(ctx: ComputeContext, id: string, uuid: boolean): Promise<void> {
  const s = await byId(ctx, id, uuid).catch(() => {
    throw new NotFoundError(`Service ${id} not found.`)
  })
  if (s.binary === 'nova-compute') {
    const busy = await ctx.db
      .selectFrom('instances')
      .select('uuid')
      .where('host', '=', s.host)
      .where('deleted', '=', 0)
      .executeTakeFirst()
    if (busy)
      throw new ConflictError(
        'Unable to delete compute service that is hosting instances. Migrate or delete the instances first.',
      )
    const moving = await ctx.db
      .selectFrom('migrations')
      .select('id')
      .where((eb) => eb.or([eb('source_compute', '=', s.host), eb('dest_compute', '=', s.host)]))
      .where('status', 'not in', [
        'confirmed',
        'reverted',
        'error',
        'failed',
        'completed',
        'cancelled',
        'done',
      ])
      .executeTakeFirst()
    if (moving)
      throw new ConflictError(
        'Unable to delete compute service that has in-progress migrations. Complete the migrations or delete the instances first.',
      )
    for (const agg of await aggregatesOfHost(ctx.db, s.host))
      await removeAggregateHost(ctx.db, agg.id, s.host)
    await ctx.db.deleteFrom('compute_nodes').where('host', '=', s.host).execute()
  }
  await ctx.db.deleteFrom('compute_services').where('id', '=', s.id).execute()
}
