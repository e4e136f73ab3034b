import { newUuid } from '../../common/ids.js'
import type { VolumeContext } from './volume-context.js'

/** Cinder's message events (cinder/message/message_field.py), the ones Nubis raises. */
export const MessageEvent = {
  scheduleAllocateVolume: 'VOLUME_001_002',
  createVolumeFromBackend: 'VOLUME_VOLUME_001_003',
  extendVolume: 'VOLUME_VOLUME_015_010',
  deleteVolume: 'VOLUME_VOLUME_009_001',
  snapshotCreate: 'VOLUME_SNAPSHOT_004_010',
  backupCreate: 'VOLUME_BACKUP_001_001',
  restoreBackup: 'VOLUME_BACKUP_001_002',
  copyVolumeToImage: 'VOLUME_VOLUME_005_001',
} as const

/** Messages live 30 days, as Cinder's message_ttl. */
const TTL_MS = 30 * 24 * 3600 * 1000

/** Records a user-visible ERROR message about a resource of a project; never throws. */
export async function recordMessage(
  ctx: VolumeContext,
  m: {
    projectId: string
    resourceType: string
    resourceUuid: string
    eventId: string
    message: string
  },
): Promise<void> {
  const now = new Date()
  await ctx.db
    .insertInto('volume_messages')
    .values({
      id: newUuid(),
      project_id: m.projectId,
      // The API request that started the work is not carried through the bus yet.
      request_id: `req-${newUuid()}`,
      resource_type: m.resourceType,
      resource_uuid: m.resourceUuid,
      event_id: m.eventId,
      message_level: 'ERROR',
      user_message: m.message,
      created_at: now.toISOString(),
      expires_at: new Date(now.getTime() + TTL_MS).toISOString(),
    })
    .execute()
    .catch((err: unknown) => ctx.logger.warn({ err }, 'could not record a user message'))
}
