import type { FastifyPluginAsync, FastifyRequest } from 'fastify'
import { isAdmin } from '../../../common/auth-context.js'
import { BadRequestError, ForbiddenError } from '../../../common/errors.js'
import { parseMap } from '../../../db/repositories/volume/volumes.js'
import { exportBackupRecord, importBackupRecord } from '../backup-records.js'
import {
  createBackup,
  deleteBackup,
  findVisibleBackup,
  hasDependents,
  restoreBackup,
  type BackupRow,
} from '../backups-service.js'
import { BackupStatus } from '../states.js'
import { callerProject } from '../volumes-service.js'
import type { VolumeContext } from '../volume-context.js'
import {
  allTenants,
  boolParam,
  cinderTime,
  nextLinks,
  paginate,
  q1,
  selfLinks,
  type Query,
} from './common.js'
import { mv } from './microversion.js'

type Id = { Params: { id: string } }

function obj(v: unknown, name: string): Record<string, unknown> {
  if (v === undefined || v === null) return {}
  if (typeof v !== 'object' || Array.isArray(v))
    throw new BadRequestError(`Invalid input for field/attribute ${name}.`)
  return v as Record<string, unknown>
}

function flag(v: unknown, name: string): boolean {
  if (v === undefined || v === null) return false
  if (typeof v === 'boolean') return v
  const text = typeof v === 'string' ? v : JSON.stringify(v)
  const b = boolParam(text)
  if (b === undefined) throw new BadRequestError(`Invalid value '${text}' for ${name}.`)
  return b
}

async function backupDetail(ctx: VolumeContext, r: FastifyRequest, b: BackupRow) {
  const out: Record<string, unknown> = {
    id: b.id,
    status: b.status,
    size: b.size,
    object_count: b.object_count,
    availability_zone: b.availability_zone,
    container: b.container,
    created_at: cinderTime(b.created_at),
    updated_at: cinderTime(b.updated_at),
    name: b.name,
    description: b.description,
    fail_reason: b.fail_reason,
    volume_id: b.volume_id,
    links: selfLinks(r, 'backups', b.id),
    is_incremental: b.is_incremental === 1,
    has_dependent_backups: await hasDependents(ctx, b.id),
    snapshot_id: b.snapshot_id,
    data_timestamp: cinderTime(b.data_timestamp),
  }
  if (mv(r, 18) && isAdmin(r.auth)) out['os-backup-project-attr:project_id'] = b.project_id
  if (mv(r, 43)) out['metadata'] = parseMap(b.metadata)
  if (mv(r, 56)) out['user_id'] = b.user_id
  return out
}

