import type { VolumeContext } from './volume-context.js'

/** Zones with a cinder-volume service, plus the configured ones (before the first report). */
export async function availabilityZones(ctx: VolumeContext): Promise<string[]> {
  const rows = await ctx.db
    .selectFrom('volume_services')
    .select('availability_zone')
    .where('binary', '=', 'cinder-volume')
    .execute()
  const set = new Set(rows.map((r) => r.availability_zone))
  set.add(ctx.conf.storage_availability_zone)
  return [...set].sort()
}
