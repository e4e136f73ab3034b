import type { FastifyPluginAsync, FastifyRequest } from 'fastify'
import { NotFoundError, BadRequestError } from '../../../common/errors.js'
import {
  attachmentsOf,
  listVolumeRows,
  parseMap,
  updateVolumeRow,
  type VolumeRow,
} from '../../../db/repositories/volume/volumes.js'
import { listTypeRows } from '../../../db/repositories/volume/types.js'
import { createVolume } from '../volume-create.js'
import {
  callerProject,
  checkMetadata,
  deleteVolume,
  findVisibleVolume,
  updateVolume,
} from '../volumes-service.js'
import type { VolumeContext } from '../volume-context.js'
import {
  allTenants,
  boolParam,
  nextLinks,
  paginate,
  parseDictParam,
  q1,
  type Query,
} from './common.js'
import { mv } from './microversion.js'
import {
  metaItemSchema,
  metadataBodySchema,
  volumeCreateSchema,
  volumeUpdateSchema,
} from './volumes-schemas.js'
import { visibleMetadata, volumeDetail, volumeSummary } from './volume-views.js'

type Id = { Params: { id: string } }
type Key = { Params: { id: string; key: string } }

async function typeMap(ctx: VolumeContext) {
  return new Map((await listTypeRows(ctx.db)).map((t) => [t.id, t]))
}

export async function renderVolume(ctx: VolumeContext, request: FastifyRequest, v: VolumeRow) {
  return volumeDetail(request, v, await attachmentsOf(ctx.db, [v.id]), await typeMap(ctx))
}

/**
 * The create and update answers: Cinder's volume extensions (admin os-vol-*
 * attributes, volume_image_metadata) decorate only show and detail.
 */
async function createOrUpdateView(ctx: VolumeContext, request: FastifyRequest, v: VolumeRow) {
  const view = await renderVolume(ctx, request, v)
  for (const k of Object.keys(view))
    if (k.startsWith('os-vol-') || k === 'volume_image_metadata') delete view[k]
  return view
}

/** Cinder's volume filters (resource_filters.json "volume") applied to rows. */
function filterVolumes(
  request: FastifyRequest,
  rows: VolumeRow[],
  typeNames: Map<string, { name: string }>,
): VolumeRow[] {
  const q = request.query as Query
  let out = rows
  const name = q1(q, 'name') ?? q1(q, 'display_name')
  if (name !== undefined) out = out.filter((v) => v.name === name)
  const status = q1(q, 'status')
  if (status !== undefined) out = out.filter((v) => v.status === status)
  const az = q1(q, 'availability_zone')
  if (az !== undefined) out = out.filter((v) => v.availability_zone === az)
  const boot = q1(q, 'bootable')
  if (boot !== undefined) {
    const b = boolParam(boot)
    if (b === undefined) throw new BadRequestError(`Invalid filter value for bootable: ${boot}`)
    out = out.filter((v) => (v.bootable === 1) === b)
  }
  const md = q1(q, 'metadata')
  if (md !== undefined) {
    const want = parseDictParam(md)
    out = out.filter((v) => {
      const have = visibleMetadata(v)
      return Object.entries(want).every(([k, x]) => have[k] === x)
    })
  }
  const size = q1(q, 'size')
  if (size !== undefined) out = out.filter((v) => String(v.size) === size)
  const vt = q1(q, 'volume_type')
  if (vt !== undefined)
    out = out.filter((v) => v.volume_type_id === vt || typeNames.get(v.volume_type_id)?.name === vt)
  const ms = q1(q, 'migration_status')
  if (ms !== undefined) out = out.filter((v) => v.migration_status === ms)
  return out
}

/** Columns of Cinder's volumes table a list may sort by (`name` is display_name). */
const VOLUME_SORT_KEYS = new Set([
  ...['id', 'created_at', 'updated_at', 'deleted_at', 'deleted', 'user_id', 'project_id'],
  ...['name', 'display_name', 'display_description', 'snapshot_id', 'source_volid', 'size'],
  ...['host', 'cluster_name', 'availability_zone', 'status', 'attach_status'],
  ...['migration_status', 'previous_status', 'scheduled_at', 'launched_at', 'terminated_at'],
  ...['provider_location', 'provider_auth', 'provider_geometry', 'provider_id'],
  ...['volume_type_id', 'encryption_key_id', 'consistencygroup_id', 'group_id', 'bootable'],
  ...['multiattach', 'replication_status', 'replication_extended_status'],
  ...['replication_driver_data', 'use_quota', 'service_uuid', 'shared_targets'],
])

