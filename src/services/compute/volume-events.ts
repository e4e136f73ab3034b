import { newUuid } from '../../common/ids.js'
import { castCompute } from './actions/action-start.js'
import type { ComputeContext } from './compute-context.js'

/**
 * What Cinder does with os-server-external-events after extending an in-use
 * volume: tells the compute host of each server it is attached to, which
 * grows the disk in the driver. In-process here (the volume service runs
 * beside compute), so no admin token is needed.
 */
export async function notifyVolumeExtended(
  ctx: ComputeContext,
  volumeId: string,
  serverUuids: readonly string[],
): Promise<void> {
  if (serverUuids.length === 0) return
  const rows = await ctx.db
    .selectFrom('instances')
    .select(['uuid', 'host'])
    .where('uuid', 'in', [...serverUuids])
    .where('deleted', '=', 0)
    .execute()
  for (const r of rows) {
    if (r.host === null) continue
    await castCompute(ctx, r.host, 'external_instance_event', {
      instanceUuid: r.uuid,
      requestId: `req-${newUuid()}`,
      events: [{ name: 'volume-extended', tag: volumeId, status: 'completed' }],
    })
  }
}