/** /backups: create (full, incremental, force), list/detail, show, delete, restore, reset/force-delete actions. */
export function backupsRoutes(ctx: VolumeContext): FastifyPluginAsync {
  return async (app) => {
    const list = async (r: FastifyRequest, detail: boolean) => {
      let q = ctx.db.selectFrom('volume_backups').selectAll()
      if (!allTenants(r)) q = q.where('project_id', '=', callerProject(r.auth))
      let rows = await q.execute()
      const query = r.query as Query
      for (const k of ['name', 'status', 'volume_id'] as const) {
        const v = q1(query, k)
        if (v !== undefined) rows = rows.filter((b) => b[k] === v)
      }
      const page = paginate(query, rows, (b, k) => (b as unknown as Record<string, unknown>)[k])
      const links = nextLinks(r, page, detail ? 'backups/detail' : 'backups')
      const items = detail
        ? await Promise.all(page.items.map((b) => backupDetail(ctx, r, b)))
        : page.items.map((b) => ({ id: b.id, name: b.name, links: selfLinks(r, 'backups', b.id) }))
      return { backups: items, ...(links ? { backups_links: links } : {}) }
    }
    app.get('/backups', async (r) => list(r, false))
    app.get('/backups/detail', async (r) => list(r, true))
    app.get<Id>('/backups/:id/export_record', async (r) => ({
      'backup-record': await exportBackupRecord(ctx, r.auth, r.params.id),
    }))
    app.post('/backups/import_record', async (r, reply) => {
      const body = obj(r.body, 'body')
      const rec = obj(body['backup-record'], 'backup-record')
      const extra = [
        ...Object.keys(body).filter((k) => k !== 'backup-record'),
        ...Object.keys(rec).filter((k) => k !== 'backup_service' && k !== 'backup_url'),
      ]
      if (extra.length)
        throw new BadRequestError(
          `Invalid input for field/attribute backup-record. Additional properties are not allowed (${extra.map((k) => `'${k}'`).join(', ')} were unexpected)`,
        )
      for (const k of ['backup_service', 'backup_url'])
        if (typeof rec[k] !== 'string')
          throw new BadRequestError(
            `Invalid input for field/attribute ${k}. '${k}' is a required string property`,
          )
      const service = rec['backup_service'] as string
      const url = rec['backup_url'] as string
      if (service.length > 255 || url.length === 0)
        throw new BadRequestError('Invalid input for field/attribute backup-record.')
      const b = await importBackupRecord(ctx, r.auth, service, url)
      return reply
        .status(201)
        .send({ backup: { id: b.id, name: b.name, links: selfLinks(r, 'backups', b.id) } })
    })
    app.get<Id>('/backups/:id', async (r) => ({
      backup: await backupDetail(ctx, r, await findVisibleBackup(ctx, r.auth, r.params.id)),
    }))
    app.post('/backups', async (r, reply) => {
      const b = obj((r.body as Record<string, unknown> | undefined)?.['backup'], 'backup')
      if (typeof b['volume_id'] !== 'string')
        throw new BadRequestError(
          "Invalid input for field/attribute volume_id. 'volume_id' is a required property",
        )
      const row = await createBackup(ctx, r.auth, {
        volumeId: b['volume_id'],
        name: (b['name'] as string | null | undefined) ?? null,
        description: (b['description'] as string | null | undefined) ?? null,
        incremental: flag(b['incremental'], 'incremental'),
        force: flag(b['force'], 'force'),
        snapshotId: (b['snapshot_id'] as string | null | undefined) ?? null,
        metadata: mv(r, 43) ? obj(b['metadata'], 'metadata') : undefined,
        container: (b['container'] as string | null | undefined) ?? null,
      })
      reply.status(202)
      return {
        backup: {
          id: row.id,
          name: row.name,
          links: selfLinks(r, 'backups', row.id),
          ...(mv(r, 43) ? { metadata: parseMap(row.metadata) } : {}),
        },
      }
    })
    app.put<Id>('/backups/:id', async (r) => {
      if (!mv(r, 9)) throw new BadRequestError('Backup update requires microversion 3.9.')
      const b = obj((r.body as Record<string, unknown> | undefined)?.['backup'], 'backup')
      const row = await findVisibleBackup(ctx, r.auth, r.params.id)
      await ctx.db
        .updateTable('volume_backups')
        .set({
          ...(b['name'] !== undefined ? { name: b['name'] as string | null } : {}),
          ...(b['description'] !== undefined
            ? { description: b['description'] as string | null }
            : {}),
          ...(mv(r, 43) && b['metadata'] !== undefined
            ? { metadata: JSON.stringify(b['metadata']) }
            : {}),
          updated_at: new Date().toISOString(),
        })
        .where('id', '=', row.id)
        .execute()
      const fresh = await findVisibleBackup(ctx, r.auth, row.id)
      return {
        backup: {
          id: fresh.id,
          name: fresh.name,
          links: selfLinks(r, 'backups', fresh.id),
          ...(mv(r, 43) ? { metadata: parseMap(fresh.metadata) } : {}),
        },
      }
    })
    app.delete<Id>('/backups/:id', async (r, reply) => {
      await deleteBackup(ctx, r.auth, r.params.id, false)
      return reply.status(202).send()
    })
    app.post<Id>('/backups/:id/restore', async (r, reply) => {
      const b = obj((r.body as Record<string, unknown> | undefined)?.['restore'], 'restore')
      const res = await restoreBackup(ctx, r.auth, r.params.id, {
        volumeId: (b['volume_id'] as string | null | undefined) ?? null,
        name: (b['name'] as string | null | undefined) ?? null,
      })
      reply.status(202)
      return { restore: res }
    })
    app.post<Id>('/backups/:id/action', async (r, reply) => {
      const body = (r.body ?? {}) as Record<string, unknown>
      if (!isAdmin(r.auth)) throw new ForbiddenError('Policy does not allow this operation.')
      if ('os-force_delete' in body) {
        await deleteBackup(ctx, r.auth, r.params.id, true)
        return reply.status(202).send()
      }
      if ('os-reset_status' in body) {
        const raw = obj(body['os-reset_status'], 'os-reset_status')['status']
        const st = typeof raw === 'string' ? raw : ''
        if (!(Object.values(BackupStatus) as string[]).includes(st))
          throw new BadRequestError('Invalid input received: Must specify a valid status')
        const b = await findVisibleBackup(ctx, r.auth, r.params.id)
        await ctx.db
          .updateTable('volume_backups')
          .set({ status: st })
          .where('id', '=', b.id)
          .execute()
        return reply.status(202).send()
      }
      throw new BadRequestError(`There is no such action: ${Object.keys(body)[0] ?? ''}`)
    })
  }
}