function sortKey(v: VolumeRow, k: string): unknown {
  if (k === 'name' || k === 'display_name') return v.name
  return (v as unknown as Record<string, unknown>)[k]
}

/** /volumes, /volumes/detail, /volumes/{id}, /volumes/summary and metadata. */
export function volumesRoutes(ctx: VolumeContext): FastifyPluginAsync {
  return async (app) => {
    const list = async (request: FastifyRequest, detail: boolean) => {
      const all = allTenants(request)
      const project = all
        ? (q1(request.query as Query, 'project_id') ?? undefined)
        : callerProject(request.auth)
      const types = await typeMap(ctx)
      const rows = filterVolumes(request, await listVolumeRows(ctx.db, project), types)
      const page = paginate(request.query as Query, rows, sortKey, undefined, {
        sortable: VOLUME_SORT_KEYS,
        resource: 'Volume',
      })
      const atts = detail
        ? await attachmentsOf(
            ctx.db,
            page.items.map((v) => v.id),
          )
        : []
      const volumes = page.items.map((v) =>
        detail ? volumeDetail(request, v, atts, types) : volumeSummary(request, v),
      )
      const links = nextLinks(request, page, detail ? 'volumes/detail' : 'volumes')
      const withCount =
        mv(request, 45) && boolParam(q1(request.query as Query, 'with_count') ?? 'false') === true
      return {
        volumes,
        ...(links ? { volumes_links: links } : {}),
        ...(withCount ? { count: rows.length } : {}),
      }
    }
    app.get('/volumes', async (request) => list(request, false))
    app.get('/volumes/detail', async (request) => list(request, true))

    app.get('/volumes/summary', async (request) => {
      if (!mv(request, 12)) throw new NotFoundError('The resource could not be found.')
      const project = allTenants(request) ? undefined : callerProject(request.auth)
      const rows = await listVolumeRows(ctx.db, project)
      const summary: Record<string, unknown> = {
        total_size: rows.reduce((n, v) => n + v.size, 0),
        total_count: rows.length,
      }
      if (mv(request, 36)) {
        const md: Record<string, string[]> = {}
        for (const v of rows)
          for (const [k, x] of Object.entries(parseMap(v.metadata))) {
            const l = (md[k] ??= [])
            if (!l.includes(x)) l.push(x)
          }
        summary['metadata'] = md
      }
      return { 'volume-summary': summary }
    })

    app.post('/volumes', { schema: { body: volumeCreateSchema } }, async (request, reply) => {
      const b = (request.body as { volume: Record<string, unknown> }).volume
      const size = b['size']
      const v = await createVolume(ctx, request.auth, {
        size: typeof size === 'string' ? Number(size) : (size as number | null | undefined),
        name: (b['name'] ?? b['display_name']) as string | null | undefined,
        description: (b['description'] ?? b['display_description']) as string | null | undefined,
        volumeType: b['volume_type'] as string | null | undefined,
        availabilityZone: b['availability_zone'] as string | null | undefined,
        snapshotId: b['snapshot_id'] as string | null | undefined,
        sourceVolid: b['source_volid'] as string | null | undefined,
        imageRef: (b['imageRef'] ?? b['image_id']) as string | null | undefined,
        backupId: mv(request, 47) ? (b['backup_id'] as string | null | undefined) : undefined,
        metadata: b['metadata'] as Record<string, unknown> | null | undefined,
        multiattach:
          b['multiattach'] === true || b['multiattach'] === 'true' || b['multiattach'] === 'True',
      })
      reply.status(202)
      return { volume: await createOrUpdateView(ctx, request, v) }
    })

    app.get<Id>('/volumes/:id', async (request) => ({
      volume: await renderVolume(
        ctx,
        request,
        await findVisibleVolume(ctx, request.auth, request.params.id),
      ),
    }))

    app.put<Id>('/volumes/:id', { schema: { body: volumeUpdateSchema } }, async (request) => {
      const b = (request.body as { volume: Record<string, unknown> }).volume
      if (mv(request, 53) && Object.keys(b).length === 0)
        throw new BadRequestError(
          'Invalid input for field/attribute volume. Value: {}. {} does not have enough properties',
        )
      const name = b['name'] !== undefined ? b['name'] : b['display_name']
      const desc = b['description'] !== undefined ? b['description'] : b['display_description']
      const v = await updateVolume(ctx, request.auth, request.params.id, {
        name: name as string | null | undefined,
        description: desc as string | null | undefined,
        metadata: b['metadata'] as Record<string, string> | undefined,
      })
      return { volume: await createOrUpdateView(ctx, request, v) }
    })

    app.delete<Id & { Querystring: Query }>('/volumes/:id', async (request, reply) => {
      const q = request.query
      await deleteVolume(ctx, request.auth, request.params.id, {
        cascade: boolParam(q1(q, 'cascade') ?? 'false') === true,
        force: mv(request, 23) && boolParam(q1(q, 'force') ?? 'false') === true,
      })
      return reply.status(202).send()
    })

    // metadata
    const editable = async (request: FastifyRequest<Id>) => {
      const v = await findVisibleVolume(ctx, request.auth, request.params.id)
      if (v.status === 'maintenance')
        throw new BadRequestError(
          'Invalid volume: Updating volume metadata is not allowed for volumes in maintenance status.',
        )
      return v
    }
    app.get<Id>('/volumes/:id/metadata', async (request) => ({
      metadata: parseMap((await findVisibleVolume(ctx, request.auth, request.params.id)).metadata),
    }))
    app.post<Id>(
      '/volumes/:id/metadata',
      { schema: { body: metadataBodySchema } },
      async (request) => {
        const v = await editable(request)
        const md = {
          ...parseMap(v.metadata),
          ...checkMetadata((request.body as { metadata: Record<string, string> }).metadata),
        }
        await updateVolumeRow(ctx.db, v.id, { metadata: JSON.stringify(md) })
        return { metadata: md }
      },
    )
    app.put<Id>(
      '/volumes/:id/metadata',
      { schema: { body: metadataBodySchema } },
      async (request) => {
        const v = await editable(request)
        const md = checkMetadata((request.body as { metadata: Record<string, string> }).metadata)
        await updateVolumeRow(ctx.db, v.id, { metadata: JSON.stringify(md) })
        return { metadata: md }
      },
    )
    app.get<Key>('/volumes/:id/metadata/:key', async (request) => {
      const md = parseMap((await findVisibleVolume(ctx, request.auth, request.params.id)).metadata)
      const val = md[request.params.key]
      if (val === undefined)
        throw new NotFoundError(
          `Volume ${request.params.id} has no metadata with key ${request.params.key}.`,
        )
      return { meta: { [request.params.key]: val } }
    })
    app.put<Key>(
      '/volumes/:id/metadata/:key',
      { schema: { body: metaItemSchema } },
      async (request) => {
        const meta = (request.body as { meta: Record<string, string> }).meta
        const keys = Object.keys(meta)
        if (keys.length > 1) throw new BadRequestError('Request body contains too many items')
        if (keys[0] !== request.params.key)
          throw new BadRequestError('Request body and URI mismatch')
        const v = await editable(request)
        const md = { ...parseMap(v.metadata), ...checkMetadata(meta) }
        await updateVolumeRow(ctx.db, v.id, { metadata: JSON.stringify(md) })
        return { meta }
      },
    )
    app.delete<Key>('/volumes/:id/metadata/:key', async (request, reply) => {
      const v = await editable(request)
      const md = parseMap(v.metadata)
      if (md[request.params.key] === undefined)
        throw new NotFoundError(
          `Volume ${request.params.id} has no metadata with key ${request.params.key}.`,
        )
      delete md[request.params.key]
      await updateVolumeRow(ctx.db, v.id, { metadata: JSON.stringify(md) })
      // Cinder answers 200 with no body (Tempest checks there is none).
      return reply.send()
    })
  }
}
