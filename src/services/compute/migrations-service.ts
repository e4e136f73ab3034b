import type { Selectable } from 'kysely'
import { BadRequestError } from '../../common/errors.js'
import type { MigrationTable } from '../../db/compute-schema.js'
import type { ComputeContext } from './compute-context.js'

export type MigrationRow = Selectable<MigrationTable>

export interface MigrationFilters {
  host?: string | undefined
  status?: string | undefined
  instance_uuid?: string | undefined
  source_compute?: string | undefined
  migration_type?: string | undefined
  changesSince?: string | undefined
  changesBefore?: string | undefined
}

/**
 * Nova's migration_get_all_by_filters: host matches either end, status may be
 * a comma list; newest first (created_at, id) as the 2.59 paging expects.
 */
export async function listMigrations(
  ctx: ComputeContext,
  f: MigrationFilters,
  page?: { limit: number; marker?: string | undefined },
): Promise<MigrationRow[]> {
  let q = ctx.db.selectFrom('migrations').selectAll()
  if (f.host) {
    const host = f.host
    q = q.where((eb) => eb.or([eb('source_compute', '=', host), eb('dest_compute', '=', host)]))
  }
  if (f.status)
    q = q.where(
      'status',
      'in',
      f.status.split(',').map((s) => s.trim()),
    )
  if (f.instance_uuid) q = q.where('instance_uuid', '=', f.instance_uuid)
  if (f.source_compute) q = q.where('source_compute', '=', f.source_compute)
  if (f.migration_type) q = q.where('migration_type', '=', f.migration_type)
  if (f.changesSince) q = q.where('updated_at', '>=', f.changesSince)
  if (f.changesBefore) q = q.where('updated_at', '<=', f.changesBefore)
  const rows = await q.orderBy('created_at', 'desc').orderBy('id', 'desc').execute()
  if (!page) return rows
  let start = 0
  if (page.marker !== undefined) {
    const at = rows.findIndex((r) => r.uuid === page.marker)
    if (at < 0) throw new BadRequestError(`Marker ${page.marker} could not be found.`)
    start = at + 1
  }
  return rows.slice(start, start + page.limit)
}

/** Nova shows flavors' internal integer ids; ours are looked up by flavorid. */
export async function flavorRowIds(ctx: ComputeContext): Promise<Map<string, number>> {
  const rows = await ctx.db.selectFrom('flavors').select(['id', 'flavorid']).execute()
  return new Map(rows.map((r) => [r.flavorid, r.id]))
}
