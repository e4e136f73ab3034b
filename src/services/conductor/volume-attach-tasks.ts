import type { JsonValue } from '../../bus/bus.js'
import { NotFoundError } from '../../common/errors.js'
import { conductorMethod } from './conductor-method.js'
import { blockDevicesOf } from './instance-spec.js'
import { requireInstance } from './instance-store.js'
import { serviceAuth } from './service-auth.js'

/** A BDM as the driver sees it (attach_volume on the worker). */
export const bdmGet = conductorMethod<{ bdmUuid: string }>(async (c, a) => {
  const row = await c.db
    .selectFrom('block_device_mappings')
    .select(['instance_uuid', 'volume_id'])
    .where('uuid', '=', a.bdmUuid)
    .executeTakeFirst()
  if (!row) throw new NotFoundError(`Block device mapping ${a.bdmUuid} could not be found.`)
  const device = (await blockDevicesOf(c, row.instance_uuid)).find(
    (d) => d.volumeId === row.volume_id,
  )
  if (!device) throw new NotFoundError(`Block device mapping ${a.bdmUuid} could not be found.`)
  return JSON.parse(JSON.stringify(device)) as JsonValue
})

/** The driver plugged the volume: Cinder's attachment_complete (volume in-use). */
export const volumeAttached = conductorMethod<{ instanceUuid: string; bdmUuid: string }>(
  async (c, a) => {
    const inst = await requireInstance(c.db, a.instanceUuid)
    const row = await c.db
      .selectFrom('block_device_mappings')
      .select('attachment_id')
      .where('uuid', '=', a.bdmUuid)
      .executeTakeFirst()
    if (row?.attachment_id && c.volume)
      await c.volume.complete(serviceAuth(inst.project_id, inst.user_id), row.attachment_id)
  },
)

/** The driver unplugged the volume: the Cinder attachment and the BDM go. */
export const volumeDetached = conductorMethod<{ instanceUuid: string; volumeId: string }>(
  async (c, a) => {
    const inst = await requireInstance(c.db, a.instanceUuid)
    const rows = await c.db
      .selectFrom('block_device_mappings')
      .select(['uuid', 'attachment_id'])
      .where('instance_uuid', '=', a.instanceUuid)
      .where('volume_id', '=', a.volumeId)
      .execute()
    for (const r of rows) {
      if (r.attachment_id && c.volume)
        await c.volume
          .detach(serviceAuth(inst.project_id, inst.user_id), r.attachment_id)
          .catch((err: unknown) => c.logger.info({ err: String(err) }, 'attachment already gone'))
      await c.db.deleteFrom('block_device_mappings').where('uuid', '=', r.uuid).execute()
    }
  },
)
