import type { InstanceTable } from '../../db/compute-schema.js'
import { serviceAuth } from './service-auth.js'
import type { ConductorContext } from './conductor-method.js'

/** Device names already taken on the instance, plus the next free /dev/vdX. */
function nextDevice(used: Set<string>): string {
  for (let c = 'b'.charCodeAt(0); c <= 'z'.charCodeAt(0); c++) {
    const name = `/dev/vd${String.fromCharCode(c)}`
    if (!used.has(name)) return name
  }
  throw new Error('No free device name is left on the instance.')
}

/**
 * Volumes of a new server (Nova's _prep_block_device with Cinder attachments):
 * creates the volumes the request asked to make (image, blank, snapshot
 * sources) and waits for them, then reserves, connects for `host` and completes
 * an attachment for every volume BDM. Throws after undoing the attachments and
 * volumes it made.
 */
export async function prepareBlockDevices(
  c: ConductorContext,
  inst: InstanceTable,
  host: string,
): Promise<void> {
  const bdms = await c.db
    .selectFrom('block_device_mappings')
    .selectAll()
    .where('instance_uuid', '=', inst.uuid)
    .where('destination_type', '=', 'volume')
    .where('attachment_id', 'is', null)
    .orderBy('id')
    .execute()
  if (bdms.length === 0) return
  const api = c.volume
  if (!api) throw new Error('Block device mappings need a volume service, and this cloud has none.')
  const auth = serviceAuth(inst.project_id, inst.user_id)
  const used = new Set(
    (
      await c.db
        .selectFrom('block_device_mappings')
        .select('device_name')
        .where('instance_uuid', '=', inst.uuid)
        .execute()
    )
      .map((b) => b.device_name)
      .filter((d): d is string => !!d),
  )
  const made: string[] = []
  const attached: string[] = []
  try {
    for (const b of bdms) {
      let volumeId = b.volume_id
      if (volumeId === null) {
        volumeId = await api.create(auth, {
          ...(b.volume_size !== null ? { size: b.volume_size } : {}),
          ...(b.source_type === 'image' && b.image_id ? { imageRef: b.image_id } : {}),
          ...(b.source_type === 'snapshot' && b.snapshot_id ? { snapshotId: b.snapshot_id } : {}),
          ...(b.volume_type ? { volumeType: b.volume_type } : {}),
          name: `${inst.uuid}-${b.boot_index === 0 ? 'root' : 'disk'}`,
        })
        made.push(volumeId)
        await api.waitFor(volumeId, ['available'])
      }
      const device = b.device_name ?? (b.boot_index === 0 ? '/dev/vda' : nextDevice(used))
      used.add(device)
      const attachmentId = await api.reserve(auth, volumeId, inst.uuid)
      attached.push(attachmentId)
      const info = await api.connect(auth, attachmentId, {
        host,
        mountpoint: device,
        instance: inst.uuid,
      })
      await api.complete(auth, attachmentId)
      await c.db
        .updateTable('block_device_mappings')
        .set({
          volume_id: volumeId,
          attachment_id: attachmentId,
          connection_info: JSON.stringify(info),
          device_name: device,
          updated_at: new Date().toISOString(),
        })
        .where('id', '=', b.id)
        .execute()
    }
  } catch (err) {
    for (const a of attached.reverse()) await api.detach(auth, a).catch(() => undefined)
    for (const v of made) await api.delete(auth, v).catch(() => undefined)
    throw err
  }
}

/** Connects the attachments of an instance for another host (reschedule, migration). */
export async function reconnectBlockDevices(
  c: ConductorContext,
  inst: InstanceTable,
  host: string,
): Promise<void> {
  const api = c.volume
  if (!api) return
  const auth = serviceAuth(inst.project_id, inst.user_id)
  const bdms = await c.db
    .selectFrom('block_device_mappings')
    .selectAll()
    .where('instance_uuid', '=', inst.uuid)
    .where('attachment_id', 'is not', null)
    .execute()
  for (const b of bdms) {
    const info = await api.connect(auth, b.attachment_id ?? '', {
      host,
      mountpoint: b.device_name,
      instance: inst.uuid,
    })
    await c.db
      .updateTable('block_device_mappings')
      .set({ connection_info: JSON.stringify(info), updated_at: new Date().toISOString() })
      .where('id', '=', b.id)
      .execute()
  }
}

/**
 * Volumes of a deleted server: detach every attachment and delete the volumes
 * marked delete_on_termination; then the BDM rows go. Idempotent.
 */
export async function releaseBlockDevices(c: ConductorContext, inst: InstanceTable): Promise<void> {
  const bdms = await c.db
    .selectFrom('block_device_mappings')
    .selectAll()
    .where('instance_uuid', '=', inst.uuid)
    .execute()
  const api = c.volume
  const auth = serviceAuth(inst.project_id, inst.user_id)
  for (const b of bdms) {
    if (api && b.attachment_id)
      await api
        .detach(auth, b.attachment_id)
        .catch((err: unknown) =>
          c.logger.warn(
            { err: String(err), volume: b.volume_id },
            'volume detach on delete failed',
          ),
        )
    if (api && b.volume_id && b.delete_on_termination === 1)
      await api
        .delete(auth, b.volume_id)
        .catch((err: unknown) =>
          c.logger.warn(
            { err: String(err), volume: b.volume_id },
            'volume delete on delete failed',
          ),
        )
  }
  await c.db.deleteFrom('block_device_mappings').where('instance_uuid', '=', inst.uuid).execute()
}
