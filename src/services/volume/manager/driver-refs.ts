import type { SnapshotRow } from '../../../db/repositories/volume/snapshots.js'
import type { VolumeRow } from '../../../db/repositories/volume/volumes.js'
import type { DriverSnapshot, DriverVolume } from '../drivers/driver.js'
import { typeById } from '../types-service.js'
import type { VolumeContext } from '../volume-context.js'

/** Rows → the plain descriptions a driver gets. */
export async function driverVolume(ctx: VolumeContext, v: VolumeRow): Promise<DriverVolume> {
  const type = await typeById(ctx, v.volume_type_id)
  return {
    id: v.id,
    sizeGb: v.size,
    providerLocation: v.provider_location,
    typeSpecs: type?.extraSpecs ?? {},
  }
}

export function driverSnapshot(s: SnapshotRow): DriverSnapshot {
  return { id: s.id, volumeId: s.volume_id, sizeGb: s.size, providerLocation: s.provider_location }
}
