import { Type } from '@sinclair/typebox'
import type { FastifyPluginAsync, FastifyRequest } from 'fastify'
import { isAdmin } from '../../../common/auth-context.js'
import { BadRequestError, ForbiddenError, NotFoundError } from '../../../common/errors.js'
import {
  listSnapshotRows,
  updateSnapshotRow,
  type SnapshotRow,
} from '../../../db/repositories/volume/snapshots.js'
import { parseMap } from '../../../db/repositories/volume/volumes.js'
import { createSnapshot, deleteSnapshot, findVisibleSnapshot } from '../snapshots-service.js'
import { SnapshotStatus } from '../states.js'
import { callerProject, checkMetadata } from '../volumes-service.js'
import type { VolumeContext } from '../volume-context.js'
import {
  allTenants,
  boolParam,
  cinderTime,
  nextLinks,
  paginate,
  parseDictParam,
  q1,
  type Query,
} from './common.js'
import { mv } from './microversion.js'
import { metaItemSchema, metadataBodySchema } from './volumes-schemas.js'

type Id = { Params: { id: string } }
type Key = { Params: { id: string; key: string } }
const nullableString = Type.Union([Type.String({ maxLength: 255 }), Type.Null()])

/** Columns of Cinder's snapshots table a list may sort by. */
const SNAPSHOT_SORT_KEYS = new Set([
  'id',
  'created_at',
  'updated_at',
  'name',
  'display_name',
  'description',
  'display_description',
  'status',
  'volume_id',
  'project_id',
  'user_id',
  'volume_size',
  'progress',
])

