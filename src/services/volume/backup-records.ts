import type { AuthContext } from '../../common/auth-context.js'
import { isAdmin } from '../../common/auth-context.js'
import { BadRequestError, ForbiddenError, ServiceUnavailableError } from '../../common/errors.js'
import type { BackupRow } from './backups-service.js'
import { findVisibleBackup } from './backups-service.js'
import { backupStore } from './manager/backup-handlers.js'
import { backupLocation, validContainer } from './manager/backup-posix.js'
import { checkQuota } from './quota.js'
import { invalidBackup } from './states.js'
import { callerProject } from './volumes-service.js'
import { nowIso, type VolumeContext } from './volume-context.js'

/** The backup service name records carry (Cinder's driver path, which clients check). */
export const BACKUP_SERVICE = 'cinder.backup.drivers.posix.PosixBackupDriver'

function requireAdmin(auth: AuthContext, what: string): void {
  if (!isAdmin(auth))
    throw new ForbiddenError(`Policy does not allow backup:${what} to be performed.`)
}

/**
 * GET /backups/{id}/export_record (admin): the backup's database record as
 * base64 JSON, enough to import it again after losing the database.
 * `service_metadata` is where its data lives in the backup store.
 */
export async function exportBackupRecord(
  ctx: VolumeContext,
  auth: AuthContext,
  id: string,
): Promise<{ backup_service: string; backup_url: string }> {
  const b = await findVisibleBackup(ctx, auth, id)
  requireAdmin(auth, 'export-import')
  if (b.status !== 'available')
    throw invalidBackup(`Backup status must be available and not ${b.status}.`)
  const record = {
    id: b.id,
    volume_id: b.volume_id,
    snapshot_id: b.snapshot_id,
    user_id: b.user_id,
    project_id: b.project_id,
    host: b.host,
    availability_zone: b.availability_zone,
    display_name: b.name,
    display_description: b.description,
    container: b.container,
    parent_id: b.parent_id,
    status: b.status,
    fail_reason: b.fail_reason,
    size: b.size,
    service: BACKUP_SERVICE,
    service_metadata: backupLocation(b),
    object_count: b.object_count,
    data_timestamp: b.data_timestamp,
    created_at: b.created_at,
    metadata: JSON.parse(b.metadata || '{}') as Record<string, string>,
    driver_info: {},
  }
  return {
    backup_service: BACKUP_SERVICE,
    backup_url: Buffer.from(JSON.stringify(record)).toString('base64'),
  }
}

const invalidInput = (reason: string) => new BadRequestError(`Invalid input received: ${reason}`)

function decode(url: string): Record<string, unknown> {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(url) || url.length % 4 !== 0)
    throw invalidInput("Can't parse backup record.")
  try {
    const v: unknown = JSON.parse(Buffer.from(url, 'base64').toString('utf8'))
    if (v && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>
  } catch {
    // falls through to the same answer
  }
  throw invalidInput("Can't parse backup record.")
}

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null)

/**
 * POST /backups/import_record (admin), Cinder's recovery path: the record's
 * backup comes back under the record's id, in the caller's project, once its
 * data is found in the store. A record whose id was changed (a second copy)
 * gets the data hard-linked under the new id, so the two stay independent.
 */
export async function importBackupRecord(
  ctx: VolumeContext,
  auth: AuthContext,
  backupService: string,
  backupUrl: string,
): Promise<BackupRow> {
  requireAdmin(auth, 'export-import')
  const rec = decode(backupUrl)
  const id = str(rec['id'])
  if (!id) throw invalidInput('Provided backup record is missing an id')
  if (typeof rec['size'] !== 'number' || !Number.isInteger(rec['size']) || rec['size'] < 0)
    throw invalidInput('Provided backup record is missing size attribute')
  if (!/^[0-9a-fA-F-]{32,36}$/.test(id)) throw invalidInput(`Backup id ${id} is not a UUID.`)
  if (backupService !== BACKUP_SERVICE)
    throw new ServiceUnavailableError(`Service ${backupService} could not be found.`)
  const missing = [
    'display_name',
    'display_description',
    'container',
    'service_metadata',
    'object_count',
  ].filter((k) => !(k in rec))
  if (missing.length)
    throw invalidBackup(
      `Driver successfully decoded imported backup data, but there are missing fields (${missing.join(', ')}).`,
    )
  const existing = await ctx.db
    .selectFrom('volume_backups')
    .select('id')
    .where('id', '=', id)
    .executeTakeFirst()
  if (existing) throw invalidBackup('Backup already exists in database.')
  const container = str(rec['container'])
  if (container !== null && !container.startsWith('/') && !validContainer(container))
    throw invalidBackup(`Invalid container name '${container}'.`)
  const from = str(rec['service_metadata']) ?? ''
  const store = backupStore(ctx)
  if (!(await store.exists(from)))
    throw invalidBackup(`The backup data of record ${id} is not in the backup store (${from}).`)
  const to = backupLocation({ id, container })
  const linked = from !== to
  if (linked) {
    if (await store.exists(to)) throw invalidBackup(`Backup data already exists at ${to}.`)
    await store.adopt(from, to, id)
  }
  const projectId = callerProject(auth)
  const parentId = str(rec['parent_id'])
  const size = rec['size']
  try {
    await ctx.db.transaction().execute(async (trx) => {
      await checkQuota(ctx, trx, projectId, { backups: 1, backup_gigabytes: size })
      const now = nowIso()
      await trx
        .insertInto('volume_backups')
        .values({
          id,
          volume_id: str(rec['volume_id']) ?? '00000000-0000-0000-0000-000000000000',
          snapshot_id: str(rec['snapshot_id']),
          project_id: projectId,
          user_id: auth.userId,
          name: str(rec['display_name']),
          description: str(rec['display_description']),
          status: 'available',
          size,
          object_count: typeof rec['object_count'] === 'number' ? rec['object_count'] : 0,
          container,
          availability_zone: str(rec['availability_zone']),
          is_incremental: parentId ? 1 : 0,
          parent_id: parentId,
          host: str(rec['host']),
          fail_reason: null,
          metadata: JSON.stringify(
            rec['metadata'] && typeof rec['metadata'] === 'object' ? rec['metadata'] : {},
          ),
          data_timestamp: str(rec['data_timestamp']) ?? now,
          restore_volume_id: null,
          created_at: now,
          updated_at: null,
        })
        .execute()
    })
  } catch (err) {
    // Nothing half-made: the links made for this import go with the failed row.
    if (linked) await store.delete(to).catch(() => undefined)
    throw err
  }
  return (await ctx.db
    .selectFrom('volume_backups')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirst())!
}
