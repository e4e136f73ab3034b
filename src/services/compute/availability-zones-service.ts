import type { Selectable } from 'kysely'
import type { ComputeServiceTable } from '../../db/compute-schema.js'
import { hostZones } from '../../db/repositories/compute/aggregates.js'
import type { ComputeContext } from './compute-context.js'

export type ComputeServiceRow = Selectable<ComputeServiceTable>

/** Nova's [DEFAULT] internal_service_availability_zone: where non-compute services live. */
export const INTERNAL_ZONE = 'internal'

/** True when the service heartbeat is recent and it is not forced down (Nova's DB servicegroup). */
export function serviceIsUp(ctx: ComputeContext, s: ComputeServiceRow, now = Date.now()): boolean {
  if (s.forced_down === 1) return false
  const last = Date.parse(s.last_seen_up ?? s.updated_at ?? s.created_at)
  return Number.isFinite(last) && now - last <= ctx.config.compute.service_down_time * 1000
}

/** The availability zone of a compute host: its aggregate's zone, else the default zone. */
export async function availabilityZoneOfHost(ctx: ComputeContext, host: string): Promise<string> {
  return (await hostZones(ctx.db)).get(host) ?? ctx.config.compute.default_availability_zone
}

export interface ZonedService extends ComputeServiceRow {
  readonly availability_zone: string
}

/** Every service with its zone (set_zones=True in Nova). */
export async function servicesWithZones(ctx: ComputeContext): Promise<ZonedService[]> {
  const zones = await hostZones(ctx.db)
  const rows = await ctx.db.selectFrom('compute_services').selectAll().orderBy('id').execute()
  return rows.map((s) => ({
    ...s,
    availability_zone:
      s.binary === 'nova-compute'
        ? (zones.get(s.host) ?? ctx.config.compute.default_availability_zone)
        : INTERNAL_ZONE,
  }))
}

/** Zones with an enabled service (available), and zones whose services are all disabled. */
export function splitZones(services: ZonedService[]): {
  available: string[]
  unavailable: string[]
} {
  const available = new Set(
    services.filter((s) => s.disabled === 0).map((s) => s.availability_zone),
  )
  const unavailable = new Set(
    services
      .filter((s) => s.disabled === 1 && !available.has(s.availability_zone))
      .map((s) => s.availability_zone),
  )
  return { available: [...available].sort(), unavailable: [...unavailable].sort() }
}

export interface ZoneInfo {
  zoneName: string
  zoneState: { available: boolean }
  hosts: Record<
    string,
    Record<string, { available: boolean; active: boolean; updated_at: string | null }>
  > | null
}

/** GET /os-availability-zone: zones without hosts, 'internal' left out. */
export async function listZones(ctx: ComputeContext): Promise<ZoneInfo[]> {
  const { available, unavailable } = splitZones(await servicesWithZones(ctx))
  return [
    ...available.filter((z) => z !== INTERNAL_ZONE).map((z) => zone(z, true)),
    ...unavailable.filter((z) => z !== INTERNAL_ZONE).map((z) => zone(z, false)),
  ]
}

const zone = (zoneName: string, available: boolean): ZoneInfo => ({
  zoneName,
  zoneState: { available },
  hosts: null,
})

/** GET /os-availability-zone/detail: available zones with their hosts' enabled services. */
export async function detailZones(ctx: ComputeContext): Promise<ZoneInfo[]> {
  const services = await servicesWithZones(ctx)
  const { available, unavailable } = splitZones(services)
  const now = Date.now()
  const out: ZoneInfo[] = available.map((z) => {
    const hosts: NonNullable<ZoneInfo['hosts']> = {}
    for (const s of services) {
      if (s.disabled === 1 || s.availability_zone !== z) continue
      hosts[s.host] ??= {}
      hosts[s.host]![s.binary] = {
        available: serviceIsUp(ctx, s, now),
        active: true,
        updated_at: s.last_seen_up ?? s.updated_at,
      }
    }
    return { zoneName: z, zoneState: { available: true }, hosts }
  })
  return [...out, ...unavailable.map((z) => zone(z, false))]
}