const createSchema = Type.Object(
  {
    snapshot: Type.Object({
      // uuid_allow_null: a null volume is looked up, and not found (404).
      volume_id: Type.Union([Type.String({ maxLength: 36 }), Type.Null()]),
      force: Type.Optional(Type.Union([Type.Boolean(), Type.String(), Type.Null()])),
      name: Type.Optional(nullableString),
      description: Type.Optional(nullableString),
      display_name: Type.Optional(nullableString),
      display_description: Type.Optional(nullableString),
      metadata: Type.Optional(Type.Record(Type.String(), Type.String())),
    }),
  },
  { additionalProperties: false },
)
const updateSchema = Type.Object(
  {
    snapshot: Type.Object(
      {
        name: Type.Optional(nullableString),
        description: Type.Optional(nullableString),
        display_name: Type.Optional(nullableString),
        display_description: Type.Optional(nullableString),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
)

/** Cinder's snapshot view; show/detail add the extended attributes (progress, project). */
export function snapshotView(request: FastifyRequest, s: SnapshotRow, extended: boolean) {
  const out: Record<string, unknown> = {
    id: s.id,
    created_at: cinderTime(s.created_at),
    updated_at: cinderTime(s.updated_at),
    name: s.name,
    description: s.description,
    volume_id: s.volume_id,
    status: s.status,
    size: s.size,
    metadata: parseMap(s.metadata),
  }
  if (extended) {
    out['os-extended-snapshot-attributes:progress'] = s.progress
    out['os-extended-snapshot-attributes:project_id'] = s.project_id
  }
  if (mv(request, 14)) out['group_snapshot_id'] = null
  if (mv(request, 41)) out['user_id'] = s.user_id
  if (mv(request, 65)) out['consumes_quota'] = s.use_quota === 1
  return out
}

function filter(request: FastifyRequest, rows: SnapshotRow[]): SnapshotRow[] {
  const q = request.query as Query
  let out = rows
  const name = q1(q, 'name') ?? q1(q, 'display_name')
  if (name !== undefined) out = out.filter((s) => s.name === name)
  const status = q1(q, 'status')
  if (status !== undefined) out = out.filter((s) => s.status === status)
  const vid = q1(q, 'volume_id')
  if (vid !== undefined) out = out.filter((s) => s.volume_id === vid)
  const md = q1(q, 'metadata')
  if (md !== undefined) {
    const want = parseDictParam(md)
    out = out.filter((s) => Object.entries(want).every(([k, x]) => parseMap(s.metadata)[k] === x))
  }
  return out
}

/** /snapshots (+ detail, metadata, os-reset_status / os-force_delete actions). */
export function snapshotsRoutes(ctx: VolumeContext): FastifyPluginAsync {
  return async (app) => {
    const list = async (request: FastifyRequest, detail: boolean) => {
      const project = allTenants(request) ? undefined : callerProject(request.auth)
      const rows = filter(request, await listSnapshotRows(ctx.db, { projectId: project }))
      const page = paginate(
        request.query as Query,
        rows,
        (s, k) =>
          k === 'display_name' || k === 'name'
            ? s.name
            : (s as unknown as Record<string, unknown>)[k],
        undefined,
        { sortable: SNAPSHOT_SORT_KEYS, resource: 'Snapshot' },
      )
      const links = nextLinks(request, page, detail ? 'snapshots/detail' : 'snapshots')
      const withCount =
        mv(request, 45) && boolParam(q1(request.query as Query, 'with_count') ?? 'false') === true
      return {
        snapshots: page.items.map((s) => snapshotView(request, s, detail)),
        ...(links ? { snapshots_links: links } : {}),
        ...(withCount ? { count: rows.length } : {}),
      }
    }
    app.get('/snapshots', async (r) => list(r, false))
    app.get('/snapshots/detail', async (r) => list(r, true))
    app.post('/snapshots', { schema: { body: createSchema } }, async (request, reply) => {
      const b = (request.body as { snapshot: Record<string, unknown> }).snapshot
      const f = b['force']
      const force =
        f === undefined || f === null
          ? false
          : typeof f === 'boolean'
            ? f
            : boolParam(typeof f === 'string' ? f : '')
      if (force === undefined)
        throw new BadRequestError(`Invalid value '${JSON.stringify(f)}' for force.`)
      const s = await createSnapshot(
        ctx,
        request.auth,
        {
          volumeId: typeof b['volume_id'] === 'string' ? b['volume_id'] : '',
          force,
          name: (b['name'] ?? b['display_name']) as string | null | undefined,
          description: (b['description'] ?? b['display_description']) as string | null | undefined,
          metadata: b['metadata'] as Record<string, unknown> | undefined,
        },
        request.volumeMicroversion,
      )
      reply.status(202)
      return { snapshot: snapshotView(request, s, false) }
    })
    app.get<Id>('/snapshots/:id', async (request) => ({
      snapshot: snapshotView(
        request,
        await findVisibleSnapshot(ctx, request.auth, request.params.id),
        true,
      ),
    }))
    app.put<Id>('/snapshots/:id', { schema: { body: updateSchema } }, async (request) => {
      const s = await findVisibleSnapshot(ctx, request.auth, request.params.id)
      const b = (request.body as { snapshot: Record<string, unknown> }).snapshot
      const name = b['name'] !== undefined ? b['name'] : b['display_name']
      const desc = b['description'] !== undefined ? b['description'] : b['display_description']
      await updateSnapshotRow(ctx.db, s.id, {
        ...(name !== undefined ? { name: name as string | null } : {}),
        ...(desc !== undefined ? { description: desc as string | null } : {}),
      })
      return {
        snapshot: snapshotView(request, await findVisibleSnapshot(ctx, request.auth, s.id), false),
      }
    })
    app.delete<Id>('/snapshots/:id', async (request, reply) => {
      await deleteSnapshot(ctx, request.auth, request.params.id, false)
      return reply.status(202).send()
    })
    app.post<Id>('/snapshots/:id/action', async (request, reply) => {
      const body = (request.body ?? {}) as Record<string, unknown>
      if ('os-force_delete' in body) {
        if (!isAdmin(request.auth))
          throw new ForbiddenError('Policy does not allow this operation.')
        await deleteSnapshot(ctx, request.auth, request.params.id, true)
        return reply.status(202).send()
      }
      const reset = body['os-reset_status'] ?? body['os-update_snapshot_status']
      if (reset && typeof reset === 'object') {
        const rawStatus = (reset as Record<string, unknown>)['status']
        const st = typeof rawStatus === 'string' ? rawStatus : ''
        if ('os-reset_status' in body && !isAdmin(request.auth))
          throw new ForbiddenError('Policy does not allow this operation.')
        if (!(Object.values(SnapshotStatus) as string[]).includes(st))
          throw new BadRequestError('Invalid input received: Must specify a valid status')
        const s = await findVisibleSnapshot(ctx, request.auth, request.params.id)
        const progress = (reset as Record<string, unknown>)['progress']
        await updateSnapshotRow(ctx.db, s.id, {
          status: st,
          ...(typeof progress === 'string' ? { progress } : {}),
        })
        return reply.status(202).send()
      }
      throw new BadRequestError(`There is no such action: ${Object.keys(body)[0] ?? ''}`)
    })

    // metadata
    const get = (r: FastifyRequest<Id>) => findVisibleSnapshot(ctx, r.auth, r.params.id)
    const save = async (id: string, md: Record<string, string>) =>
      updateSnapshotRow(ctx.db, id, { metadata: JSON.stringify(md) })
    app.get<Id>('/snapshots/:id/metadata', async (r) => ({
      metadata: parseMap((await get(r)).metadata),
    }))
    app.post<Id>('/snapshots/:id/metadata', { schema: { body: metadataBodySchema } }, async (r) => {
      const s = await get(r)
      const md = {
        ...parseMap(s.metadata),
        ...checkMetadata((r.body as { metadata: Record<string, string> }).metadata),
      }
      await save(s.id, md)
      return { metadata: md }
    })
    app.put<Id>('/snapshots/:id/metadata', { schema: { body: metadataBodySchema } }, async (r) => {
      const s = await get(r)
      const md = checkMetadata((r.body as { metadata: Record<string, string> }).metadata)
      await save(s.id, md)
      return { metadata: md }
    })
    app.get<Key>('/snapshots/:id/metadata/:key', async (r) => {
      const val = parseMap((await get(r)).metadata)[r.params.key]
      if (val === undefined)
        throw new NotFoundError(`Snapshot ${r.params.id} has no metadata with key ${r.params.key}.`)
      return { meta: { [r.params.key]: val } }
    })
    app.put<Key>(
      '/snapshots/:id/metadata/:key',
      { schema: { body: metaItemSchema } },
      async (r) => {
        const meta = (r.body as { meta: Record<string, string> }).meta
        if (Object.keys(meta).length > 1)
          throw new BadRequestError('Request body contains too many items')
        if (Object.keys(meta)[0] !== r.params.key)
          throw new BadRequestError('Request body and URI mismatch')
        const s = await get(r)
        await save(s.id, { ...parseMap(s.metadata), ...checkMetadata(meta) })
        return { meta }
      },
    )
    app.delete<Key>('/snapshots/:id/metadata/:key', async (r, reply) => {
      const s = await get(r)
      const md = parseMap(s.metadata)
      if (md[r.params.key] === undefined)
        throw new NotFoundError(`Snapshot ${r.params.id} has no metadata with key ${r.params.key}.`)
      delete md[r.params.key]
      await save(s.id, md)
      // Cinder answers 200 with no body (Tempest checks there is none).
      return reply.send()
    })
  }
}
